// Integer SIMD operators that change the lane width: narrow (saturating), extend,
// extadd_pairwise, extmul and dot. "low" reads source lanes 0..N/2-1 (bytes 0-7), "high"
// N/2..N-1 (bytes 8-15).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {
namespace detail {

// Half vectors: the 8 bytes a low/high operator reads.
typedef int8_t VecI8x8 __attribute__((vector_size(8)));
typedef uint8_t VecU8x8 __attribute__((vector_size(8)));
typedef int16_t VecI16x4 __attribute__((vector_size(8)));
typedef uint16_t VecU16x4 __attribute__((vector_size(8)));
typedef int32_t VecI32x2 __attribute__((vector_size(8)));
typedef uint32_t VecU32x2 __attribute__((vector_size(8)));

template <typename T> struct HalfOf;
template <> struct HalfOf<int8_t> { using type = VecI8x8; };
template <> struct HalfOf<uint8_t> { using type = VecU8x8; };
template <> struct HalfOf<int16_t> { using type = VecI16x4; };
template <> struct HalfOf<uint16_t> { using type = VecU16x4; };
template <> struct HalfOf<int32_t> { using type = VecI32x2; };
template <> struct HalfOf<uint32_t> { using type = VecU32x2; };

// Lanes of From in bytes [8 * half, 8 * half + 8), each widened to To (sign or zero by
// From's signedness).
template <typename From, typename To>
inline Vec<To> widen_half(const V128& a, int half) {
  typename HalfOf<From>::type h;
  std::memcpy(&h, a.bytes + 8 * half, 8);
  return __builtin_convertvector(h, Vec<To>);
}

// Each signed lane of From (a's lanes, then b's) clamped to To's range, then truncated: a
// signed To gives narrow_*_s, an unsigned To narrow_*_u (which still reads the inputs as
// signed).
template <typename From, typename To>
inline V128 narrow(V128 a, V128 b) {
  constexpr From lo = static_cast<From>(std::numeric_limits<To>::min());
  constexpr From hi = static_cast<From>(std::numeric_limits<To>::max());
  auto clamp = [](Vec<From> x) {
    x = select(x < lo, Vec<From>{} + lo, x);
    return select(x > hi, Vec<From>{} + hi, x);
  };
  using Half = typename HalfOf<To>::type;
  Half ra = __builtin_convertvector(clamp(as<From>(a)), Half);
  Half rb = __builtin_convertvector(clamp(as<From>(b)), Half);
  V128 r;
  std::memcpy(r.bytes, &ra, 8);
  std::memcpy(r.bytes + 8, &rb, 8);
  return r;
}

// r[i] = a[2i] + a[2i+1]: each To lane holds one pair; its low half (shifted up and back
// down, sign- or zero-extending by To's signedness) plus its high half cannot overflow To.
template <typename From, typename To>
inline V128 extadd_pairwise(V128 a) {
  constexpr int half = static_cast<int>(sizeof(From) * 8);
  Vec<To> x = as<To>(a);
  Vec<To> even = cast<To>(cast<std::make_unsigned_t<To>>(x) << half) >> half;
  Vec<To> odd = x >> half;
  return v128(cast<std::make_unsigned_t<To>>(even) + cast<std::make_unsigned_t<To>>(odd));
}

// r[i] = a[i] * b[i] over one half, both widened first: the product always fits To's
// width; it is taken on unsigned lanes so no C++ overflow can occur.
template <typename From, typename To>
inline V128 extmul(V128 a, V128 b, int half) {
  using U = std::make_unsigned_t<To>;
  return v128(cast<U>(widen_half<From, To>(a, half)) * cast<U>(widen_half<From, To>(b, half)));
}

}  // namespace detail

// ---- narrow ------------------------------------------------------------------------------------

inline V128 i8x16_narrow_i16x8_s(V128 a, V128 b) { return detail::narrow<int16_t, int8_t>(a, b); }
inline V128 i8x16_narrow_i16x8_u(V128 a, V128 b) { return detail::narrow<int16_t, uint8_t>(a, b); }
inline V128 i16x8_narrow_i32x4_s(V128 a, V128 b) { return detail::narrow<int32_t, int16_t>(a, b); }
inline V128 i16x8_narrow_i32x4_u(V128 a, V128 b) { return detail::narrow<int32_t, uint16_t>(a, b); }

// ---- extend --------------------------------------------------------------------------------------

