// SIMD conversions between float and integer lanes and between float widths. Each lane is
// the scalar conversion of numerics.h; "_zero" variants fill the upper two i32/f32 lanes
// with zeros, "low" variants read lanes 0 and 1.
#pragma once

#include <cstdint>

#include "interp/numerics.h"
#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {

// NaN -> 0, out of range saturates (the scalar trunc_sat per lane). Only in-range lanes
// reach the conversion (out of range it is undefined); NaN fails every comparison, so it
// is neither in range nor saturated and ends as the converted 0.
inline V128 i32x4_trunc_sat_f32x4_s(V128 a) {
  using namespace detail;
  VecF32 x = as<float>(a);
  auto in_range = (x >= -0x1p31f) & (x < 0x1p31f);
  VecI32 r = __builtin_convertvector(select(in_range, x, VecF32{}), VecI32);
  r = select(x >= 0x1p31f, VecI32{} + INT32_MAX, r);
  return v128(select(x < -0x1p31f, VecI32{} + INT32_MIN, r));
}
inline V128 i32x4_trunc_sat_f32x4_u(V128 a) {
  using namespace detail;
  VecF32 x = as<float>(a);
  auto in_range = (x > -1.0f) & (x < 0x1p32f);  // (-1, 0) truncates to 0
  VecU32 r = __builtin_convertvector(select(in_range, x, VecF32{}), VecU32);
  return v128(select(x >= 0x1p32f, VecU32{} + UINT32_MAX, r));
}
inline V128 i32x4_trunc_sat_f64x2_s_zero(V128 a) {
  auto x = detail::lanes<double>(a);
  detail::Lanes<int32_t> r = {{trunc_sat<int32_t>(x.v[0]), trunc_sat<int32_t>(x.v[1]), 0, 0}};
  return detail::to_v128(r);
}
inline V128 i32x4_trunc_sat_f64x2_u_zero(V128 a) {
  auto x = detail::lanes<double>(a);
  detail::Lanes<uint32_t> r = {{trunc_sat<uint32_t>(x.v[0]), trunc_sat<uint32_t>(x.v[1]), 0, 0}};
  return detail::to_v128(r);
}

// One rounding per lane, to nearest even. For u32 lanes (SSE2 converts only signed ones)
// the compiler splits each lane into 16-bit halves converted exactly and adds them, a single
// rounding; tests/numerics checks it against a one-rounding reference.
inline V128 f32x4_convert_i32x4_s(V128 a) {
  return detail::v128(__builtin_convertvector(detail::as<int32_t>(a), detail::VecF32));
}
inline V128 f32x4_convert_i32x4_u(V128 a) {
  return detail::v128(__builtin_convertvector(detail::as<uint32_t>(a), detail::VecF32));
}
// Exact: every i32 and u32 is an f64.
inline V128 f64x2_convert_low_i32x4_s(V128 a) {
  auto x = detail::lanes<uint32_t>(a);
  detail::Lanes<double> r = {{f64_convert_i32_s(x.v[0]), f64_convert_i32_s(x.v[1])}};
  return detail::to_v128(r);
}
inline V128 f64x2_convert_low_i32x4_u(V128 a) {
  auto x = detail::lanes<uint32_t>(a);
  detail::Lanes<double> r = {{f64_convert_i32_u(x.v[0]), f64_convert_i32_u(x.v[1])}};
  return detail::to_v128(r);
}

inline V128 f32x4_demote_f64x2_zero(V128 a) {
  auto x = detail::lanes<double>(a);
  detail::Lanes<float> r = {{f32_demote_f64(x.v[0]), f32_demote_f64(x.v[1]), 0.0f, 0.0f}};
  return detail::to_v128(r);
}
inline V128 f64x2_promote_low_f32x4(V128 a) {
  auto x = detail::lanes<float>(a);
  detail::Lanes<double> r = {{f64_promote_f32(x.v[0]), f64_promote_f32(x.v[1])}};
  return detail::to_v128(r);
}

}  // namespace ironclad::interp::simd
