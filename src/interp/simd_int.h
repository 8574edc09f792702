// Integer SIMD operators that keep the lane shape: arithmetic (wrapping and saturating),
// comparisons, shifts, min/max, averages, abs/neg/popcnt, q15mulr, all_true and bitmask.
// Lane-widening and -narrowing operators are in simd_int_widen.h.
//
// Each operator works on whole vectors of lanes (see simd_lanes.h for why).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {
namespace detail {

// Wrapping arithmetic is done on unsigned lanes (signed overflow is UB in C++).
template <typename T>
using Unsigned = std::make_unsigned_t<T>;
template <typename T>
inline constexpr int kBits = static_cast<int>(sizeof(T) * 8);

template <typename T>
inline V128 add(V128 a, V128 b) {
  return v128(as<Unsigned<T>>(a) + as<Unsigned<T>>(b));
}
template <typename T>
inline V128 sub(V128 a, V128 b) {
  return v128(as<Unsigned<T>>(a) - as<Unsigned<T>>(b));
}
template <typename T>
inline V128 mul(V128 a, V128 b) {
  return v128(as<Unsigned<T>>(a) * as<Unsigned<T>>(b));
}
template <typename T>
inline V128 neg(V128 a) {
  return v128(Vec<Unsigned<T>>{} - as<Unsigned<T>>(a));
}
// |x| as (x ^ m) - m with m = x >> (bits-1) (all ones for a negative lane). The most
// negative lane wraps to itself, as the spec says.
template <typename S>
inline V128 abs(V128 a) {
  Vec<S> x = as<S>(a);
  Vec<S> m = x >> (kBits<S> - 1);
  return v128(cast<Unsigned<S>>(x ^ m) - cast<Unsigned<S>>(m));
}

// Saturating add/sub (8- and 16-bit lanes in wasm). Unsigned: a carry (sum below an
// operand) saturates to all ones, a borrow to zero. Signed: the wrapped result overflowed iff
// the operands' signs allow it and the result's sign differs (add: same signs; sub:
// different signs); it then saturates toward the sign of a: (a >> (bits-1)) ^ max.
template <typename T>
inline V128 add_sat(V128 a, V128 b) {
  using U = Unsigned<T>;
  Vec<U> sum = as<U>(a) + as<U>(b);
  if constexpr (std::is_unsigned_v<T>) {
    return v128(sum | cast<U>(sum < as<U>(a)));
  } else {
    Vec<T> x = as<T>(a), y = as<T>(b), s = cast<T>(sum);
    Vec<T> overflow = (~(x ^ y) & (x ^ s)) >> (kBits<T> - 1);
    Vec<T> saturated = (x >> (kBits<T> - 1)) ^ std::numeric_limits<T>::max();
    return v128(select(overflow, saturated, s));
  }
}
template <typename T>
inline V128 sub_sat(V128 a, V128 b) {
  using U = Unsigned<T>;
  Vec<U> diff = as<U>(a) - as<U>(b);
  if constexpr (std::is_unsigned_v<T>) {
    return v128(diff & cast<U>(as<U>(a) >= as<U>(b)));
  } else {
    Vec<T> x = as<T>(a), y = as<T>(b), d = cast<T>(diff);
    Vec<T> overflow = ((x ^ y) & (x ^ d)) >> (kBits<T> - 1);
    Vec<T> saturated = (x >> (kBits<T> - 1)) ^ std::numeric_limits<T>::max();
    return v128(select(overflow, saturated, d));
  }
}

template <typename T>
inline V128 min(V128 a, V128 b) {
  Vec<T> x = as<T>(a), y = as<T>(b);
  return v128(select(y < x, y, x));
}
template <typename T>
inline V128 max(V128 a, V128 b) {
  Vec<T> x = as<T>(a), y = as<T>(b);
  return v128(select(x < y, y, x));
}
// Rounding average (x + y + 1) >> 1 without the carry bit: (x | y) - ((x ^ y) >> 1).
template <typename U>
inline V128 avgr(V128 a, V128 b) {
  Vec<U> x = as<U>(a), y = as<U>(b);
  return v128((x | y) - ((x ^ y) >> 1));
}

// Shift counts are taken modulo the lane width (a count >= width is UB in C++).
// T's signedness picks >> arithmetic or logical.
template <typename T>
inline V128 shl(V128 a, uint32_t count) {
  const int s = static_cast<int>(count & (kBits<T> - 1));
  return v128(as<Unsigned<T>>(a) << s);
}
template <typename T>
inline V128 shr(V128 a, uint32_t count) {
  const int s = static_cast<int>(count & (kBits<T> - 1));
  return v128(as<T>(a) >> s);
}

// 1 iff no lane is zero: the lanes equal to zero, as a mask, OR-ed down to one word.
template <typename T>
inline uint32_t all_true(V128 a) {
  VecU64 zero_lanes = cast<uint64_t>(as<T>(a) == Vec<T>{});
  return (zero_lanes[0] | zero_lanes[1]) == 0 ? 1u : 0u;
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
// Bit counting within each byte (SSE2 has no popcnt of any kind): 2-bit sums, 4-bit sums,
// then the two nibbles.
inline V128 i8x16_popcnt(V128 a) {
  detail::VecU8 x = detail::as<uint8_t>(a);
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return detail::v128((x + (x >> 4)) & 0x0F);
}
inline uint32_t i8x16_all_true(V128 a) { return detail::all_true<uint8_t>(a); }
// The 8 sign bits of each 64-bit half gathered by one multiply: bit 8i+7 times 2^(7(7-i))
// lands on bit 56+i, and no two partial products share a bit, so nothing carries.
inline uint32_t i8x16_bitmask(V128 a) {
  constexpr uint64_t kSigns = 0x8080808080808080ull, kGather = 0x0002040810204081ull;
  detail::VecU64 x = detail::as<uint64_t>(a) & kSigns;
  return static_cast<uint32_t>(((x[0] * kGather) >> 56) | (((x[1] * kGather) >> 56) << 8));
}

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
// As i8x16_bitmask: bit 16i+15 times 2^(45-15i) lands on bit 60+i, without carries.
inline uint32_t i16x8_bitmask(V128 a) {
  constexpr uint64_t kSigns = 0x8000800080008000ull, kGather = 0x0000200040008001ull;
  detail::VecU64 x = detail::as<uint64_t>(a) & kSigns;
  return static_cast<uint32_t>(((x[0] * kGather) >> 60) | (((x[1] * kGather) >> 60) << 4));
}

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

// Q15 fixed-point multiply, rounded: (x * y + 2^14) >> 15 in 32-bit lanes, saturated. Only
// -32768 * -32768 overflows (to 32768): adding the lane mask of `== 32768` (-1) makes it
// 32767.
inline V128 i16x8_q15mulr_sat_s(V128 a, V128 b) {
  typedef int32_t VecI32x8 __attribute__((vector_size(32)));
  VecI32x8 x = __builtin_convertvector(detail::as<int16_t>(a), VecI32x8);
  VecI32x8 y = __builtin_convertvector(detail::as<int16_t>(b), VecI32x8);
  VecI32x8 p = (x * y + 0x4000) >> 15;
  p += (p == 0x8000);
  return detail::v128(__builtin_convertvector(p, detail::VecI16));
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