inline V128 i16x8_extend_low_i8x16_s(V128 a) { return detail::v128(detail::widen_half<int8_t, int16_t>(a, 0)); }
inline V128 i16x8_extend_high_i8x16_s(V128 a) { return detail::v128(detail::widen_half<int8_t, int16_t>(a, 1)); }
inline V128 i16x8_extend_low_i8x16_u(V128 a) { return detail::v128(detail::widen_half<uint8_t, uint16_t>(a, 0)); }
inline V128 i16x8_extend_high_i8x16_u(V128 a) { return detail::v128(detail::widen_half<uint8_t, uint16_t>(a, 1)); }
inline V128 i32x4_extend_low_i16x8_s(V128 a) { return detail::v128(detail::widen_half<int16_t, int32_t>(a, 0)); }
inline V128 i32x4_extend_high_i16x8_s(V128 a) { return detail::v128(detail::widen_half<int16_t, int32_t>(a, 1)); }
inline V128 i32x4_extend_low_i16x8_u(V128 a) { return detail::v128(detail::widen_half<uint16_t, uint32_t>(a, 0)); }
inline V128 i32x4_extend_high_i16x8_u(V128 a) { return detail::v128(detail::widen_half<uint16_t, uint32_t>(a, 1)); }
inline V128 i64x2_extend_low_i32x4_s(V128 a) { return detail::v128(detail::widen_half<int32_t, int64_t>(a, 0)); }
inline V128 i64x2_extend_high_i32x4_s(V128 a) { return detail::v128(detail::widen_half<int32_t, int64_t>(a, 1)); }
inline V128 i64x2_extend_low_i32x4_u(V128 a) { return detail::v128(detail::widen_half<uint32_t, uint64_t>(a, 0)); }
inline V128 i64x2_extend_high_i32x4_u(V128 a) { return detail::v128(detail::widen_half<uint32_t, uint64_t>(a, 1)); }

// ---- extadd_pairwise -------------------------------------------------------------------------------

inline V128 i16x8_extadd_pairwise_i8x16_s(V128 a) { return detail::extadd_pairwise<int8_t, int16_t>(a); }
inline V128 i16x8_extadd_pairwise_i8x16_u(V128 a) { return detail::extadd_pairwise<uint8_t, uint16_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_s(V128 a) { return detail::extadd_pairwise<int16_t, int32_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_u(V128 a) {
  return detail::extadd_pairwise<uint16_t, uint32_t>(a);
}

// ---- extmul ---------------------------------------------------------------------------------------

inline V128 i16x8_extmul_low_i8x16_s(V128 a, V128 b) { return detail::extmul<int8_t, int16_t>(a, b, 0); }
inline V128 i16x8_extmul_high_i8x16_s(V128 a, V128 b) { return detail::extmul<int8_t, int16_t>(a, b, 1); }
inline V128 i16x8_extmul_low_i8x16_u(V128 a, V128 b) { return detail::extmul<uint8_t, uint16_t>(a, b, 0); }
inline V128 i16x8_extmul_high_i8x16_u(V128 a, V128 b) { return detail::extmul<uint8_t, uint16_t>(a, b, 1); }
inline V128 i32x4_extmul_low_i16x8_s(V128 a, V128 b) { return detail::extmul<int16_t, int32_t>(a, b, 0); }
inline V128 i32x4_extmul_high_i16x8_s(V128 a, V128 b) { return detail::extmul<int16_t, int32_t>(a, b, 1); }
inline V128 i32x4_extmul_low_i16x8_u(V128 a, V128 b) { return detail::extmul<uint16_t, uint32_t>(a, b, 0); }
inline V128 i32x4_extmul_high_i16x8_u(V128 a, V128 b) {
  return detail::extmul<uint16_t, uint32_t>(a, b, 1);
}
inline V128 i64x2_extmul_low_i32x4_s(V128 a, V128 b) { return detail::extmul<int32_t, int64_t>(a, b, 0); }
inline V128 i64x2_extmul_high_i32x4_s(V128 a, V128 b) { return detail::extmul<int32_t, int64_t>(a, b, 1); }
inline V128 i64x2_extmul_low_i32x4_u(V128 a, V128 b) { return detail::extmul<uint32_t, uint64_t>(a, b, 0); }
inline V128 i64x2_extmul_high_i32x4_u(V128 a, V128 b) {
  return detail::extmul<uint32_t, uint64_t>(a, b, 1);
}

// ---- dot ------------------------------------------------------------------------------------------
// r[i] = a[2i]*b[2i] + a[2i+1]*b[2i+1] in i32: each i32 lane holds one pair, split into its
// sign-extended low and high halves. Each product fits i32; only the sum
// (-32768)^2 * 2 = 2^31 overflows, and wraps to INT_MIN as the spec's modular add says, so
// the arithmetic is done on unsigned lanes.
inline V128 i32x4_dot_i16x8_s(V128 a, V128 b) {
  using detail::cast;
  detail::VecI32 x = detail::as<int32_t>(a), y = detail::as<int32_t>(b);
  detail::VecU32 x_even = cast<uint32_t>(cast<int32_t>(cast<uint32_t>(x) << 16) >> 16);
  detail::VecU32 y_even = cast<uint32_t>(cast<int32_t>(cast<uint32_t>(y) << 16) >> 16);
  detail::VecU32 x_odd = cast<uint32_t>(x >> 16), y_odd = cast<uint32_t>(y >> 16);
  return detail::v128(x_even * y_even + x_odd * y_odd);
}

}  // namespace ironclad::interp::simd
