// Float SIMD operators that keep the lane shape: arithmetic, comparisons, min/max, pmin/pmax,
// rounding, abs/neg/sqrt. Each lane follows the scalar operator of numerics.h exactly.
//
// add/sub/mul/div/sqrt are the IEEE operations the hardware does per lane; a NaN result is
// a quiet NaN from an operand or the default NaN (both allowed by the spec's nans{...}).
#pragma once

#include <cmath>
#include <cstdint>

#include "interp/numerics.h"
#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {
namespace detail {

// wasm pmin/pmax are defined by one comparison (the C++ std::min/max idiom, and what x86
// minps/maxps compute): pmin(a, b) = b < a ? b : a. A NaN in a comparison is false, so a NaN
// `a` comes back unchanged (payload and all) and a NaN `b` gives `a`; ±0 are equal, so `a`.
template <typename F>
inline V128 pmin(V128 a, V128 b) {
  return map2<F>(a, b, [](F x, F y) { return y < x ? y : x; });
}
template <typename F>
inline V128 pmax(V128 a, V128 b) {
  return map2<F>(a, b, [](F x, F y) { return x < y ? y : x; });
}
// sqrt of a negative or NaN lane is NaN; std::sqrt is the IEEE square root (sqrtss/sqrtsd).
template <typename F>
inline V128 sqrt(V128 a) {
  return map1<F>(a, [](F x) { return std::sqrt(x); });
}

}  // namespace detail

// ---- f32x4 ---------------------------------------------------------------------------------

inline V128 f32x4_eq(V128 a, V128 b) { return detail::compare<float>(a, b, [](float x, float y) { return x == y; }); }
inline V128 f32x4_ne(V128 a, V128 b) { return detail::compare<float>(a, b, [](float x, float y) { return x != y; }); }
inline V128 f32x4_lt(V128 a, V128 b) { return detail::compare<float>(a, b, [](float x, float y) { return x < y; }); }
inline V128 f32x4_gt(V128 a, V128 b) { return detail::compare<float>(a, b, [](float x, float y) { return x > y; }); }
inline V128 f32x4_le(V128 a, V128 b) { return detail::compare<float>(a, b, [](float x, float y) { return x <= y; }); }
inline V128 f32x4_ge(V128 a, V128 b) { return detail::compare<float>(a, b, [](float x, float y) { return x >= y; }); }

// abs/neg on the sign bit only: NaN payloads pass untouched (as for scalar f32.abs/neg).
inline V128 f32x4_abs(V128 a) { return detail::map1<uint32_t>(a, [](uint32_t x) { return x & 0x7FFFFFFFu; }); }
inline V128 f32x4_neg(V128 a) { return detail::map1<uint32_t>(a, [](uint32_t x) { return x ^ 0x80000000u; }); }
inline V128 f32x4_sqrt(V128 a) { return detail::sqrt<float>(a); }

inline V128 f32x4_add(V128 a, V128 b) { return detail::map2<float>(a, b, [](float x, float y) { return x + y; }); }
inline V128 f32x4_sub(V128 a, V128 b) { return detail::map2<float>(a, b, [](float x, float y) { return x - y; }); }
inline V128 f32x4_mul(V128 a, V128 b) { return detail::map2<float>(a, b, [](float x, float y) { return x * y; }); }
inline V128 f32x4_div(V128 a, V128 b) { return detail::map2<float>(a, b, [](float x, float y) { return x / y; }); }
inline V128 f32x4_min(V128 a, V128 b) { return detail::map2<float>(a, b, [](float x, float y) { return fmin(x, y); }); }
inline V128 f32x4_max(V128 a, V128 b) { return detail::map2<float>(a, b, [](float x, float y) { return fmax(x, y); }); }
inline V128 f32x4_pmin(V128 a, V128 b) { return detail::pmin<float>(a, b); }
inline V128 f32x4_pmax(V128 a, V128 b) { return detail::pmax<float>(a, b); }

inline V128 f32x4_ceil(V128 a) { return detail::map1<float>(a, [](float x) { return fceil(x); }); }
inline V128 f32x4_floor(V128 a) { return detail::map1<float>(a, [](float x) { return ffloor(x); }); }
inline V128 f32x4_trunc(V128 a) { return detail::map1<float>(a, [](float x) { return ftrunc(x); }); }
inline V128 f32x4_nearest(V128 a) { return detail::map1<float>(a, [](float x) { return fnearest(x); }); }

// ---- f64x2 ---------------------------------------------------------------------------------

inline V128 f64x2_eq(V128 a, V128 b) { return detail::compare<double>(a, b, [](double x, double y) { return x == y; }); }
inline V128 f64x2_ne(V128 a, V128 b) { return detail::compare<double>(a, b, [](double x, double y) { return x != y; }); }
inline V128 f64x2_lt(V128 a, V128 b) { return detail::compare<double>(a, b, [](double x, double y) { return x < y; }); }
inline V128 f64x2_gt(V128 a, V128 b) { return detail::compare<double>(a, b, [](double x, double y) { return x > y; }); }
inline V128 f64x2_le(V128 a, V128 b) { return detail::compare<double>(a, b, [](double x, double y) { return x <= y; }); }
inline V128 f64x2_ge(V128 a, V128 b) { return detail::compare<double>(a, b, [](double x, double y) { return x >= y; }); }

inline V128 f64x2_abs(V128 a) {
  return detail::map1<uint64_t>(a, [](uint64_t x) { return x & 0x7FFFFFFFFFFFFFFFull; });
}
inline V128 f64x2_neg(V128 a) {
  return detail::map1<uint64_t>(a, [](uint64_t x) { return x ^ 0x8000000000000000ull; });
}
inline V128 f64x2_sqrt(V128 a) { return detail::sqrt<double>(a); }

inline V128 f64x2_add(V128 a, V128 b) { return detail::map2<double>(a, b, [](double x, double y) { return x + y; }); }
inline V128 f64x2_sub(V128 a, V128 b) { return detail::map2<double>(a, b, [](double x, double y) { return x - y; }); }
inline V128 f64x2_mul(V128 a, V128 b) { return detail::map2<double>(a, b, [](double x, double y) { return x * y; }); }
inline V128 f64x2_div(V128 a, V128 b) { return detail::map2<double>(a, b, [](double x, double y) { return x / y; }); }
inline V128 f64x2_min(V128 a, V128 b) { return detail::map2<double>(a, b, [](double x, double y) { return fmin(x, y); }); }
inline V128 f64x2_max(V128 a, V128 b) { return detail::map2<double>(a, b, [](double x, double y) { return fmax(x, y); }); }
inline V128 f64x2_pmin(V128 a, V128 b) { return detail::pmin<double>(a, b); }
inline V128 f64x2_pmax(V128 a, V128 b) { return detail::pmax<double>(a, b); }

inline V128 f64x2_ceil(V128 a) { return detail::map1<double>(a, [](double x) { return fceil(x); }); }
inline V128 f64x2_floor(V128 a) { return detail::map1<double>(a, [](double x) { return ffloor(x); }); }
inline V128 f64x2_trunc(V128 a) { return detail::map1<double>(a, [](double x) { return ftrunc(x); }); }
inline V128 f64x2_nearest(V128 a) { return detail::map1<double>(a, [](double x) { return fnearest(x); }); }

}  // namespace ironclad::interp::simd
