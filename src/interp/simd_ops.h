// The SIMD operators of src/wasm/opcodes.def grouped by signature class, as X-macro lists of
// (Opcode enumerator, function in ironclad::interp::simd[, C++ scalar type]), so the
// interpreter generates every handler of a class in a few lines, e.g.
//
//   #define BINARY(Op, fn) case Opcode::Op: { V128 b = pop(); V128 a = pop(); push(simd::fn(a, b)); break; }
//   IRONCLAD_SIMD_BINARY(BINARY)
//   #undef BINARY
//
// Together the classes cover every 0xFD opcode whose immediate is None, Lane or Shuffle;
// v128.const (a V128 immediate) and the memory operators (MemArg, MemArgLane immediates)
// are the interpreter's own, helped by IRONCLAD_SIMD_LOAD_* below. tests/numerics checks
// this file against opcodes.def (coverage, no duplicates, signature of every function).
// Scalar types: uint32_t for i32, uint64_t for i64, float for f32, double for f64.
#pragma once

#include "interp/simd.h"

// "v:v": V128 fn(V128 a)
#define IRONCLAD_SIMD_UNARY(V) \
  V(V128Not, v128_not) \
  V(F32x4DemoteF64x2Zero, f32x4_demote_f64x2_zero) \
  V(F64x2PromoteLowF32x4, f64x2_promote_low_f32x4) \
  V(I8x16Abs, i8x16_abs) \
  V(I8x16Neg, i8x16_neg) \
  V(I8x16Popcnt, i8x16_popcnt) \
  V(F32x4Ceil, f32x4_ceil) \
  V(F32x4Floor, f32x4_floor) \
  V(F32x4Trunc, f32x4_trunc) \
  V(F32x4Nearest, f32x4_nearest) \
  V(F64x2Ceil, f64x2_ceil) \
  V(F64x2Floor, f64x2_floor) \
  V(F64x2Trunc, f64x2_trunc) \
  V(I16x8ExtaddPairwiseI8x16S, i16x8_extadd_pairwise_i8x16_s) \
  V(I16x8ExtaddPairwiseI8x16U, i16x8_extadd_pairwise_i8x16_u) \
  V(I32x4ExtaddPairwiseI16x8S, i32x4_extadd_pairwise_i16x8_s) \
  V(I32x4ExtaddPairwiseI16x8U, i32x4_extadd_pairwise_i16x8_u) \
  V(I16x8Abs, i16x8_abs) \
  V(I16x8Neg, i16x8_neg) \
  V(I16x8ExtendLowI8x16S, i16x8_extend_low_i8x16_s) \
  V(I16x8ExtendHighI8x16S, i16x8_extend_high_i8x16_s) \
  V(I16x8ExtendLowI8x16U, i16x8_extend_low_i8x16_u) \
  V(I16x8ExtendHighI8x16U, i16x8_extend_high_i8x16_u) \
  V(F64x2Nearest, f64x2_nearest) \
  V(I32x4Abs, i32x4_abs) \
  V(I32x4Neg, i32x4_neg) \
  V(I32x4ExtendLowI16x8S, i32x4_extend_low_i16x8_s) \
  V(I32x4ExtendHighI16x8S, i32x4_extend_high_i16x8_s) \
  V(I32x4ExtendLowI16x8U, i32x4_extend_low_i16x8_u) \
  V(I32x4ExtendHighI16x8U, i32x4_extend_high_i16x8_u) \
  V(I64x2Abs, i64x2_abs) \
  V(I64x2Neg, i64x2_neg) \
  V(I64x2ExtendLowI32x4S, i64x2_extend_low_i32x4_s) \
  V(I64x2ExtendHighI32x4S, i64x2_extend_high_i32x4_s) \
  V(I64x2ExtendLowI32x4U, i64x2_extend_low_i32x4_u) \
  V(I64x2ExtendHighI32x4U, i64x2_extend_high_i32x4_u) \
  V(F32x4Abs, f32x4_abs) \
  V(F32x4Neg, f32x4_neg) \
  V(F32x4Sqrt, f32x4_sqrt) \
  V(F64x2Abs, f64x2_abs) \
  V(F64x2Neg, f64x2_neg) \
  V(F64x2Sqrt, f64x2_sqrt) \
  V(I32x4TruncSatF32x4S, i32x4_trunc_sat_f32x4_s) \
  V(I32x4TruncSatF32x4U, i32x4_trunc_sat_f32x4_u) \
  V(F32x4ConvertI32x4S, f32x4_convert_i32x4_s) \
  V(F32x4ConvertI32x4U, f32x4_convert_i32x4_u) \
  V(I32x4TruncSatF64x2SZero, i32x4_trunc_sat_f64x2_s_zero) \
  V(I32x4TruncSatF64x2UZero, i32x4_trunc_sat_f64x2_u_zero) \
  V(F64x2ConvertLowI32x4S, f64x2_convert_low_i32x4_s) \
  V(F64x2ConvertLowI32x4U, f64x2_convert_low_i32x4_u)

