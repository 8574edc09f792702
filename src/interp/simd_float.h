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

// The float lane type's bit pattern helpers, on vectors.
template <typename F>
using FBits = FloatBits<F>;

template <typename F>
inline Vec<FBits<F>> sign_bits(Vec<F> x) {
  return cast<FBits<F>>(x) & kSignBit<F>;
}
template <typename F>
inline Vec<F> abs_lanes(Vec<F> x) {
  return cast<F>(cast<FBits<F>>(x) & static_cast<FBits<F>>(~kSignBit<F>));
}
// A NaN lane with its quiet bit set; other lanes unchanged (see quiet_nan in numerics.h:
// done on bits because the optimizer may fold arithmetic that would quiet it).
template <typename F>
inline Vec<F> quiet_lanes(Vec<F> x) {
  return cast<F>(cast<FBits<F>>(x) | (cast<FBits<F>>(x != x) & kQuietBit<F>));
}

// wasm min/max per lane (numerics.h fmin/fmax): a NaN operand gives that NaN quieted,
// equal operands (only ±0 differ) combine their bits (OR: -0 wins min, AND: +0 wins max),
// otherwise the smaller/larger.
template <typename F>
inline V128 fmin(V128 a, V128 b) {
  Vec<F> x = as<F>(a), y = as<F>(b);
  Vec<F> r = select(y < x, y, x);
  r = select(x == y, cast<F>(cast<FBits<F>>(x) | cast<FBits<F>>(y)), r);
  r = select(y != y, quiet_lanes<F>(y), r);
  return v128(select(x != x, quiet_lanes<F>(x), r));
}
template <typename F>
inline V128 fmax(V128 a, V128 b) {
  Vec<F> x = as<F>(a), y = as<F>(b);
  Vec<F> r = select(x < y, y, x);
  r = select(x == y, cast<F>(cast<FBits<F>>(x) & cast<FBits<F>>(y)), r);
  r = select(y != y, quiet_lanes<F>(y), r);
  return v128(select(x != x, quiet_lanes<F>(x), r));
}

// wasm pmin/pmax are defined by one comparison (the C++ std::min/max idiom; x86 minps/maxps
// with the operands swapped): pmin(a, b) = b < a ? b : a. A NaN in a comparison is false, so a NaN
// `a` comes back unchanged (payload and all) and a NaN `b` gives `a`; ±0 are equal, so `a`.
template <typename F>
inline V128 fpmin(V128 a, V128 b) {
  Vec<F> x = as<F>(a), y = as<F>(b);
  return v128(select(y < x, y, x));
}
template <typename F>
inline V128 fpmax(V128 a, V128 b) {
  Vec<F> x = as<F>(a), y = as<F>(b);
  return v128(select(x < y, y, x));
}

// Rounding per lane, as ftrunc/fceil/ffloor/fnearest of numerics.h. Lanes at or above
// 2^(mantissa bits) (already integral), infinities and NaN (quieted) take the `big` path;
// they are zeroed before the integer conversion, which is undefined out of range.
template <typename F>
using RoundInt = std::conditional_t<sizeof(F) == 4, int32_t, int64_t>;

template <typename F>
inline Vec<F> trunc_lanes(Vec<F> x) {
  auto big = ~(abs_lanes<F>(x) < RoundTraits<F>::kIntegral);  // NaN: all ones
  Vec<F> small = select(big, Vec<F>{}, x);
  Vec<F> t = __builtin_convertvector(__builtin_convertvector(small, Vec<RoundInt<F>>), Vec<F>);
  t = cast<F>(cast<FBits<F>>(t) | sign_bits<F>(x));  // -0.5 truncates to -0
  return select(big, quiet_lanes<F>(x), t);
}
template <typename F>
inline V128 ftrunc(V128 a) {
  return v128(trunc_lanes<F>(as<F>(a)));
}
template <typename F>
inline V128 fceil(V128 a) {
  Vec<F> x = as<F>(a), t = trunc_lanes<F>(x);
  return v128(select(t < x, t + F(1), t));
}
template <typename F>
inline V128 ffloor(V128 a) {
  Vec<F> x = as<F>(a), t = trunc_lanes<F>(x);
  return v128(select(t > x, t - F(1), t));
}
template <typename F>
inline V128 fnearest(V128 a) {
  Vec<F> x = as<F>(a), ax = abs_lanes<F>(x);
  auto big = ~(ax < RoundTraits<F>::kIntegral);
  Vec<F> r = (ax + RoundTraits<F>::kIntegral) - RoundTraits<F>::kIntegral;  // ties to even
  r = cast<F>(cast<FBits<F>>(r) | sign_bits<F>(x));
  return v128(select(big, quiet_lanes<F>(x), r));
}

// IEEE square root per lane; a negative or NaN lane gives NaN. clang has an element-wise
// builtin (sqrtps/sqrtpd); elsewhere std::sqrt per lane, which under the default
// -fmath-errno also calls libm for negative lanes (to set errno), with the same results.
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
#define IRONCLAD_SIMD_ELEMENTWISE_SQRT 1
#endif
#endif
template <typename F>
inline V128 fsqrt(V128 a) {
#ifdef IRONCLAD_SIMD_ELEMENTWISE_SQRT
  return v128(__builtin_elementwise_sqrt(as<F>(a)));
#else
  return map1<F>(a, [](F x) { return std::sqrt(x); });
#endif
}

}  // namespace detail

