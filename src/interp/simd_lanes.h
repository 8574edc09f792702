// Lane plumbing shared by the SIMD operator headers (simd_*.h): a V128 viewed as a
// compiler vector of lanes (Vec<T>) or as an array of lanes (Lanes<T>).
//
// Why compiler vectors: V128 is passed and returned in general-purpose registers (the ABI
// classifies a byte array as INTEGER), and clang 19 does not vectorize a lane loop through
// such a value: i8x16.eq written as a 16-iteration loop compiled to ~140 scalar
// instructions at -O2, the same operator on GNU vector types (`vector_size`, supported by
// clang and GCC) to 4 SSE2 instructions. These are not intrinsics: element-wise C++
// operators whose lowering the compiler picks for the target, here baseline x86-64 SSE2
// (DESIGN.md invariant 2), elsewhere plain scalar code. Lane access, sqrt and the two-lane
// f64 conversions, which have no element-wise vector form, use Lanes<T>. V128 lanes are
// little-endian, the host order of every target Ironclad builds for (checked in
// numerics.h).
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "interp/numerics.h"
#include "ironclad/value.h"

namespace ironclad::interp::simd::detail {

template <typename T>
inline constexpr int kLanes = static_cast<int>(16 / sizeof(T));

// A V128's bytes as an array of lanes of T (bit_cast rather than memcpy: constexpr-friendly).
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

// r[i] = op(a[i])
template <typename T, typename Op>
inline V128 map1(V128 a, Op op) {
  Lanes<T> x = lanes<T>(a), r;
  for (int i = 0; i < kLanes<T>; ++i) r.v[i] = static_cast<T>(op(x.v[i]));
  return to_v128(r);
}

// ---- Compiler vectors ---------------------------------------------------------------------

typedef uint8_t VecU8 __attribute__((vector_size(16)));
typedef int8_t VecI8 __attribute__((vector_size(16)));
typedef uint16_t VecU16 __attribute__((vector_size(16)));
typedef int16_t VecI16 __attribute__((vector_size(16)));
typedef uint32_t VecU32 __attribute__((vector_size(16)));
typedef int32_t VecI32 __attribute__((vector_size(16)));
typedef uint64_t VecU64 __attribute__((vector_size(16)));
typedef int64_t VecI64 __attribute__((vector_size(16)));
typedef float VecF32 __attribute__((vector_size(16)));
typedef double VecF64 __attribute__((vector_size(16)));

template <typename T> struct VecOf;
template <> struct VecOf<uint8_t> { using type = VecU8; };
template <> struct VecOf<int8_t> { using type = VecI8; };
template <> struct VecOf<uint16_t> { using type = VecU16; };
template <> struct VecOf<int16_t> { using type = VecI16; };
template <> struct VecOf<uint32_t> { using type = VecU32; };
template <> struct VecOf<int32_t> { using type = VecI32; };
template <> struct VecOf<uint64_t> { using type = VecU64; };
template <> struct VecOf<int64_t> { using type = VecI64; };
template <> struct VecOf<float> { using type = VecF32; };
template <> struct VecOf<double> { using type = VecF64; };

// The vector of lanes of T.
template <typename T>
using Vec = typename VecOf<T>::type;

template <typename T>
constexpr Vec<T> as(const V128& a) {
  return std::bit_cast<Vec<T>>(a);
}
// Any 16-byte vector (including a comparison's mask) back to a V128.
template <typename V>
constexpr V128 v128(V v) {
  static_assert(sizeof(V) == 16);
  return std::bit_cast<V128>(v);
}
// Reinterpret a 16-byte vector as lanes of T.
template <typename T, typename V>
constexpr Vec<T> cast(V v) {
  static_assert(sizeof(V) == 16);
  return std::bit_cast<Vec<T>>(v);
}

// Per bit: a where mask is 1, b where it is 0. With a comparison's all-ones/all-zeros lane
// masks this is a lane select, written as bit logic because a vector `?:` is not portable
// between clang and GCC.
template <typename V, typename M>
constexpr V select(M mask, V a, V b) {
  VecU64 m = cast<uint64_t>(mask);
  return std::bit_cast<V>((cast<uint64_t>(a) & m) | (cast<uint64_t>(b) & ~m));
}

// r[i] = all ones if pred(a[i], b[i]) else 0, in lanes of T's width: pred is applied to
// whole vectors, where C++ comparison operators yield exactly such lane masks.
template <typename T, typename Pred>
inline V128 compare(V128 a, V128 b, Pred pred) {
  return v128(pred(as<T>(a), as<T>(b)));
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
