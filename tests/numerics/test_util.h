// Helpers shared by the numerics tests: float bit patterns and NaN classes.
#pragma once

#include <bit>
#include <cstdint>

namespace ironclad::test {

inline float f32b(uint32_t bits) { return std::bit_cast<float>(bits); }
inline double f64b(uint64_t bits) { return std::bit_cast<double>(bits); }
inline uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }
inline uint64_t bits(double x) { return std::bit_cast<uint64_t>(x); }

// The spec's NaN classes: canonical = only the quiet bit in the payload (either sign);
// arithmetic = the quiet bit set.
inline bool is_canonical_nan(float x) { return (bits(x) & 0x7FFFFFFFu) == 0x7FC00000u; }
inline bool is_canonical_nan(double x) {
  return (bits(x) & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
}
inline bool is_arithmetic_nan(float x) { return (bits(x) & 0x7FC00000u) == 0x7FC00000u; }
inline bool is_arithmetic_nan(double x) {
  return (bits(x) & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
}

inline constexpr uint32_t kF32SignalingNan = 0x7FA00000u;  // payload 0x200000, quiet bit clear
inline constexpr uint64_t kF64SignalingNan = 0x7FF4000000000000ull;

}  // namespace ironclad::test
