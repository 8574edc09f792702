// Inputs for the SIMD differential test: v128 values built from lanes that sit on the
// edges of the operators (0, ±1, INT_MIN/MAX of each width, float NaNs, ±0, ±inf,
// denormals, halves for rounding, conversion bounds) mixed with random bits; i32 operands
// chosen per use (shift counts around the lane widths, addresses around the memory's end).
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "ironclad/value.h"

namespace ironclad::jit::testing {

class SimdInputs {
 public:
  explicit SimdInputs(uint32_t seed) : rng_(seed) {}

  V128 v128() {
    V128 v;
    switch (rng_() % 4) {
      case 0:  // 32-bit lanes: integer and f32 edges
        for (int i = 0; i < 4; ++i) v.set_lane<uint32_t>(i, edge32());
        break;
      case 1:  // 64-bit lanes: f64 and i64 edges
        for (int i = 0; i < 2; ++i) v.set_lane<uint64_t>(i, edge64());
        break;
      case 2:  // narrow lanes: i8 / i16 edges
        for (int i = 0; i < 8; ++i) v.set_lane<uint16_t>(i, edge16());
        break;
      default:
        for (int i = 0; i < 4; ++i) v.set_lane<uint32_t>(i, static_cast<uint32_t>(rng_()));
    }
    return v;
  }
  // A second operand close to the first: the same value, the same with every sign bit of
  // its 32- or 64-bit lanes flipped (+0 / -0, x / -x), or some lanes taken from `a`.
  V128 related(const V128& a) {
    V128 v = a;
    switch (rng_() % 4) {
      case 0: break;
      case 1:
        for (int i = 0; i < 4; ++i) v.set_lane<uint32_t>(i, a.lane<uint32_t>(i) ^ 0x80000000u);
        break;
      case 2:
        for (int i = 0; i < 2; ++i) v.set_lane<uint64_t>(i, a.lane<uint64_t>(i) ^ (uint64_t{1} << 63));
        break;
      default: {
        V128 fresh = v128();
        for (int i = 0; i < 4; ++i)
          if (rng_() % 2) v.set_lane<uint32_t>(i, fresh.lane<uint32_t>(i));
      }
    }
    return v;
  }
  bool coin() { return rng_() % 2 != 0; }
  uint32_t scalar32() { return rng_() % 2 ? edge32() : static_cast<uint32_t>(rng_()); }
  uint64_t scalar64() { return rng_() % 2 ? edge64() : (uint64_t{rng_()} << 32 | rng_()); }
  uint32_t shift_count() {
    static constexpr uint32_t kCounts[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                           127, 128, 0xFFFFFFFF, 0x80000001};
    return rng_() % 4 ? kCounts[rng_() % std::size(kCounts)] : static_cast<uint32_t>(rng_());
  }
  // Around the start and the end of the one-page memory (and far beyond it).
  uint32_t address() {
    static constexpr uint32_t kAddresses[] = {0, 1, 3, 8, 15, 17, 40, 65472, 65519, 65520,
                                              65525, 65528, 65531, 65532, 65534, 65535,
                                              65536, 65537, 0x7FFFFFFF, 0xFFFFFFFF};
    return rng_() % 4 ? kAddresses[rng_() % std::size(kAddresses)] : static_cast<uint32_t>(rng_() % 65536);
  }

 private:
  uint32_t edge32() {
    static constexpr uint32_t kEdges[] = {
        0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x7FC00000 /* NaN */, 0xFFC00000,
        0x7FA00001 /* sNaN */, 0x7F800000 /* inf */, 0xFF800000, 0x80000000 /* -0 */,
        0x00000001 /* denormal */, 0x3F000000 /* 0.5 */, 0x40200000 /* 2.5 */,
        0xBFC00000 /* -1.5 */, 0x4F000000 /* 2^31 */, 0x4F800000 /* 2^32 */,
        0xCF000000 /* -2^31 */, 0x4EFFFFFF, 0x3F800000 /* 1 */, 0xBF800000, 0x4B800001,
        0x00008000, 0x80008000, 0x7FFF7FFF, 0x807F80FF, 0x0000FFFF, 0xFFFF0000};
    return rng_() % 3 ? kEdges[rng_() % std::size(kEdges)] : static_cast<uint32_t>(rng_());
  }
  uint64_t edge64() {
    static constexpr uint64_t kEdges[] = {
        0, 1, ~uint64_t{0}, uint64_t{1} << 63, ~(uint64_t{1} << 63),
        0x7FF8000000000000 /* NaN */, 0x7FF4000000000001 /* sNaN */, 0x7FF0000000000000,
        0xFFF0000000000000, 0x0000000000000001 /* denormal */, 0x3FE0000000000000 /* 0.5 */,
        0x4004000000000000 /* 2.5 */, 0xBFF8000000000000 /* -1.5 */,
        0x41E0000000000000 /* 2^31 */, 0x41DFFFFFFFC00000 /* 2^31-1 */,
        0xC1E0000000000000 /* -2^31 */, 0xC1E0000000200000 /* -2^31-1 */,
        0x41F0000000000000 /* 2^32 */, 0x41EFFFFFFFE00000 /* 2^32-1 */,
        0x3FF0000000000000, 0xBFEFFFFFFFFFFFFF, 0x36A0000000000000 /* tiny for f32 */,
        0x47EFFFFFE0000000 /* f32 max */, 0x47EFFFFFF0000000 /* rounds to inf */};
    return rng_() % 3 ? kEdges[rng_() % std::size(kEdges)] : (uint64_t{rng_()} << 32 | rng_());
  }
  uint16_t edge16() {
    static constexpr uint16_t kEdges[] = {0, 1, 0xFFFF, 0x8000, 0x7FFF, 0x0080, 0x007F,
                                          0x8080, 0x7F7F, 0xFF00, 0x00FF, 0x8001, 0x4000, 0xC000};
    return rng_() % 3 ? kEdges[rng_() % std::size(kEdges)] : static_cast<uint16_t>(rng_());
  }

  std::mt19937 rng_;
};

}  // namespace ironclad::jit::testing