// "vv:v": V128 fn(V128 a, V128 b), a the deeper stack operand
#define IRONCLAD_SIMD_BINARY(V) \
  V(I8x16Swizzle, i8x16_swizzle) \
  V(I8x16Eq, i8x16_eq) \
  V(I8x16Ne, i8x16_ne) \
  V(I8x16LtS, i8x16_lt_s) \
  V(I8x16LtU, i8x16_lt_u) \
  V(I8x16GtS, i8x16_gt_s) \
  V(I8x16GtU, i8x16_gt_u) \
  V(I8x16LeS, i8x16_le_s) \
  V(I8x16LeU, i8x16_le_u) \
  V(I8x16GeS, i8x16_ge_s) \
  V(I8x16GeU, i8x16_ge_u) \
  V(I16x8Eq, i16x8_eq) \
  V(I16x8Ne, i16x8_ne) \
  V(I16x8LtS, i16x8_lt_s) \
  V(I16x8LtU, i16x8_lt_u) \
  V(I16x8GtS, i16x8_gt_s) \
  V(I16x8GtU, i16x8_gt_u) \
  V(I16x8LeS, i16x8_le_s) \
  V(I16x8LeU, i16x8_le_u) \
  V(I16x8GeS, i16x8_ge_s) \
  V(I16x8GeU, i16x8_ge_u) \
  V(I32x4Eq, i32x4_eq) \
  V(I32x4Ne, i32x4_ne) \
  V(I32x4LtS, i32x4_lt_s) \
  V(I32x4LtU, i32x4_lt_u) \
  V(I32x4GtS, i32x4_gt_s) \
  V(I32x4GtU, i32x4_gt_u) \
  V(I32x4LeS, i32x4_le_s) \
  V(I32x4LeU, i32x4_le_u) \
  V(I32x4GeS, i32x4_ge_s) \
  V(I32x4GeU, i32x4_ge_u) \
  V(F32x4Eq, f32x4_eq) \
  V(F32x4Ne, f32x4_ne) \
  V(F32x4Lt, f32x4_lt) \
  V(F32x4Gt, f32x4_gt) \
  V(F32x4Le, f32x4_le) \
  V(F32x4Ge, f32x4_ge) \
  V(F64x2Eq, f64x2_eq) \
  V(F64x2Ne, f64x2_ne) \
  V(F64x2Lt, f64x2_lt) \
  V(F64x2Gt, f64x2_gt) \
  V(F64x2Le, f64x2_le) \
  V(F64x2Ge, f64x2_ge) \
  V(V128And, v128_and) \
  V(V128Andnot, v128_andnot) \
  V(V128Or, v128_or) \
  V(V128Xor, v128_xor) \
  V(I8x16NarrowI16x8S, i8x16_narrow_i16x8_s) \
  V(I8x16NarrowI16x8U, i8x16_narrow_i16x8_u) \
  V(I8x16Add, i8x16_add) \
  V(I8x16AddSatS, i8x16_add_sat_s) \
  V(I8x16AddSatU, i8x16_add_sat_u) \
  V(I8x16Sub, i8x16_sub) \
  V(I8x16SubSatS, i8x16_sub_sat_s) \
  V(I8x16SubSatU, i8x16_sub_sat_u) \
  V(I8x16MinS, i8x16_min_s) \
  V(I8x16MinU, i8x16_min_u) \
  V(I8x16MaxS, i8x16_max_s) \
  V(I8x16MaxU, i8x16_max_u) \
  V(I8x16AvgrU, i8x16_avgr_u) \
  V(I16x8Q15mulrSatS, i16x8_q15mulr_sat_s) \
  V(I16x8NarrowI32x4S, i16x8_narrow_i32x4_s) \
  V(I16x8NarrowI32x4U, i16x8_narrow_i32x4_u) \
  V(I16x8Add, i16x8_add) \
  V(I16x8AddSatS, i16x8_add_sat_s) \
  V(I16x8AddSatU, i16x8_add_sat_u) \
  V(I16x8Sub, i16x8_sub) \
  V(I16x8SubSatS, i16x8_sub_sat_s) \
  V(I16x8SubSatU, i16x8_sub_sat_u) \
  V(I16x8Mul, i16x8_mul) \
  V(I16x8MinS, i16x8_min_s) \
  V(I16x8MinU, i16x8_min_u) \
  V(I16x8MaxS, i16x8_max_s) \
  V(I16x8MaxU, i16x8_max_u) \
  V(I16x8AvgrU, i16x8_avgr_u) \
  V(I16x8ExtmulLowI8x16S, i16x8_extmul_low_i8x16_s) \
  V(I16x8ExtmulHighI8x16S, i16x8_extmul_high_i8x16_s) \
  V(I16x8ExtmulLowI8x16U, i16x8_extmul_low_i8x16_u) \
  V(I16x8ExtmulHighI8x16U, i16x8_extmul_high_i8x16_u) \
  V(I32x4Add, i32x4_add) \
  V(I32x4Sub, i32x4_sub) \
  V(I32x4Mul, i32x4_mul) \
  V(I32x4MinS, i32x4_min_s) \
  V(I32x4MinU, i32x4_min_u) \
  V(I32x4MaxS, i32x4_max_s) \
  V(I32x4MaxU, i32x4_max_u) \
  V(I32x4DotI16x8S, i32x4_dot_i16x8_s) \
  V(I32x4ExtmulLowI16x8S, i32x4_extmul_low_i16x8_s) \
  V(I32x4ExtmulHighI16x8S, i32x4_extmul_high_i16x8_s) \
  V(I32x4ExtmulLowI16x8U, i32x4_extmul_low_i16x8_u) \
  V(I32x4ExtmulHighI16x8U, i32x4_extmul_high_i16x8_u) \
  V(I64x2Add, i64x2_add) \
  V(I64x2Sub, i64x2_sub) \
  V(I64x2Mul, i64x2_mul) \
  V(I64x2Eq, i64x2_eq) \
  V(I64x2Ne, i64x2_ne) \
  V(I64x2LtS, i64x2_lt_s) \
  V(I64x2GtS, i64x2_gt_s) \
  V(I64x2LeS, i64x2_le_s) \
  V(I64x2GeS, i64x2_ge_s) \
  V(I64x2ExtmulLowI32x4S, i64x2_extmul_low_i32x4_s) \
  V(I64x2ExtmulHighI32x4S, i64x2_extmul_high_i32x4_s) \
  V(I64x2ExtmulLowI32x4U, i64x2_extmul_low_i32x4_u) \
  V(I64x2ExtmulHighI32x4U, i64x2_extmul_high_i32x4_u) \
  V(F32x4Add, f32x4_add) \
  V(F32x4Sub, f32x4_sub) \
  V(F32x4Mul, f32x4_mul) \
  V(F32x4Div, f32x4_div) \
  V(F32x4Min, f32x4_min) \
  V(F32x4Max, f32x4_max) \
  V(F32x4Pmin, f32x4_pmin) \
  V(F32x4Pmax, f32x4_pmax) \
  V(F64x2Add, f64x2_add) \
  V(F64x2Sub, f64x2_sub) \
  V(F64x2Mul, f64x2_mul) \
  V(F64x2Div, f64x2_div) \
  V(F64x2Min, f64x2_min) \
  V(F64x2Max, f64x2_max) \
  V(F64x2Pmin, f64x2_pmin) \
  V(F64x2Pmax, f64x2_pmax)

