// One decoded instruction: the opcode plus its immediates, as the body decoder produces
// them for every consumer (validator, interpreter lowering, JIT translation).
#pragma once

#include <cstdint>
#include <vector>

#include "ironclad/value.h"
#include "wasm/opcode.h"

namespace ironclad::wasm {

struct BlockType {
  enum Kind : uint8_t { Empty, Value, TypeIndex } kind = Empty;
  ValType value = ValType::I32;  // kind == Value
  uint32_t type_index = 0;       // kind == TypeIndex
};

struct MemArg {
  uint32_t align_log2 = 0;
  uint64_t offset = 0;
  uint32_t memory = 0;
};

struct Instr {
  Opcode op = Opcode::Nop;
  uint32_t offset = 0;  // module offset of the opcode's first byte
  BlockType block;      // block, loop, if
  // label, func, local, global, table, elem, data, memory, or type index for call_indirect
  uint32_t index = 0;
  // call_indirect: table; table.copy: source table; table.init: table; memory.init: memory;
  // memory.copy: source memory
  uint32_t index2 = 0;
  MemArg mem;
  uint8_t lane = 0;
  uint32_t i32 = 0;
  uint64_t i64 = 0;
  uint32_t f32_bits = 0;
  uint64_t f64_bits = 0;
  V128 v128;  // v128.const value, or the 16 shuffle lane indices
  ValType ref_type = ValType::FuncRef;  // ref.null t, and select t's single type
  uint32_t select_arity = 0;  // number of types in select t (must be 1 to be valid)
  const std::vector<uint32_t>* br_targets = nullptr;  // br_table targets (the default last)
};

}  // namespace ironclad::wasm
