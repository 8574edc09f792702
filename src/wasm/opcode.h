// The Opcode enumeration and its static facts, generated from opcodes.def (the one table
// that knows every instruction's encoding, DESIGN.md invariant 7).
#pragma once

#include <array>
#include <cstdint>

namespace ironclad::wasm {

enum class Opcode : uint16_t {
#define V(name, text, prefix, code, imm, sig, align) name,
#include "wasm/opcodes.def"
#undef V
  Count
};

// What follows an opcode in the binary format.
enum class ImmKind : uint8_t {
  None,
  BlockType,
  LabelIdx,
  BrTable,
  FuncIdx,
  CallIndirect,
  SelectT,
  LocalIdx,
  GlobalIdx,
  TableIdx,
  MemArg,
  MemArgLane,
  MemIdx,
  I32,
  I64,
  F32,
  F64,
  V128,
  Shuffle,
  Lane,
  RefType,
  MemoryInit,
  DataIdx,
  MemoryCopy,
  TableInit,
  ElemIdx,
  TableCopy
};

struct OpcodeInfo {
  const char* text;  // text-format mnemonic
  uint8_t prefix;    // 0, 0xFC or 0xFD
  uint32_t code;     // the byte, or the u32 after the prefix
  ImmKind imm;
  const char* sig;   // "params:results" (i l f d v) or "special"
  uint8_t align;     // natural alignment (log2) of memory accesses
};

inline constexpr uint32_t kOpcodeCount = static_cast<uint32_t>(Opcode::Count);

namespace detail {
// Defined in opcode.cpp; visible here so the lookups below inline into the body decoder's
// per-instruction loop.
extern const OpcodeInfo kOpcodeInfo[kOpcodeCount + 1];  // the last entry is "<invalid>"
extern const std::array<Opcode, 256> kPlainOpcodes;
extern const std::array<Opcode, 256> kFcOpcodes;
extern const std::array<Opcode, 256> kFdOpcodes;
}  // namespace detail

inline const OpcodeInfo& opcode_info(Opcode op) {
  auto i = static_cast<uint32_t>(op);
  return detail::kOpcodeInfo[i < kOpcodeCount ? i : kOpcodeCount];
}

inline const char* to_string(Opcode op) { return opcode_info(op).text; }

// The opcode encoded as (prefix, code), or Opcode::Count when there is none. The largest
// code of either prefix is below 256.
inline Opcode lookup_opcode(uint8_t prefix, uint32_t code) {
  if (code >= 256) return Opcode::Count;
  switch (prefix) {
    case 0: return detail::kPlainOpcodes[code];
    case 0xFC: return detail::kFcOpcodes[code];
    case 0xFD: return detail::kFdOpcodes[code];
    default: return Opcode::Count;
  }
}

}  // namespace ironclad::wasm
