// Integer SIMD operators that keep the lane shape: arithmetic (wrapping and saturating),
// comparisons, shifts, min/max, averages, abs/neg/popcnt, q15mulr, all_true and bitmask.
// Lane-widening and -narrowing operators are in simd_int_widen.h.
//
// Wrapping arithmetic is done in unsigned types: signed overflow is UB in C++, and 8/16-bit
// operands promote to int, so products of 16-bit lanes are computed as uint32_t.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {
namespace detail {

// The type arithmetic on lane type T is carried out in without UB: at least 32 bits,
// unsigned so that it wraps.
template <typename T>
using Wide = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;

template <typename T>
inline V128 add(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return static_cast<T>(Wide<T>(x) + Wide<T>(y)); });
}
template <typename T>
inline V128 sub(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return static_cast<T>(Wide<T>(x) - Wide<T>(y)); });
}
template <typename T>
inline V128 mul(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return static_cast<T>(Wide<T>(x) * Wide<T>(y)); });
}
template <typename T>
inline V128 neg(V128 a) {
  return map1<T>(a, [](T x) { return static_cast<T>(Wide<T>(0) - Wide<T>(x)); });
}
// abs of the most negative lane wraps to itself (0 - INT_MIN), as the spec says.
template <typename S>
inline V128 abs(V128 a) {
  return map1<S>(a, [](S x) { return x < 0 ? static_cast<S>(Wide<S>(0) - Wide<S>(x)) : x; });
}

// Saturating add/sub for 8- and 16-bit lanes (the only widths wasm has them for): the exact
// result fits int32, then is clamped to T's range.
template <typename T>
inline T saturate(int32_t v) {
  return static_cast<T>(std::clamp<int32_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}
template <typename T>
inline V128 add_sat(V128 a, V128 b) {
  static_assert(sizeof(T) <= 2);
  return map2<T>(a, b, [](T x, T y) { return saturate<T>(int32_t{x} + int32_t{y}); });
}
template <typename T>
inline V128 sub_sat(V128 a, V128 b) {
  static_assert(sizeof(T) <= 2);
  return map2<T>(a, b, [](T x, T y) { return saturate<T>(int32_t{x} - int32_t{y}); });
}

template <typename T>
inline V128 min(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return y < x ? y : x; });
}
template <typename T>
inline V128 max(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return x < y ? y : x; });
}
// Rounding average (x + y + 1) / 2, without overflow (8/16-bit lanes only).
template <typename U>
inline V128 avgr(V128 a, V128 b) {
  return map2<U>(a, b, [](U x, U y) { return static_cast<U>((uint32_t{x} + uint32_t{y} + 1) >> 1); });
}

// Shift counts are taken modulo the lane width. T's signedness picks >> arithmetic or logical.
template <typename T>
inline V128 shl(V128 a, uint32_t count) {
  const int s = static_cast<int>(count & (sizeof(T) * 8 - 1));
  return map1<T>(a, [s](T x) { return static_cast<T>(Wide<T>(x) << s); });
}
template <typename T>
inline V128 shr(V128 a, uint32_t count) {
  const int s = static_cast<int>(count & (sizeof(T) * 8 - 1));
  return map1<T>(a, [s](T x) { return static_cast<T>(x >> s); });
}

template <typename T>
inline uint32_t all_true(V128 a) {
  Lanes<T> x = lanes<T>(a);
  bool all = true;
  for (int i = 0; i < kLanes<T>; ++i) all &= x.v[i] != 0;
  return all ? 1u : 0u;
}
// Bit i of the result is the sign bit of lane i.
template <typename S>
inline uint32_t bitmask(V128 a) {
  Lanes<S> x = lanes<S>(a);
  uint32_t r = 0;
  for (int i = 0; i < kLanes<S>; ++i) r |= (x.v[i] < 0 ? 1u : 0u) << i;
  return r;
}

}  // namespace detail

// ---- i8x16 -----------------------------------------------------------------------------------

