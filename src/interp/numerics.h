// Exact WebAssembly 2.0 semantics of the scalar numeric operators that are not one-liners
// in C++ (spec: "Numerics"). Header-only so the interpreter's dispatch loop inlines them.
//
// Portable C++20 for baseline x86-64 (DESIGN.md invariant 2): no intrinsics, no target
// attributes. Nothing here traps by itself, aborts or throws (invariant 1): operators that
// trap in wasm return a TrapKind (TrapKind::None on success) and write their result
// through `out`; the caller tests `!= TrapKind::None` in an [[unlikely]] branch.
//
// numeric_ops.def maps each scalar opcode to its expression, most of them one C++
// operator, the others a call of a function here.
//
// Float results rely on the default floating-point environment (round to nearest even,
// no flush-to-zero / denormals-are-zero) and on FLT_EVAL_METHOD == 0 (x86-64 SSE code).
// An embedding application that changes MXCSR on the calling thread (audio code often
// sets FTZ/DAZ) would change wasm results: the runtime must call wasm with the default
// environment.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ironclad/error.h"

namespace ironclad::interp {

static_assert(std::endian::native == std::endian::little, "wasm values are little-endian");
static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559);

// ---- Bit patterns ---------------------------------------------------------------------

constexpr uint32_t f32_bits(float x) { return std::bit_cast<uint32_t>(x); }
constexpr uint64_t f64_bits(double x) { return std::bit_cast<uint64_t>(x); }
constexpr float f32_from_bits(uint32_t b) { return std::bit_cast<float>(b); }
constexpr double f64_from_bits(uint64_t b) { return std::bit_cast<double>(b); }

// The unsigned integer type of a float's width, and its sign bit.
template <typename F>
using FloatBits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <typename F>
inline constexpr FloatBits<F> kSignBit = FloatBits<F>(1) << (sizeof(F) * 8 - 1);
template <typename F>
inline constexpr FloatBits<F> kQuietBit = FloatBits<F>(1) << (std::numeric_limits<F>::digits - 2);

// x, except that a signalling NaN gets its quiet bit set. The spec's nans{z} never contains
// a signalling NaN, so operators that pass a NaN operand through must quiet it. This is done
// on the bits because the optimizer may fold `x + 0` or `x * 1` to x (LLVM does not
// preserve signalling NaNs by default).
template <typename F>
constexpr F quiet_nan(F x) {
  return x != x ? std::bit_cast<F>(static_cast<FloatBits<F>>(std::bit_cast<FloatBits<F>>(x) | kQuietBit<F>))
                : x;
}

// ---- Integer division: trapping ------------------------------------------------------
// The two trap tests are rarely true, so they are marked unlikely; the happy path is one
// compare-and-branch (unsigned) or two (signed) before the hardware divide.

constexpr TrapKind i32_div_s(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  if (a == 0x80000000u && b == 0xFFFFFFFFu) [[unlikely]] return TrapKind::IntegerOverflow;
  out = static_cast<uint32_t>(static_cast<int32_t>(a) / static_cast<int32_t>(b));
  return TrapKind::None;
}
constexpr TrapKind i32_div_u(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  out = a / b;
  return TrapKind::None;
}
// INT_MIN rem -1 is 0 in wasm, but the hardware divide faults on it (and it is UB in
// C++), so -1 is answered without dividing (x rem -1 is 0 for every x).
constexpr TrapKind i32_rem_s(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  out = b == 0xFFFFFFFFu ? 0u
                         : static_cast<uint32_t>(static_cast<int32_t>(a) % static_cast<int32_t>(b));
  return TrapKind::None;
}
constexpr TrapKind i32_rem_u(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  out = a % b;
  return TrapKind::None;
}

constexpr TrapKind i64_div_s(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  if (a == 0x8000000000000000ull && b == ~0ull) [[unlikely]] return TrapKind::IntegerOverflow;
  out = static_cast<uint64_t>(static_cast<int64_t>(a) / static_cast<int64_t>(b));
  return TrapKind::None;
}
constexpr TrapKind i64_div_u(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  out = a / b;
  return TrapKind::None;
}
constexpr TrapKind i64_rem_s(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  out = b == ~0ull ? 0u
                   : static_cast<uint64_t>(static_cast<int64_t>(a) % static_cast<int64_t>(b));
  return TrapKind::None;
}
constexpr TrapKind i64_rem_u(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) [[unlikely]] return TrapKind::IntegerDivideByZero;
  out = a % b;
  return TrapKind::None;
}

