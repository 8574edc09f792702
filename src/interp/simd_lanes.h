// Lane plumbing shared by the SIMD operator headers (simd_*.h): a V128 viewed as an array
// of lanes, and lane-wise loops over it.
//
// Every operator is written as a plain loop over a local lane array: with -O2 and baseline
// x86-64 (SSE2, DESIGN.md invariant 2) the compiler turns most of them into a few packed
// instructions, and the rest into straight-line scalar code. No intrinsics, so the same
// code is correct on any target. V128 lanes are little-endian, which is the host order on
// every target Ironclad builds for (checked in numerics.h).
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "interp/numerics.h"
#include "ironclad/value.h"

namespace ironclad::interp::simd::detail {

template <typename T>
inline constexpr int kLanes = static_cast<int>(16 / sizeof(T));

// A V128's bytes as lanes of T. bit_cast (not memcpy) keeps the operators constexpr-friendly
// and lets the optimizer keep the value in one XMM register.
template <typename T>
struct Lanes {
  T v[kLanes<T>];
};
static_assert(sizeof(Lanes<uint8_t>) == sizeof(V128) && sizeof(Lanes<double>) == sizeof(V128));

template <typename T>
constexpr Lanes<T> lanes(const V128& a) {
  return std::bit_cast<Lanes<T>>(a);
}
template <typename T>
constexpr V128 to_v128(const Lanes<T>& l) {
  return std::bit_cast<V128>(l);
}

// The unsigned integer lane type of T's width: the type of a comparison's mask lane.
template <typename T>
using MaskOf = std::conditional_t<
    sizeof(T) == 1, uint8_t,
    std::conditional_t<sizeof(T) == 2, uint16_t, std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;

// r[i] = op(a[i])
template <typename T, typename Op>
inline V128 map1(V128 a, Op op) {
  Lanes<T> x = lanes<T>(a), r;
  for (int i = 0; i < kLanes<T>; ++i) r.v[i] = static_cast<T>(op(x.v[i]));
  return to_v128(r);
}

// r[i] = op(a[i], b[i])
template <typename T, typename Op>
inline V128 map2(V128 a, V128 b, Op op) {
  Lanes<T> x = lanes<T>(a), y = lanes<T>(b), r;
  for (int i = 0; i < kLanes<T>; ++i) r.v[i] = static_cast<T>(op(x.v[i], y.v[i]));
  return to_v128(r);
}

// r[i] = all ones if pred(a[i], b[i]) else 0, in lanes of T's width.
template <typename T, typename Pred>
inline V128 compare(V128 a, V128 b, Pred pred) {
  using M = MaskOf<T>;
  Lanes<T> x = lanes<T>(a), y = lanes<T>(b);
  Lanes<M> r;
  for (int i = 0; i < kLanes<T>; ++i) r.v[i] = pred(x.v[i], y.v[i]) ? static_cast<M>(~M(0)) : M(0);
  return to_v128(r);
}

template <typename T>
inline V128 splat(T x) {
  Lanes<T> r;
  for (int i = 0; i < kLanes<T>; ++i) r.v[i] = x;
  return to_v128(r);
}

// Lane indices are immediates the validator has checked (< lane count); masking keeps a
// bad index memory-safe anyway, and costs nothing next to a variable-index access.
template <typename T>
inline T extract(V128 a, uint32_t lane) {
  return lanes<T>(a).v[lane & (kLanes<T> - 1)];
}
template <typename T>
inline V128 replace(V128 a, uint32_t lane, T x) {
  Lanes<T> r = lanes<T>(a);
  r.v[lane & (kLanes<T> - 1)] = x;
  return to_v128(r);
}

}  // namespace ironclad::interp::simd::detail
