// Superinstruction handlers (handlers_fused.cpp), looked up at lowering time.
#pragma once

#include "interp/code.h"
#include "wasm/opcode.h"

namespace ironclad::interp {

// `a op load((addr + imm) mod 2^32 + offset)` for a scalar or common SIMD binary operator:
// [h][a|addr][dst|imm][offset].
Handler binop_load_handler(wasm::Opcode op);
// `mem[addr + offset] = x op mem[addr + offset]` (same type, full width): [h][x|addr][offset].
Handler binop_rmw_handler(wasm::Opcode op);
// A scalar load from `a + b` (i32, wrapping) plus the offset: [h][a|b][dst|-][offset],
// or from `a + imm`: [h][a|dst][imm][offset].
Handler load_add_handler(wasm::Opcode op, bool imm);

// A scalar load from `a + (b << k)` plus the offset: [h][a|b][dst|k][offset].
Handler load_add_shl_handler(wasm::Opcode op);
// A scalar store to `a + imm` (i32, wrapping) plus the offset: [h][a|value][imm][offset].
Handler store_add_handler(wasm::Opcode op);
// A load whose value a store of the same or a narrower width writes straight back,
// `*p = *q`: [h][q|p][qimm|pimm][qoff][poff] (addresses (slot + imm) mod 2^32 + offset).
// A trap at p is raised at ip + 1, which the lowering maps to the store.
Handler move_handler(wasm::Opcode load, wasm::Opcode store);
// A load from (an i32 load's value + imm) mod 2^32 + off, `table[*q]`:
// [h][q|dst][qimm|imm][qoff][off]; a trap in the outer load is raised at ip + 1.
Handler load_load_handler(wasm::Opcode inner, wasm::Opcode outer);
// `mem[p] = (x * mem[q]) + mem[p]` for a multiply `mul` that loaded its operand and an add
// `add` that read-modify-writes p: [h][x|q][p|qimm][qoff][poff] (null when there is none).
// A trap at p is raised at ip + 1, which the lowering maps to the add's load. With
// p_first: `mem[p] = mem[p] + (x * mem[q])`, p loaded (and checked) first, a trap at q
// raised at ip + 1.
Handler muladd_rmw_handler(wasm::Opcode mul, wasm::Opcode add, bool p_first);
// The handler running two adjacent instructions, the first (`first`, `first_words` long)
// falling through to the second (`second`), whose words stay as they are
// (handlers_pairs.cpp); null when there is none.
Handler pair_handler(Handler first, Handler second, size_t first_words);
// a + (b << k): [h][a|b][dst|k].
IRONCLAD_HANDLER_CC Status h_i32_add_shl(IRONCLAD_HANDLER_ARGS);

}  // namespace ironclad::interp
