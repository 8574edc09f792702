// Every handler the lowering can emit, and the operand layout of each instruction.
// Notation: [h] is the handler word, [a|b] a word holding two u32 fields (slot indices
// unless said otherwise), [imm] a whole-word immediate, [T] an absolute jump target.
#pragma once

#include "interp/code.h"
#include "wasm/opcode.h"

namespace ironclad::interp {

// clang-format off
#define IRONCLAD_NAMED_HANDLERS(X)                                                        \
  X(h_exit)             /* [h]: ends a run (the return address of an entry frame)     */ \
  X(h_unreachable)      /* [h]                                                         */ \
  X(h_fuel)             /* [h]: spends one unit of fuel (loop headers, function entry) */ \
  X(h_loop_heat)        /* [h][uint64_t*]: one more loop iteration (FuncCode::heat)     */ \
  X(h_loop_osr)         /* [h][uint64_t*][counter|mask][OsrLoop*]: h_loop_heat + OSR   */ \
  X(h_zero_locals)      /* [h][first|count]: zeroes the declared locals                */ \
  X(h_copy64)           /* [h][src|dst]                                                */ \
  X(h_copy64x2)         /* [h][src|dst][src|dst]: two moves, in order                  */ \
  X(h_copy128)          /* [h][src|dst]                                                */ \
  X(h_const64)          /* [h][dst|-][imm]                                             */ \
  X(h_const128)         /* [h][dst|-][lo][hi]                                          */ \
  X(h_br)               /* [h][T]                                                      */ \
  X(h_br_nz)            /* [h][cond|-][T]: jumps when the i32 is non-zero              */ \
  X(h_br_z)             /* [h][cond|-][T]: jumps when the i32 is zero                  */ \
  X(h_br_nz64)          /* [h][cond|-][T]: jumps when the i64 is non-zero              */ \
  X(h_br_z64)           /* [h][cond|-][T]: jumps when the i64 is zero                  */ \
  X(h_br_table)         /* [h][index|count][T]*count then the default [T]              */ \
  X(h_return)           /* [h]: results are already in slots 0..                       */ \
  X(h_call)             /* [h][arg_base|-][FunctionInstance*]: same instance           */ \
  X(h_call_cross)       /* [h][arg_base|-][FunctionInstance*]: another instance        */ \
  X(h_call_host)        /* [h][arg_base|-][FunctionInstance*]                          */ \
  X(h_call_indirect)    /* [h][index|arg_base][Table*][type_id|-]                      */ \
  X(h_select64)         /* [h][a|b][cond|dst]                                          */ \
  X(h_select128)        /* [h][a|b][cond|dst]                                          */ \
  X(h_global_get32)     /* [h][dst|-][Global*]                                         */ \
  X(h_global_get64)     /* [h][dst|-][Global*]                                         */ \
  X(h_global_get128)    /* [h][dst|-][Global*]                                         */ \
  X(h_global_set32)     /* [h][src|-][Global*]                                         */ \
  X(h_global_set64)     /* [h][src|-][Global*]                                         */ \
  X(h_global_set128)    /* [h][src|-][Global*]                                         */ \
  X(h_memory_size)      /* [h][dst|-]                                                  */ \
  X(h_memory_grow)      /* [h][delta|dst]                                              */ \
  X(h_memory_fill)      /* [h][dst|value][n|-]                                         */ \
  X(h_memory_copy)      /* [h][dst|src][n|-]                                           */ \
  X(h_memory_init)      /* [h][dst|src][n|segment]                                     */ \
  X(h_data_drop)        /* [h][segment|-]                                              */ \
  X(h_table_get)        /* [h][index|dst][Table*]                                      */ \
  X(h_table_set)        /* [h][index|value][Table*]                                    */ \
  X(h_table_size)       /* [h][dst|-][Table*]                                          */ \
  X(h_table_grow)       /* [h][init|n][dst|-][Table*]                                  */ \
  X(h_table_fill)       /* [h][i|value][n|-][Table*]                                   */ \
  X(h_table_copy)       /* [h][dst|src][n|-][Table* dst][Table* src]                   */ \
  X(h_table_init)       /* [h][dst|src][n|segment][Table*]                             */ \
  X(h_elem_drop)        /* [h][segment|-]                                              */ \
  X(h_ref_is_null)      /* [h][a|dst]                                                  */
// clang-format on

#define IRONCLAD_DECLARE_HANDLER(name) IRONCLAD_HANDLER_CC Status name(IRONCLAD_HANDLER_ARGS);
IRONCLAD_NAMED_HANDLERS(IRONCLAD_DECLARE_HANDLER)
#undef IRONCLAD_DECLARE_HANDLER

// The return address of every entry frame: one instruction that ends the run.
extern const Word kEntryReturn[1];

// Generated families, looked up by opcode at lowering time; null when `op` has none.
// Unary operators (numeric, conversions, trapping or not): [h][a|dst].
Handler unop_handler(wasm::Opcode op);
// Binary operators: [h][a|b][dst|-], or with an immediate second operand [h][a|dst][imm].
Handler binop_handler(wasm::Opcode op, bool imm);
// A comparison fused with a conditional branch, taken when the comparison is `when`:
// [h][a|b][T], or with an immediate second operand [h][a|-][imm][T].
Handler branch_compare_handler(wasm::Opcode op, bool imm, bool when);
// Loads: [h][addr|dst][offset]. Stores: [h][addr|value][offset]. (All scalar and SIMD
// whole-value accesses; lane accesses are in simd_handler.)
Handler load_handler(wasm::Opcode op);
Handler store_handler(wasm::Opcode op);

}  // namespace ironclad::interp
