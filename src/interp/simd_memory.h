// The pure halves of the SIMD memory operators: the interpreter reads the bytes from linear
// memory (bounds checks and traps are its job) and passes them here as a little-endian
// integer; these build the V128. Lane loads and stores need nothing beyond
// {i8x16,i16x8,i32x4,i64x2}_replace_lane / _extract_lane (simd_bitwise.h).
#pragma once

#include <cstdint>

#include "interp/simd_lanes.h"

namespace ironclad::interp::simd {
namespace detail {

// The 64 loaded bits as 128/sizeof(To) narrow lanes, each widened to To.
template <typename From, typename To>
inline V128 load_extend(uint64_t bits) {
  Lanes<To> r;
  for (int i = 0; i < kLanes<To>; ++i)
    r.v[i] = static_cast<To>(static_cast<From>(bits >> (i * 8 * sizeof(From))));
  return to_v128(r);
}

}  // namespace detail

// v128.load8x8_s/_u, load16x4_s/_u, load32x2_s/_u: 8 bytes read, lanes sign/zero-extended.
inline V128 load8x8_s(uint64_t bits) { return detail::load_extend<int8_t, int16_t>(bits); }
inline V128 load8x8_u(uint64_t bits) { return detail::load_extend<uint8_t, uint16_t>(bits); }
inline V128 load16x4_s(uint64_t bits) { return detail::load_extend<int16_t, int32_t>(bits); }
inline V128 load16x4_u(uint64_t bits) { return detail::load_extend<uint16_t, uint32_t>(bits); }
inline V128 load32x2_s(uint64_t bits) { return detail::load_extend<int32_t, int64_t>(bits); }
inline V128 load32x2_u(uint64_t bits) { return detail::load_extend<uint32_t, uint64_t>(bits); }

// v128.loadN_splat: the loaded value in every lane.
inline V128 load8_splat(uint8_t x) { return detail::splat<uint8_t>(x); }
inline V128 load16_splat(uint16_t x) { return detail::splat<uint16_t>(x); }
inline V128 load32_splat(uint32_t x) { return detail::splat<uint32_t>(x); }
inline V128 load64_splat(uint64_t x) { return detail::splat<uint64_t>(x); }

// v128.loadN_zero: the loaded value in lane 0, zeros elsewhere.
inline V128 load32_zero(uint32_t x) { return detail::replace<uint32_t>(V128{}, 0, x); }
inline V128 load64_zero(uint64_t x) { return detail::replace<uint64_t>(V128{}, 0, x); }

}  // namespace ironclad::interp::simd