// ---- Integer bit operations -----------------------------------------------------------
// Shift and rotate counts are taken modulo the width, as wasm defines; C++ shifts by
// >= width are UB, so the mask is required, and it is free (x86 masks the count itself).

constexpr uint32_t i32_clz(uint32_t x) { return static_cast<uint32_t>(std::countl_zero(x)); }
constexpr uint32_t i32_ctz(uint32_t x) { return static_cast<uint32_t>(std::countr_zero(x)); }
constexpr uint32_t i32_popcnt(uint32_t x) { return static_cast<uint32_t>(std::popcount(x)); }
constexpr uint64_t i64_clz(uint64_t x) { return static_cast<uint64_t>(std::countl_zero(x)); }
constexpr uint64_t i64_ctz(uint64_t x) { return static_cast<uint64_t>(std::countr_zero(x)); }
constexpr uint64_t i64_popcnt(uint64_t x) { return static_cast<uint64_t>(std::popcount(x)); }

constexpr uint32_t i32_shl(uint32_t a, uint32_t b) { return a << (b & 31); }
constexpr uint32_t i32_shr_u(uint32_t a, uint32_t b) { return a >> (b & 31); }
// C++20 defines >> of a negative signed value as an arithmetic shift.
constexpr uint32_t i32_shr_s(uint32_t a, uint32_t b) {
  return static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31));
}
constexpr uint32_t i32_rotl(uint32_t a, uint32_t b) { return std::rotl(a, static_cast<int>(b & 31)); }
constexpr uint32_t i32_rotr(uint32_t a, uint32_t b) { return std::rotr(a, static_cast<int>(b & 31)); }

constexpr uint64_t i64_shl(uint64_t a, uint64_t b) { return a << (b & 63); }
constexpr uint64_t i64_shr_u(uint64_t a, uint64_t b) { return a >> (b & 63); }
constexpr uint64_t i64_shr_s(uint64_t a, uint64_t b) {
  return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63));
}
constexpr uint64_t i64_rotl(uint64_t a, uint64_t b) { return std::rotl(a, static_cast<int>(b & 63)); }
constexpr uint64_t i64_rotr(uint64_t a, uint64_t b) { return std::rotr(a, static_cast<int>(b & 63)); }

// Sign extension (the 2.0 sign-extension operators).
constexpr uint32_t i32_extend8_s(uint32_t x) { return static_cast<uint32_t>(static_cast<int8_t>(x)); }
constexpr uint32_t i32_extend16_s(uint32_t x) { return static_cast<uint32_t>(static_cast<int16_t>(x)); }
constexpr uint64_t i64_extend8_s(uint64_t x) { return static_cast<uint64_t>(static_cast<int8_t>(x)); }
constexpr uint64_t i64_extend16_s(uint64_t x) { return static_cast<uint64_t>(static_cast<int16_t>(x)); }
constexpr uint64_t i64_extend32_s(uint64_t x) { return static_cast<uint64_t>(static_cast<int32_t>(x)); }
constexpr uint64_t i64_extend_i32_s(uint32_t x) { return static_cast<uint64_t>(static_cast<int32_t>(x)); }
constexpr uint64_t i64_extend_i32_u(uint32_t x) { return x; }
constexpr uint32_t i32_wrap_i64(uint64_t x) { return static_cast<uint32_t>(x); }

// ---- Float sign operations: pure bit operations ----------------------------------------
// wasm defines abs, neg and copysign on the sign bit alone: a NaN keeps its payload and
// its signalling bit. x87/SSE arithmetic (e.g. 0 - x) would quiet or canonicalize it.

