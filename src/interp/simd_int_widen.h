// Integer SIMD operators that change the lane width: narrow (saturating), extend,
// extadd_pairwise, extmul and dot. "low" reads source lanes 0..N/2-1, "high" N/2..N-1.
#pragma once

#include <cstdint>
#include <limits>

#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {
namespace detail {

// Each signed lane of From (a's lanes, then b's) clamped to To's range: a signed To gives
// narrow_*_s, an unsigned To narrow_*_u (which still reads the inputs as signed).
template <typename From, typename To>
inline V128 narrow(V128 a, V128 b) {
  constexpr int n = kLanes<From>;
  Lanes<From> x = lanes<From>(a), y = lanes<From>(b);
  Lanes<To> r;
  auto clamp = [](From v) {
    constexpr From lo = static_cast<From>(std::numeric_limits<To>::min());
    constexpr From hi = static_cast<From>(std::numeric_limits<To>::max());
    return static_cast<To>(v < lo ? lo : (v > hi ? hi : v));
  };
  for (int i = 0; i < n; ++i) r.v[i] = clamp(x.v[i]);
  for (int i = 0; i < n; ++i) r.v[n + i] = clamp(y.v[i]);
  return to_v128(r);
}

// Lanes [first, first + N/2) of From, each widened to To (sign or zero by From's type).
template <typename From, typename To>
inline V128 extend(V128 a, int first) {
  Lanes<From> x = lanes<From>(a);
  Lanes<To> r;
  for (int i = 0; i < kLanes<To>; ++i) r.v[i] = static_cast<To>(x.v[first + i]);
  return to_v128(r);
}

// r[i] = a[2i] + a[2i+1], widened first so nothing overflows.
template <typename From, typename To>
inline V128 extadd_pairwise(V128 a) {
  Lanes<From> x = lanes<From>(a);
  Lanes<To> r;
  for (int i = 0; i < kLanes<To>; ++i)
    r.v[i] = static_cast<To>(static_cast<To>(x.v[2 * i]) + static_cast<To>(x.v[2 * i + 1]));
  return to_v128(r);
}

// r[i] = a[first + i] * b[first + i], both widened first. The product of two widened
// lanes always fits To (|x| <= 2^(n-1) gives |x*y| <= 2^(2n-2)), except the unsigned 32-bit
// case, whose u64 product is exact anyway; the multiply is done in an unsigned type of To's
// width (at least 32 bits) so no C++ overflow can occur.
template <typename From, typename To>
inline V128 extmul(V128 a, V128 b, int first) {
  using Product = std::conditional_t<(sizeof(To) < 4), uint32_t, std::make_unsigned_t<To>>;
  Lanes<From> x = lanes<From>(a), y = lanes<From>(b);
  Lanes<To> r;
  for (int i = 0; i < kLanes<To>; ++i)
    r.v[i] = static_cast<To>(static_cast<Product>(static_cast<To>(x.v[first + i])) *
                             static_cast<Product>(static_cast<To>(y.v[first + i])));
  return to_v128(r);
}

}  // namespace detail

// ---- narrow ------------------------------------------------------------------------------------

inline V128 i8x16_narrow_i16x8_s(V128 a, V128 b) { return detail::narrow<int16_t, int8_t>(a, b); }
inline V128 i8x16_narrow_i16x8_u(V128 a, V128 b) { return detail::narrow<int16_t, uint8_t>(a, b); }
inline V128 i16x8_narrow_i32x4_s(V128 a, V128 b) { return detail::narrow<int32_t, int16_t>(a, b); }
inline V128 i16x8_narrow_i32x4_u(V128 a, V128 b) { return detail::narrow<int32_t, uint16_t>(a, b); }

// ---- extend --------------------------------------------------------------------------------------

