// The Opcode enumeration and its static facts, generated from opcodes.def (the one table
// that knows every instruction's encoding, DESIGN.md invariant 7).
#pragma once

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

const OpcodeInfo& opcode_info(Opcode op);
const char* to_string(Opcode op);

inline constexpr uint32_t kOpcodeCount = static_cast<uint32_t>(Opcode::Count);

// The opcode encoded as (prefix, code), or Opcode::Count when there is none.
Opcode lookup_opcode(uint8_t prefix, uint32_t code);

}  // namespace ironclad::wasm