template <typename F>
constexpr F fabs_bits(F x) {
  return std::bit_cast<F>(static_cast<FloatBits<F>>(std::bit_cast<FloatBits<F>>(x) & ~kSignBit<F>));
}
template <typename F>
constexpr F fneg_bits(F x) {
  return std::bit_cast<F>(static_cast<FloatBits<F>>(std::bit_cast<FloatBits<F>>(x) ^ kSignBit<F>));
}
template <typename F>
constexpr F fcopysign_bits(F magnitude, F sign) {
  return std::bit_cast<F>(static_cast<FloatBits<F>>(
      (std::bit_cast<FloatBits<F>>(magnitude) & ~kSignBit<F>) |
      (std::bit_cast<FloatBits<F>>(sign) & kSignBit<F>)));
}

constexpr float f32_abs(float x) { return fabs_bits(x); }
constexpr float f32_neg(float x) { return fneg_bits(x); }
constexpr float f32_copysign(float a, float b) { return fcopysign_bits(a, b); }
constexpr double f64_abs(double x) { return fabs_bits(x); }
constexpr double f64_neg(double x) { return fneg_bits(x); }
constexpr double f64_copysign(double a, double b) { return fcopysign_bits(a, b); }

// ---- min / max ---------------------------------------------------------------------------
// A NaN operand gives that NaN quieted, an element of the spec's nans{a, b} (canonical when
// the input NaN is canonical, arithmetic otherwise).
// Among equal operands only ±0 differ: OR of the bits picks -0 for min, AND picks +0 for max.

template <typename F>
inline F fmin(F a, F b) {
  if (a != a || b != b) [[unlikely]] return quiet_nan(a != a ? a : b);
  if (a == b) return std::bit_cast<F>(std::bit_cast<FloatBits<F>>(a) | std::bit_cast<FloatBits<F>>(b));
  return a < b ? a : b;
}
template <typename F>
inline F fmax(F a, F b) {
  if (a != a || b != b) [[unlikely]] return quiet_nan(a != a ? a : b);
  if (a == b) return std::bit_cast<F>(std::bit_cast<FloatBits<F>>(a) & std::bit_cast<FloatBits<F>>(b));
  return a > b ? a : b;
}

inline float f32_min(float a, float b) { return fmin(a, b); }
inline float f32_max(float a, float b) { return fmax(a, b); }
inline double f64_min(double a, double b) { return fmin(a, b); }
inline double f64_max(double a, double b) { return fmax(a, b); }

// ---- Rounding to integral ------------------------------------------------------------------
// Done without libm calls: with SSE2 only, std::trunc/std::nearbyint are out-of-line calls,
// while these compile to a few instructions (simd_float.h applies the same method to whole
// vectors).
// At or above 2^(mantissa bits) every float is already integral; there, and for NaN and
// infinities, the result is x itself, a NaN quieted.

template <typename F>
struct RoundTraits;
template <>
struct RoundTraits<float> {
  using Int = int32_t;                   // wide enough for every |x| < 2^23
  static constexpr float kIntegral = 0x1p23f;  // 2^mantissa bits
};
template <>
struct RoundTraits<double> {
  using Int = int64_t;
  static constexpr double kIntegral = 0x1p52;
};

// Round toward zero. The integer conversion drops the sign of -0.x, so it is put back.
template <typename F>
inline F ftrunc(F x) {
  if (!(fabs_bits(x) < RoundTraits<F>::kIntegral)) [[unlikely]] return quiet_nan(x);
  F t = static_cast<F>(static_cast<typename RoundTraits<F>::Int>(x));
  return fcopysign_bits(t, x);
}
// ceil/floor from trunc: only a value whose truncation moved it toward zero needs a step.
// -0.5 truncates to -0, which is already ceil(-0.5) = -0 as the spec requires.
template <typename F>
inline F fceil(F x) {
  F t = ftrunc(x);
  return t < x ? t + F(1) : t;
}
template <typename F>
inline F ffloor(F x) {
  F t = ftrunc(x);
  return t > x ? t - F(1) : t;
}
// Round half to even: adding and subtracting 2^mantissa forces the hardware's
// round-to-nearest-even onto the units place. Done on |x| and the sign put back so that
// -0.4 gives -0 (the spec keeps the sign of a zero result).
template <typename F>
inline F fnearest(F x) {
  F ax = fabs_bits(x);
  if (!(ax < RoundTraits<F>::kIntegral)) [[unlikely]] return quiet_nan(x);
  F r = (ax + RoundTraits<F>::kIntegral) - RoundTraits<F>::kIntegral;
  return fcopysign_bits(r, x);
}

