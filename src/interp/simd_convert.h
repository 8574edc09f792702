// SIMD conversions between float and integer lanes and between float widths. Each lane is
// the scalar conversion of numerics.h; "_zero" variants fill the upper two i32/f32 lanes
// with zeros, "low" variants read lanes 0 and 1.
#pragma once

#include <cstdint>

#include "interp/numerics.h"
#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {

// NaN -> 0, out of range saturates (the scalar trunc_sat per lane).
inline V128 i32x4_trunc_sat_f32x4_s(V128 a) {
  auto x = detail::lanes<float>(a);
  detail::Lanes<int32_t> r;
  for (int i = 0; i < 4; ++i) r.v[i] = trunc_sat<int32_t>(x.v[i]);
  return detail::to_v128(r);
}
inline V128 i32x4_trunc_sat_f32x4_u(V128 a) {
  auto x = detail::lanes<float>(a);
  detail::Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i) r.v[i] = trunc_sat<uint32_t>(x.v[i]);
  return detail::to_v128(r);
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

// One rounding per lane (to nearest even) for u32 -> f32 as well: see f32_convert_i32_u.
inline V128 f32x4_convert_i32x4_s(V128 a) {
  auto x = detail::lanes<uint32_t>(a);
  detail::Lanes<float> r;
  for (int i = 0; i < 4; ++i) r.v[i] = f32_convert_i32_s(x.v[i]);
  return detail::to_v128(r);
}
inline V128 f32x4_convert_i32x4_u(V128 a) {
  auto x = detail::lanes<uint32_t>(a);
  detail::Lanes<float> r;
  for (int i = 0; i < 4; ++i) r.v[i] = f32_convert_i32_u(x.v[i]);
  return detail::to_v128(r);
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