// "vvv:v": V128 fn(V128 a, V128 b, V128 c)
#define IRONCLAD_SIMD_TERNARY(V) \
  V(V128Bitselect, v128_bitselect)

// "vi:v": V128 fn(V128 a, uint32_t count) (count taken modulo the lane width)
#define IRONCLAD_SIMD_SHIFT(V) \
  V(I8x16Shl, i8x16_shl) \
  V(I8x16ShrS, i8x16_shr_s) \
  V(I8x16ShrU, i8x16_shr_u) \
  V(I16x8Shl, i16x8_shl) \
  V(I16x8ShrS, i16x8_shr_s) \
  V(I16x8ShrU, i16x8_shr_u) \
  V(I32x4Shl, i32x4_shl) \
  V(I32x4ShrS, i32x4_shr_s) \
  V(I32x4ShrU, i32x4_shr_u) \
  V(I64x2Shl, i64x2_shl) \
  V(I64x2ShrS, i64x2_shr_s) \
  V(I64x2ShrU, i64x2_shr_u)

// "v:i": uint32_t fn(V128 a)
#define IRONCLAD_SIMD_TEST(V) \
  V(V128AnyTrue, v128_any_true) \
  V(I8x16AllTrue, i8x16_all_true) \
  V(I8x16Bitmask, i8x16_bitmask) \
  V(I16x8AllTrue, i16x8_all_true) \
  V(I16x8Bitmask, i16x8_bitmask) \
  V(I32x4AllTrue, i32x4_all_true) \
  V(I32x4Bitmask, i32x4_bitmask) \
  V(I64x2AllTrue, i64x2_all_true) \
  V(I64x2Bitmask, i64x2_bitmask)