inline float f32_trunc(float x) { return ftrunc(x); }
inline float f32_ceil(float x) { return fceil(x); }
inline float f32_floor(float x) { return ffloor(x); }
inline float f32_nearest(float x) { return fnearest(x); }
inline double f64_trunc(double x) { return ftrunc(x); }
inline double f64_ceil(double x) { return fceil(x); }
inline double f64_floor(double x) { return ffloor(x); }
inline double f64_nearest(double x) { return fnearest(x); }

// ---- Float -> integer truncation -------------------------------------------------------------
// In range means: trunc(x) is representable, i.e. -2^(N-1) - 1 < x < 2^(N-1) (signed) or
// -1 < x < 2^N (unsigned). The bounds below are those limits, written as the exact float
// constants the comparison needs (-2^31 - 1 is exact in f64, but rounds to -2^31 in f32,
// where no float lies strictly between the two, so `>= -2^31` is the same test).
// NaN fails every comparison, so the in-range test also rejects it; the trap kind is
// decided only on the unlikely path.

template <typename F>
constexpr TrapKind trunc_trap_kind(F x) {
  return x != x ? TrapKind::InvalidConversionToInteger : TrapKind::IntegerOverflow;
}

inline TrapKind i32_trunc_f32_s(float x, uint32_t& out) {
  if (x >= -0x1p31f && x < 0x1p31f) [[likely]] {
    out = static_cast<uint32_t>(static_cast<int32_t>(x));
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i32_trunc_f32_u(float x, uint32_t& out) {
  if (x > -1.0f && x < 0x1p32f) [[likely]] {
    out = static_cast<uint32_t>(x);  // (-1, 0) truncates to 0, which is representable
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i32_trunc_f64_s(double x, uint32_t& out) {
  if (x > -2147483649.0 && x < 2147483648.0) [[likely]] {
    out = static_cast<uint32_t>(static_cast<int32_t>(x));
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i32_trunc_f64_u(double x, uint32_t& out) {
  if (x > -1.0 && x < 4294967296.0) [[likely]] {
    out = static_cast<uint32_t>(x);
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i64_trunc_f32_s(float x, uint64_t& out) {
  if (x >= -0x1p63f && x < 0x1p63f) [[likely]] {
    out = static_cast<uint64_t>(static_cast<int64_t>(x));
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i64_trunc_f32_u(float x, uint64_t& out) {
  if (x > -1.0f && x < 0x1p64f) [[likely]] {
    out = static_cast<uint64_t>(x);
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i64_trunc_f64_s(double x, uint64_t& out) {
  if (x >= -0x1p63 && x < 0x1p63) [[likely]] {
    out = static_cast<uint64_t>(static_cast<int64_t>(x));
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}
inline TrapKind i64_trunc_f64_u(double x, uint64_t& out) {
  if (x > -1.0 && x < 0x1p64) [[likely]] {
    out = static_cast<uint64_t>(x);
    return TrapKind::None;
  }
  return trunc_trap_kind(x);
}

// Saturating truncation (trunc_sat): NaN -> 0, below range -> min, above range -> max.
// Int is the signed or unsigned result type.
template <typename Int, typename F>
inline Int trunc_sat(F x) {
  constexpr int kBits = sizeof(Int) * 8;
  // 2^(N-1) (signed) or 2^N (unsigned): a power of two, exact in f32 and f64.
  constexpr F kHigh = static_cast<F>(static_cast<double>(uint64_t(1) << (kBits - 2)) *
                                     (std::is_signed_v<Int> ? 2.0 : 4.0));
  constexpr F kLow = std::is_signed_v<Int> ? -kHigh : F(-1);
  if (x != x) return 0;
  if (x >= kHigh) return std::numeric_limits<Int>::max();
  if constexpr (std::is_signed_v<Int>) {
    if (x < kLow) return std::numeric_limits<Int>::min();  // -2^(N-1) itself is in range
  } else {
    if (!(x > kLow)) return 0;  // (-1, 0) truncates to 0 below
  }
  return static_cast<Int>(x);
}

inline uint32_t i32_trunc_sat_f32_s(float x) { return static_cast<uint32_t>(trunc_sat<int32_t>(x)); }
inline uint32_t i32_trunc_sat_f32_u(float x) { return trunc_sat<uint32_t>(x); }
inline uint32_t i32_trunc_sat_f64_s(double x) { return static_cast<uint32_t>(trunc_sat<int32_t>(x)); }
inline uint32_t i32_trunc_sat_f64_u(double x) { return trunc_sat<uint32_t>(x); }
inline uint64_t i64_trunc_sat_f32_s(float x) { return static_cast<uint64_t>(trunc_sat<int64_t>(x)); }
inline uint64_t i64_trunc_sat_f32_u(float x) { return trunc_sat<uint64_t>(x); }
inline uint64_t i64_trunc_sat_f64_s(double x) { return static_cast<uint64_t>(trunc_sat<int64_t>(x)); }
inline uint64_t i64_trunc_sat_f64_u(double x) { return trunc_sat<uint64_t>(x); }

// ---- Integer -> float conversion -----------------------------------------------------------
// Each must round once, to nearest even. A signed conversion is one hardware instruction
// (cvtsi2ss/sd with a 64-bit source) and rounds once; u32 fits a signed i64 exactly.
// A u64 with the top bit set does not fit: it is halved first, keeping the dropped bit as a
// "sticky" bit 0 so the one rounding still sees whether anything lay below the rounding
// point (bit 0 is far below it for both f32 and f64), and the result doubled, which is
// exact. Going through f64 for u64 -> f32 instead would round twice (0x8000008000000001
// would give 2^63 instead of 2^63 + 2^40).

inline float f32_convert_i32_s(uint32_t x) { return static_cast<float>(static_cast<int32_t>(x)); }
inline float f32_convert_i32_u(uint32_t x) { return static_cast<float>(static_cast<int64_t>(x)); }
inline float f32_convert_i64_s(uint64_t x) { return static_cast<float>(static_cast<int64_t>(x)); }
inline float f32_convert_i64_u(uint64_t x) {
  if (static_cast<int64_t>(x) >= 0) return static_cast<float>(static_cast<int64_t>(x));
  float half = static_cast<float>(static_cast<int64_t>((x >> 1) | (x & 1)));
  return half + half;
}
inline double f64_convert_i32_s(uint32_t x) { return static_cast<double>(static_cast<int32_t>(x)); }
inline double f64_convert_i32_u(uint32_t x) { return static_cast<double>(x); }  // exact
inline double f64_convert_i64_s(uint64_t x) { return static_cast<double>(static_cast<int64_t>(x)); }
inline double f64_convert_i64_u(uint64_t x) {
  if (static_cast<int64_t>(x) >= 0) return static_cast<double>(static_cast<int64_t>(x));
  double half = static_cast<double>(static_cast<int64_t>((x >> 1) | (x & 1)));
  return half + half;
}

// ---- Float <-> float, reinterpret --------------------------------------------------------------
// cvtsd2ss/cvtss2sd round once (demote) or are exact (promote); a NaN comes out quiet with
// its payload's high bits kept, so a canonical NaN stays canonical as the spec requires.

inline float f32_demote_f64(double x) { return static_cast<float>(x); }
inline double f64_promote_f32(float x) { return static_cast<double>(x); }

constexpr uint32_t i32_reinterpret_f32(float x) { return std::bit_cast<uint32_t>(x); }
constexpr uint64_t i64_reinterpret_f64(double x) { return std::bit_cast<uint64_t>(x); }
constexpr float f32_reinterpret_i32(uint32_t x) { return std::bit_cast<float>(x); }
constexpr double f64_reinterpret_i64(uint64_t x) { return std::bit_cast<double>(x); }

}  // namespace ironclad::interp