inline V128 i16x8_extend_low_i8x16_s(V128 a) { return detail::extend<int8_t, int16_t>(a, 0); }
inline V128 i16x8_extend_high_i8x16_s(V128 a) { return detail::extend<int8_t, int16_t>(a, 8); }
inline V128 i16x8_extend_low_i8x16_u(V128 a) { return detail::extend<uint8_t, uint16_t>(a, 0); }
inline V128 i16x8_extend_high_i8x16_u(V128 a) { return detail::extend<uint8_t, uint16_t>(a, 8); }
inline V128 i32x4_extend_low_i16x8_s(V128 a) { return detail::extend<int16_t, int32_t>(a, 0); }
inline V128 i32x4_extend_high_i16x8_s(V128 a) { return detail::extend<int16_t, int32_t>(a, 4); }
inline V128 i32x4_extend_low_i16x8_u(V128 a) { return detail::extend<uint16_t, uint32_t>(a, 0); }
inline V128 i32x4_extend_high_i16x8_u(V128 a) { return detail::extend<uint16_t, uint32_t>(a, 4); }
inline V128 i64x2_extend_low_i32x4_s(V128 a) { return detail::extend<int32_t, int64_t>(a, 0); }
inline V128 i64x2_extend_high_i32x4_s(V128 a) { return detail::extend<int32_t, int64_t>(a, 2); }
inline V128 i64x2_extend_low_i32x4_u(V128 a) { return detail::extend<uint32_t, uint64_t>(a, 0); }
inline V128 i64x2_extend_high_i32x4_u(V128 a) { return detail::extend<uint32_t, uint64_t>(a, 2); }

// ---- extadd_pairwise -------------------------------------------------------------------------------

inline V128 i16x8_extadd_pairwise_i8x16_s(V128 a) { return detail::extadd_pairwise<int8_t, int16_t>(a); }
inline V128 i16x8_extadd_pairwise_i8x16_u(V128 a) { return detail::extadd_pairwise<uint8_t, uint16_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_s(V128 a) { return detail::extadd_pairwise<int16_t, int32_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_u(V128 a) {
  return detail::extadd_pairwise<uint16_t, uint32_t>(a);
}

// ---- extmul ---------------------------------------------------------------------------------------

inline V128 i16x8_extmul_low_i8x16_s(V128 a, V128 b) { return detail::extmul<int8_t, int16_t>(a, b, 0); }
inline V128 i16x8_extmul_high_i8x16_s(V128 a, V128 b) { return detail::extmul<int8_t, int16_t>(a, b, 8); }
inline V128 i16x8_extmul_low_i8x16_u(V128 a, V128 b) { return detail::extmul<uint8_t, uint16_t>(a, b, 0); }
inline V128 i16x8_extmul_high_i8x16_u(V128 a, V128 b) { return detail::extmul<uint8_t, uint16_t>(a, b, 8); }
inline V128 i32x4_extmul_low_i16x8_s(V128 a, V128 b) { return detail::extmul<int16_t, int32_t>(a, b, 0); }
inline V128 i32x4_extmul_high_i16x8_s(V128 a, V128 b) { return detail::extmul<int16_t, int32_t>(a, b, 4); }
inline V128 i32x4_extmul_low_i16x8_u(V128 a, V128 b) { return detail::extmul<uint16_t, uint32_t>(a, b, 0); }
inline V128 i32x4_extmul_high_i16x8_u(V128 a, V128 b) {
  return detail::extmul<uint16_t, uint32_t>(a, b, 4);
}
inline V128 i64x2_extmul_low_i32x4_s(V128 a, V128 b) { return detail::extmul<int32_t, int64_t>(a, b, 0); }
inline V128 i64x2_extmul_high_i32x4_s(V128 a, V128 b) { return detail::extmul<int32_t, int64_t>(a, b, 2); }
inline V128 i64x2_extmul_low_i32x4_u(V128 a, V128 b) { return detail::extmul<uint32_t, uint64_t>(a, b, 0); }
inline V128 i64x2_extmul_high_i32x4_u(V128 a, V128 b) {
  return detail::extmul<uint32_t, uint64_t>(a, b, 2);
}

// ---- dot ------------------------------------------------------------------------------------------
// r[i] = a[2i]*b[2i] + a[2i+1]*b[2i+1] in i32. Each product fits i32; only the sum
// (-32768)^2 * 2 = 2^31 overflows, and wraps to INT_MIN as the spec's modular add says:
// the sum is therefore taken in uint32_t.
inline V128 i32x4_dot_i16x8_s(V128 a, V128 b) {
  detail::Lanes<int16_t> x = detail::lanes<int16_t>(a), y = detail::lanes<int16_t>(b);
  detail::Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i) {
    int32_t p0 = int32_t{x.v[2 * i]} * int32_t{y.v[2 * i]};
    int32_t p1 = int32_t{x.v[2 * i + 1]} * int32_t{y.v[2 * i + 1]};
    r.v[i] = static_cast<uint32_t>(p0) + static_cast<uint32_t>(p1);
  }
  return detail::to_v128(r);
}

}  // namespace ironclad::interp::simd