// ---- f32x4 ---------------------------------------------------------------------------------

inline V128 f32x4_eq(V128 a, V128 b) { return detail::compare<float>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 f32x4_ne(V128 a, V128 b) { return detail::compare<float>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 f32x4_lt(V128 a, V128 b) { return detail::compare<float>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 f32x4_gt(V128 a, V128 b) { return detail::compare<float>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 f32x4_le(V128 a, V128 b) { return detail::compare<float>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 f32x4_ge(V128 a, V128 b) { return detail::compare<float>(a, b, [](auto x, auto y) { return x >= y; }); }

// abs/neg on the sign bit only: NaN payloads pass untouched (as for scalar f32.abs/neg).
inline V128 f32x4_abs(V128 a) { return detail::v128(detail::as<uint32_t>(a) & 0x7FFFFFFFu); }
inline V128 f32x4_neg(V128 a) { return detail::v128(detail::as<uint32_t>(a) ^ 0x80000000u); }
inline V128 f32x4_sqrt(V128 a) { return detail::fsqrt<float>(a); }

inline V128 f32x4_add(V128 a, V128 b) { return detail::v128(detail::as<float>(a) + detail::as<float>(b)); }
inline V128 f32x4_sub(V128 a, V128 b) { return detail::v128(detail::as<float>(a) - detail::as<float>(b)); }
inline V128 f32x4_mul(V128 a, V128 b) { return detail::v128(detail::as<float>(a) * detail::as<float>(b)); }
inline V128 f32x4_div(V128 a, V128 b) { return detail::v128(detail::as<float>(a) / detail::as<float>(b)); }
inline V128 f32x4_min(V128 a, V128 b) { return detail::fmin<float>(a, b); }
inline V128 f32x4_max(V128 a, V128 b) { return detail::fmax<float>(a, b); }
inline V128 f32x4_pmin(V128 a, V128 b) { return detail::fpmin<float>(a, b); }
inline V128 f32x4_pmax(V128 a, V128 b) { return detail::fpmax<float>(a, b); }

inline V128 f32x4_ceil(V128 a) { return detail::fceil<float>(a); }
inline V128 f32x4_floor(V128 a) { return detail::ffloor<float>(a); }
inline V128 f32x4_trunc(V128 a) { return detail::ftrunc<float>(a); }
inline V128 f32x4_nearest(V128 a) { return detail::fnearest<float>(a); }

// ---- f64x2 ---------------------------------------------------------------------------------

inline V128 f64x2_eq(V128 a, V128 b) { return detail::compare<double>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 f64x2_ne(V128 a, V128 b) { return detail::compare<double>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 f64x2_lt(V128 a, V128 b) { return detail::compare<double>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 f64x2_gt(V128 a, V128 b) { return detail::compare<double>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 f64x2_le(V128 a, V128 b) { return detail::compare<double>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 f64x2_ge(V128 a, V128 b) { return detail::compare<double>(a, b, [](auto x, auto y) { return x >= y; }); }

inline V128 f64x2_abs(V128 a) { return detail::v128(detail::as<uint64_t>(a) & 0x7FFFFFFFFFFFFFFFull); }
inline V128 f64x2_neg(V128 a) { return detail::v128(detail::as<uint64_t>(a) ^ 0x8000000000000000ull); }
inline V128 f64x2_sqrt(V128 a) { return detail::fsqrt<double>(a); }

inline V128 f64x2_add(V128 a, V128 b) { return detail::v128(detail::as<double>(a) + detail::as<double>(b)); }
inline V128 f64x2_sub(V128 a, V128 b) { return detail::v128(detail::as<double>(a) - detail::as<double>(b)); }
inline V128 f64x2_mul(V128 a, V128 b) { return detail::v128(detail::as<double>(a) * detail::as<double>(b)); }
inline V128 f64x2_div(V128 a, V128 b) { return detail::v128(detail::as<double>(a) / detail::as<double>(b)); }
inline V128 f64x2_min(V128 a, V128 b) { return detail::fmin<double>(a, b); }
inline V128 f64x2_max(V128 a, V128 b) { return detail::fmax<double>(a, b); }
inline V128 f64x2_pmin(V128 a, V128 b) { return detail::fpmin<double>(a, b); }
inline V128 f64x2_pmax(V128 a, V128 b) { return detail::fpmax<double>(a, b); }

inline V128 f64x2_ceil(V128 a) { return detail::fceil<double>(a); }
inline V128 f64x2_floor(V128 a) { return detail::ffloor<double>(a); }
inline V128 f64x2_trunc(V128 a) { return detail::ftrunc<double>(a); }
inline V128 f64x2_nearest(V128 a) { return detail::fnearest<double>(a); }

}  // namespace ironclad::interp::simd
