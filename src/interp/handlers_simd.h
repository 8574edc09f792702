// The SIMD handlers, looked up by opcode at lowering time, with the operand layout each
// form uses (see handlers_simd.cpp).
#pragma once

#include "interp/code.h"
#include "wasm/opcode.h"

namespace ironclad::interp {

enum class SimdForm : uint8_t {
  None,       // not a SIMD handler (v128.const, v128.load/store are elsewhere)
  Unary,      // v -> v            [h][a|dst]
  Binary,     // v v -> v          [h][a|b][dst|-]
  Ternary,    // v v v -> v        [h][a|b][c|dst]
  Shift,      // v i32 -> v        [h][a|count][dst|-]
  Test,       // v -> i32          [h][a|dst]
  Splat,      // scalar -> v       [h][x|dst]
  Extract,    // v -> scalar       [h][a|dst][lane|-]
  Replace,    // v scalar -> v     [h][a|x][dst|lane]
  Shuffle,    // v v -> v          [h][a|b][dst|-][lanes 0-7][lanes 8-15]
  Load,       // i32 -> v          [h][addr|dst][offset]
  LoadLane,   // i32 v -> v        [h][addr|vec][offset][dst|lane]
  StoreLane,  // i32 v ->          [h][addr|vec][offset][lane|-]
};

struct SimdHandler {
  Handler handler = nullptr;
  SimdForm form = SimdForm::None;
};

SimdHandler simd_handler(wasm::Opcode op);

}  // namespace ironclad::interp