// "i:v" "l:v" "f:v" "d:v": V128 fn(T x); T is the third argument
#define IRONCLAD_SIMD_SPLAT(V) \
  V(I8x16Splat, i8x16_splat, uint32_t) \
  V(I16x8Splat, i16x8_splat, uint32_t) \
  V(I32x4Splat, i32x4_splat, uint32_t) \
  V(I64x2Splat, i64x2_splat, uint64_t) \
  V(F32x4Splat, f32x4_splat, float) \
  V(F64x2Splat, f64x2_splat, double)

// Lane immediate, "v:i" "v:l" "v:f" "v:d": T fn(V128 a, uint32_t lane); T the third argument
#define IRONCLAD_SIMD_EXTRACT_LANE(V) \
  V(I8x16ExtractLaneS, i8x16_extract_lane_s, uint32_t) \
  V(I8x16ExtractLaneU, i8x16_extract_lane_u, uint32_t) \
  V(I16x8ExtractLaneS, i16x8_extract_lane_s, uint32_t) \
  V(I16x8ExtractLaneU, i16x8_extract_lane_u, uint32_t) \
  V(I32x4ExtractLane, i32x4_extract_lane, uint32_t) \
  V(I64x2ExtractLane, i64x2_extract_lane, uint64_t) \
  V(F32x4ExtractLane, f32x4_extract_lane, float) \
  V(F64x2ExtractLane, f64x2_extract_lane, double)

// Lane immediate, "vi:v" "vl:v" "vf:v" "vd:v": V128 fn(V128 a, uint32_t lane, T x)
#define IRONCLAD_SIMD_REPLACE_LANE(V) \
  V(I8x16ReplaceLane, i8x16_replace_lane, uint32_t) \
  V(I16x8ReplaceLane, i16x8_replace_lane, uint32_t) \
  V(I32x4ReplaceLane, i32x4_replace_lane, uint32_t) \
  V(I64x2ReplaceLane, i64x2_replace_lane, uint64_t) \
  V(F32x4ReplaceLane, f32x4_replace_lane, float) \
  V(F64x2ReplaceLane, f64x2_replace_lane, double)

// Shuffle immediate: V128 fn(V128 a, V128 b, const uint8_t lanes[16])
#define IRONCLAD_SIMD_SHUFFLE(V) \
  V(I8x16Shuffle, i8x16_shuffle)

// Memory operators whose value part is pure: the interpreter loads the bytes (T, a
// little-endian integer of the access width) and calls V128 fn(T bits).
#define IRONCLAD_SIMD_LOAD_EXTEND(V) \
  V(V128Load8x8S, load8x8_s, uint64_t) \
  V(V128Load8x8U, load8x8_u, uint64_t) \
  V(V128Load16x4S, load16x4_s, uint64_t) \
  V(V128Load16x4U, load16x4_u, uint64_t) \
  V(V128Load32x2S, load32x2_s, uint64_t) \
  V(V128Load32x2U, load32x2_u, uint64_t)

#define IRONCLAD_SIMD_LOAD_SPLAT(V) \
  V(V128Load8Splat, load8_splat, uint8_t) \
  V(V128Load16Splat, load16_splat, uint16_t) \
  V(V128Load32Splat, load32_splat, uint32_t) \
  V(V128Load64Splat, load64_splat, uint64_t)

#define IRONCLAD_SIMD_LOAD_ZERO(V) \
  V(V128Load32Zero, load32_zero, uint32_t) \
  V(V128Load64Zero, load64_zero, uint64_t)
