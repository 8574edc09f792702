#include "wasm/opcode.h"

#include <array>

namespace ironclad::wasm {
namespace {

constexpr OpcodeInfo kInfo[] = {
#define V(name, text, prefix, code, imm, sig, align) \
  {text, prefix, code, ImmKind::imm, sig, align},
#include "wasm/opcodes.def"
#undef V
    {"<invalid>", 0, 0, ImmKind::None, "special", 0},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == kOpcodeCount + 1);

// Dense decode tables: one-byte opcodes by byte, prefixed ones by their u32 code (the
// largest defined code of either prefix is below 256).
struct DecodeTables {
  std::array<Opcode, 256> plain;
  std::array<Opcode, 256> fc;
  std::array<Opcode, 256> fd;
  constexpr DecodeTables() : plain(), fc(), fd() {
    plain.fill(Opcode::Count);
    fc.fill(Opcode::Count);
    fd.fill(Opcode::Count);
    for (uint32_t i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo& info = kInfo[i];
      auto op = static_cast<Opcode>(i);
      if (info.prefix == 0) plain[info.code] = op;
      else if (info.prefix == 0xFC) fc[info.code] = op;
      else fd[info.code] = op;
    }
  }
};
constexpr DecodeTables kTables;

}  // namespace

const OpcodeInfo& opcode_info(Opcode op) {
  auto i = static_cast<uint32_t>(op);
  return kInfo[i < kOpcodeCount ? i : kOpcodeCount];
}

const char* to_string(Opcode op) { return opcode_info(op).text; }

Opcode lookup_opcode(uint8_t prefix, uint32_t code) {
  if (code >= 256) return Opcode::Count;
  switch (prefix) {
    case 0: return kTables.plain[code];
    case 0xFC: return kTables.fc[code];
    case 0xFD: return kTables.fd[code];
    default: return Opcode::Count;
  }
}

}  // namespace ironclad::wasm
