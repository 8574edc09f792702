// SIMD operators that ignore lane shapes or only move lanes: v128 bitwise logic, splat,
// extract_lane/replace_lane, shuffle and swizzle.
#pragma once

#include <cstdint>
#include <cstring>

#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {

// ---- v128 bitwise ----------------------------------------------------------------------
// On 64-bit lanes: the shape does not matter for bitwise operations.

inline V128 v128_not(V128 a) { return detail::v128(~detail::as<uint64_t>(a)); }
inline V128 v128_and(V128 a, V128 b) { return detail::v128(detail::as<uint64_t>(a) & detail::as<uint64_t>(b)); }
// a AND NOT b (the operand order of the spec; the reverse of x86's pandn).
inline V128 v128_andnot(V128 a, V128 b) {
  return detail::v128(detail::as<uint64_t>(a) & ~detail::as<uint64_t>(b));
}
inline V128 v128_or(V128 a, V128 b) { return detail::v128(detail::as<uint64_t>(a) | detail::as<uint64_t>(b)); }
inline V128 v128_xor(V128 a, V128 b) { return detail::v128(detail::as<uint64_t>(a) ^ detail::as<uint64_t>(b)); }
// Bits of a where c is 1, bits of b where c is 0.
inline V128 v128_bitselect(V128 a, V128 b, V128 c) {
  return detail::v128(detail::select(detail::as<uint64_t>(c), detail::as<uint64_t>(a), detail::as<uint64_t>(b)));
}
inline uint32_t v128_any_true(V128 a) {
  detail::VecU64 x = detail::as<uint64_t>(a);
  return (x[0] | x[1]) != 0 ? 1u : 0u;
}

// ---- splat -------------------------------------------------------------------------------
// The integer splats take the wasm operand type (i32) and use its low bits.

inline V128 i8x16_splat(uint32_t x) { return detail::splat<uint8_t>(static_cast<uint8_t>(x)); }
inline V128 i16x8_splat(uint32_t x) { return detail::splat<uint16_t>(static_cast<uint16_t>(x)); }
inline V128 i32x4_splat(uint32_t x) { return detail::splat<uint32_t>(x); }
inline V128 i64x2_splat(uint64_t x) { return detail::splat<uint64_t>(x); }
inline V128 f32x4_splat(float x) { return detail::splat<float>(x); }
inline V128 f64x2_splat(double x) { return detail::splat<double>(x); }

// ---- extract_lane / replace_lane ------------------------------------------------------------
// Narrow lanes extract to i32 with sign (_s) or zero (_u) extension. Floats move as bits, so
// a NaN payload is kept exactly (the caller must not pass it through float arithmetic).

inline uint32_t i8x16_extract_lane_s(V128 a, uint32_t lane) {
  return static_cast<uint32_t>(static_cast<int32_t>(detail::extract<int8_t>(a, lane)));
}
inline uint32_t i8x16_extract_lane_u(V128 a, uint32_t lane) { return detail::extract<uint8_t>(a, lane); }
inline uint32_t i16x8_extract_lane_s(V128 a, uint32_t lane) {
  return static_cast<uint32_t>(static_cast<int32_t>(detail::extract<int16_t>(a, lane)));
}
inline uint32_t i16x8_extract_lane_u(V128 a, uint32_t lane) { return detail::extract<uint16_t>(a, lane); }
inline uint32_t i32x4_extract_lane(V128 a, uint32_t lane) { return detail::extract<uint32_t>(a, lane); }
inline uint64_t i64x2_extract_lane(V128 a, uint32_t lane) { return detail::extract<uint64_t>(a, lane); }
inline float f32x4_extract_lane(V128 a, uint32_t lane) { return detail::extract<float>(a, lane); }
inline double f64x2_extract_lane(V128 a, uint32_t lane) { return detail::extract<double>(a, lane); }

inline V128 i8x16_replace_lane(V128 a, uint32_t lane, uint32_t x) {
  return detail::replace<uint8_t>(a, lane, static_cast<uint8_t>(x));
}
inline V128 i16x8_replace_lane(V128 a, uint32_t lane, uint32_t x) {
  return detail::replace<uint16_t>(a, lane, static_cast<uint16_t>(x));
}
inline V128 i32x4_replace_lane(V128 a, uint32_t lane, uint32_t x) {
  return detail::replace<uint32_t>(a, lane, x);
}
inline V128 i64x2_replace_lane(V128 a, uint32_t lane, uint64_t x) {
  return detail::replace<uint64_t>(a, lane, x);
}
inline V128 f32x4_replace_lane(V128 a, uint32_t lane, float x) { return detail::replace<float>(a, lane, x); }
inline V128 f64x2_replace_lane(V128 a, uint32_t lane, double x) {
  return detail::replace<double>(a, lane, x);
}

// ---- shuffle / swizzle -------------------------------------------------------------------------

// SSE2 has no byte permute (pshufb is SSSE3), so both are table lookups: the source bytes
// in memory, the result assembled lane by lane (~70 instructions instead of ~180 when the
// result is built through V128's bytes).

// r[i] = (a ++ b)[lanes[i]]. The validator guarantees lanes[i] < 32; `& 31` keeps a bad
// immediate memory-safe.
inline V128 i8x16_shuffle(V128 a, V128 b, const uint8_t lanes[16]) {
  uint8_t both[32];
  std::memcpy(both, a.bytes, 16);
  std::memcpy(both + 16, b.bytes, 16);
  detail::VecU8 r;
  for (int i = 0; i < 16; ++i) r[i] = both[lanes[i] & 31];
  return detail::v128(r);
}

// r[i] = a[b[i]] for an index below 16, else 0 (the index is a runtime value, any byte):
// out-of-range indices are redirected to a zero byte after the table.
inline V128 i8x16_swizzle(V128 a, V128 b) {
  uint8_t table[17];
  std::memcpy(table, a.bytes, 16);
  table[16] = 0;
  detail::VecU8 index = detail::as<uint8_t>(b);
  index = detail::select(index < 16, index, detail::VecU8{} + 16);
  detail::VecU8 r;
  for (int i = 0; i < 16; ++i) r[i] = table[index[i]];
  return detail::v128(r);
}

}  // namespace ironclad::interp::simd
