// Superinstruction handlers (handlers_fused.cpp), looked up at lowering time.
#pragma once

#include "interp/code.h"
#include "wasm/opcode.h"

namespace ironclad::interp {

// `a op load(addr + offset)` for a scalar binary operator: [h][a|addr][dst|-][offset].
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
// a + (b << k): [h][a|b][dst|k].
IRONCLAD_HANDLER_CC Status h_i32_add_shl(IRONCLAD_HANDLER_ARGS);

}  // namespace ironclad::interp
