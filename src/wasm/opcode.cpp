#include "wasm/opcode.h"

namespace ironclad::wasm::detail {

extern const OpcodeInfo kOpcodeInfo[kOpcodeCount + 1] = {
#define V(name, text, prefix, code, imm, sig, align) \
  {text, prefix, code, ImmKind::imm, sig, align},
#include "wasm/opcodes.def"
#undef V
    {"<invalid>", 0, 0, ImmKind::None, "special", 0},
};

namespace {

// A dense decode table for one prefix, indexed by the (u32) code; unused codes map to
// Opcode::Count.
constexpr std::array<Opcode, 256> decode_table(uint8_t prefix) {
  constexpr uint8_t kPrefixes[] = {
#define V(name, text, prefix, code, imm, sig, align) prefix,
#include "wasm/opcodes.def"
#undef V
  };
  constexpr uint32_t kCodes[] = {
#define V(name, text, prefix, code, imm, sig, align) code,
#include "wasm/opcodes.def"
#undef V
  };
  static_assert(sizeof(kCodes) / sizeof(kCodes[0]) == kOpcodeCount);
  std::array<Opcode, 256> table{};
  table.fill(Opcode::Count);
  for (uint32_t i = 0; i < kOpcodeCount; ++i) {
    if (kPrefixes[i] == prefix) table[kCodes[i]] = static_cast<Opcode>(i);
  }
  return table;
}

}  // namespace

extern const std::array<Opcode, 256> kPlainOpcodes = decode_table(0);
extern const std::array<Opcode, 256> kFcOpcodes = decode_table(0xFC);
extern const std::array<Opcode, 256> kFdOpcodes = decode_table(0xFD);

}  // namespace ironclad::wasm::detail