inline V128 i8x16_eq(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 i8x16_ne(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 i8x16_lt_s(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i8x16_lt_u(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i8x16_gt_s(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i8x16_gt_u(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i8x16_le_s(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i8x16_le_u(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i8x16_ge_s(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 i8x16_ge_u(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x >= y; }); }

inline V128 i8x16_abs(V128 a) { return detail::abs<int8_t>(a); }
inline V128 i8x16_neg(V128 a) { return detail::neg<uint8_t>(a); }
inline V128 i8x16_popcnt(V128 a) {
  return detail::map1<uint8_t>(a, [](uint8_t x) { return static_cast<uint8_t>(std::popcount(x)); });
}
inline uint32_t i8x16_all_true(V128 a) { return detail::all_true<uint8_t>(a); }
inline uint32_t i8x16_bitmask(V128 a) { return detail::bitmask<int8_t>(a); }

inline V128 i8x16_shl(V128 a, uint32_t n) { return detail::shl<uint8_t>(a, n); }
inline V128 i8x16_shr_s(V128 a, uint32_t n) { return detail::shr<int8_t>(a, n); }
inline V128 i8x16_shr_u(V128 a, uint32_t n) { return detail::shr<uint8_t>(a, n); }

inline V128 i8x16_add(V128 a, V128 b) { return detail::add<uint8_t>(a, b); }
inline V128 i8x16_add_sat_s(V128 a, V128 b) { return detail::add_sat<int8_t>(a, b); }
inline V128 i8x16_add_sat_u(V128 a, V128 b) { return detail::add_sat<uint8_t>(a, b); }
inline V128 i8x16_sub(V128 a, V128 b) { return detail::sub<uint8_t>(a, b); }
inline V128 i8x16_sub_sat_s(V128 a, V128 b) { return detail::sub_sat<int8_t>(a, b); }
inline V128 i8x16_sub_sat_u(V128 a, V128 b) { return detail::sub_sat<uint8_t>(a, b); }
inline V128 i8x16_min_s(V128 a, V128 b) { return detail::min<int8_t>(a, b); }
inline V128 i8x16_min_u(V128 a, V128 b) { return detail::min<uint8_t>(a, b); }
inline V128 i8x16_max_s(V128 a, V128 b) { return detail::max<int8_t>(a, b); }
inline V128 i8x16_max_u(V128 a, V128 b) { return detail::max<uint8_t>(a, b); }
inline V128 i8x16_avgr_u(V128 a, V128 b) { return detail::avgr<uint8_t>(a, b); }

// ---- i16x8 -----------------------------------------------------------------------------------

inline V128 i16x8_eq(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 i16x8_ne(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 i16x8_lt_s(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i16x8_lt_u(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i16x8_gt_s(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i16x8_gt_u(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i16x8_le_s(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i16x8_le_u(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i16x8_ge_s(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 i16x8_ge_u(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x >= y; }); }

inline V128 i16x8_abs(V128 a) { return detail::abs<int16_t>(a); }
inline V128 i16x8_neg(V128 a) { return detail::neg<uint16_t>(a); }
inline uint32_t i16x8_all_true(V128 a) { return detail::all_true<uint16_t>(a); }
inline uint32_t i16x8_bitmask(V128 a) { return detail::bitmask<int16_t>(a); }

inline V128 i16x8_shl(V128 a, uint32_t n) { return detail::shl<uint16_t>(a, n); }
inline V128 i16x8_shr_s(V128 a, uint32_t n) { return detail::shr<int16_t>(a, n); }
inline V128 i16x8_shr_u(V128 a, uint32_t n) { return detail::shr<uint16_t>(a, n); }

inline V128 i16x8_add(V128 a, V128 b) { return detail::add<uint16_t>(a, b); }
inline V128 i16x8_add_sat_s(V128 a, V128 b) { return detail::add_sat<int16_t>(a, b); }
inline V128 i16x8_add_sat_u(V128 a, V128 b) { return detail::add_sat<uint16_t>(a, b); }
inline V128 i16x8_sub(V128 a, V128 b) { return detail::sub<uint16_t>(a, b); }
inline V128 i16x8_sub_sat_s(V128 a, V128 b) { return detail::sub_sat<int16_t>(a, b); }
inline V128 i16x8_sub_sat_u(V128 a, V128 b) { return detail::sub_sat<uint16_t>(a, b); }
inline V128 i16x8_mul(V128 a, V128 b) { return detail::mul<uint16_t>(a, b); }
inline V128 i16x8_min_s(V128 a, V128 b) { return detail::min<int16_t>(a, b); }
inline V128 i16x8_min_u(V128 a, V128 b) { return detail::min<uint16_t>(a, b); }
inline V128 i16x8_max_s(V128 a, V128 b) { return detail::max<int16_t>(a, b); }
inline V128 i16x8_max_u(V128 a, V128 b) { return detail::max<uint16_t>(a, b); }
inline V128 i16x8_avgr_u(V128 a, V128 b) { return detail::avgr<uint16_t>(a, b); }

// Q15 fixed-point multiply, rounded: (x * y + 2^14) >> 15, saturated. Only
// -32768 * -32768 overflows (to 32768), and saturates to 32767.
inline V128 i16x8_q15mulr_sat_s(V128 a, V128 b) {
  return detail::map2<int16_t>(a, b, [](int16_t x, int16_t y) {
    return detail::saturate<int16_t>((int32_t{x} * int32_t{y} + 0x4000) >> 15);
  });
}

// ---- i32x4 -----------------------------------------------------------------------------------

inline V128 i32x4_eq(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 i32x4_ne(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 i32x4_lt_s(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i32x4_lt_u(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i32x4_gt_s(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i32x4_gt_u(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i32x4_le_s(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i32x4_le_u(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i32x4_ge_s(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 i32x4_ge_u(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x >= y; }); }

inline V128 i32x4_abs(V128 a) { return detail::abs<int32_t>(a); }
inline V128 i32x4_neg(V128 a) { return detail::neg<uint32_t>(a); }
inline uint32_t i32x4_all_true(V128 a) { return detail::all_true<uint32_t>(a); }
inline uint32_t i32x4_bitmask(V128 a) { return detail::bitmask<int32_t>(a); }

inline V128 i32x4_shl(V128 a, uint32_t n) { return detail::shl<uint32_t>(a, n); }
inline V128 i32x4_shr_s(V128 a, uint32_t n) { return detail::shr<int32_t>(a, n); }
inline V128 i32x4_shr_u(V128 a, uint32_t n) { return detail::shr<uint32_t>(a, n); }

inline V128 i32x4_add(V128 a, V128 b) { return detail::add<uint32_t>(a, b); }
inline V128 i32x4_sub(V128 a, V128 b) { return detail::sub<uint32_t>(a, b); }
inline V128 i32x4_mul(V128 a, V128 b) { return detail::mul<uint32_t>(a, b); }
inline V128 i32x4_min_s(V128 a, V128 b) { return detail::min<int32_t>(a, b); }
inline V128 i32x4_min_u(V128 a, V128 b) { return detail::min<uint32_t>(a, b); }
inline V128 i32x4_max_s(V128 a, V128 b) { return detail::max<int32_t>(a, b); }
inline V128 i32x4_max_u(V128 a, V128 b) { return detail::max<uint32_t>(a, b); }

// ---- i64x2 -----------------------------------------------------------------------------------
// wasm has only the signed orderings for i64x2.

inline V128 i64x2_eq(V128 a, V128 b) { return detail::compare<uint64_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 i64x2_ne(V128 a, V128 b) { return detail::compare<uint64_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 i64x2_lt_s(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 i64x2_gt_s(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 i64x2_le_s(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 i64x2_ge_s(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x >= y; }); }

inline V128 i64x2_abs(V128 a) { return detail::abs<int64_t>(a); }
inline V128 i64x2_neg(V128 a) { return detail::neg<uint64_t>(a); }
inline uint32_t i64x2_all_true(V128 a) { return detail::all_true<uint64_t>(a); }
inline uint32_t i64x2_bitmask(V128 a) { return detail::bitmask<int64_t>(a); }

inline V128 i64x2_shl(V128 a, uint32_t n) { return detail::shl<uint64_t>(a, n); }
inline V128 i64x2_shr_s(V128 a, uint32_t n) { return detail::shr<int64_t>(a, n); }
inline V128 i64x2_shr_u(V128 a, uint32_t n) { return detail::shr<uint64_t>(a, n); }

inline V128 i64x2_add(V128 a, V128 b) { return detail::add<uint64_t>(a, b); }
inline V128 i64x2_sub(V128 a, V128 b) { return detail::sub<uint64_t>(a, b); }
inline V128 i64x2_mul(V128 a, V128 b) { return detail::mul<uint64_t>(a, b); }

}  // namespace ironclad::interp::simd
