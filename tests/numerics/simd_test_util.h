// Building and reading V128 values in the SIMD tests.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <random>

#include "ironclad/value.h"

namespace ironclad::test {

template <typename T>
inline constexpr int kLaneCount = static_cast<int>(16 / sizeof(T));

// A V128 from exactly 16/sizeof(T) lanes, lane 0 first.
template <typename T>
V128 vec(std::initializer_list<T> lanes) {
  V128 v;
  int i = 0;
  for (T x : lanes) v.set_lane<T>(i++, x);
  return v;
}
template <typename T>
V128 vec_all(T x) {
  V128 v;
  for (int i = 0; i < kLaneCount<T>; ++i) v.set_lane<T>(i, x);
  return v;
}

template <typename T>
std::array<T, kLaneCount<T>> lanes(const V128& v) {
  std::array<T, kLaneCount<T>> a;
  std::memcpy(a.data(), v.bytes, 16);
  return a;
}

// Random bytes biased toward the lane values where integer semantics have edges.
inline V128 random_v128(std::mt19937_64& rng, int lane_bytes) {
  V128 v;
  for (int i = 0; i < 16; i += lane_bytes) {
    uint64_t x = rng();
    switch (rng() % 8) {
      case 0: x = 0; break;
      case 1: x = 1; break;
      case 2: x = ~0ull; break;                                      // -1
      case 3: x = 1ull << (lane_bytes * 8 - 1); break;               // signed min
      case 4: x = (1ull << (lane_bytes * 8 - 1)) - 1; break;         // signed max
      case 5: x = (1ull << (lane_bytes * 8 - 1)) + (rng() % 3); break;  // near min
      default: break;
    }
    std::memcpy(v.bytes + i, &x, lane_bytes);
  }
  return v;
}

}  // namespace ironclad::test
