// Every WebAssembly 2.0 fixed-width SIMD operator as an inline function of
// ironclad::interp::simd, named after its text mnemonic with '.' replaced by '_'
// (i8x16.add -> i8x16_add). Signatures follow the `sig` column of src/wasm/opcodes.def:
//   vv:v -> V128 f(V128, V128)      v:v -> V128 f(V128)      vvv:v -> V128 f(V128, V128, V128)
//   vi:v (shifts) -> V128 f(V128, uint32_t count)            v:i -> uint32_t f(V128)
// plus the lane, splat and shuffle forms of simd_bitwise.h. simd_ops.h lists them per
// signature class for the interpreter's dispatch.
#pragma once

#include "interp/simd_bitwise.h"
#include "interp/simd_convert.h"
#include "interp/simd_float.h"
#include "interp/simd_int.h"
#include "interp/simd_int_widen.h"
#include "interp/simd_memory.h"
