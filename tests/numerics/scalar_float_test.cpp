// Float scalar operators of src/interp/numerics.h: sign operations on bits, min/max,
// rounding to integral.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "interp/numerics.h"
#include "test_util.h"

namespace ironclad::interp {
namespace {

using test::bits;
using test::f32b;
using test::f64b;

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(ScalarFloatSign, AbsNegCopysignKeepNanPayloadAndSignalingBit) {
  float snan = f32b(test::kF32SignalingNan | 0x1234);
  EXPECT_EQ(bits(f32_abs(fneg_bits(snan))), test::kF32SignalingNan | 0x1234);
  EXPECT_EQ(bits(f32_neg(snan)), 0x80000000u | test::kF32SignalingNan | 0x1234);
  EXPECT_EQ(bits(f32_copysign(snan, -1.0f)), 0x80000000u | test::kF32SignalingNan | 0x1234);
  EXPECT_EQ(bits(f32_copysign(1.0f, f32b(0xFFC00000u))), bits(-1.0f));  // sign of a NaN
  EXPECT_EQ(bits(f32_neg(0.0f)), 0x80000000u);
  EXPECT_EQ(bits(f32_abs(-0.0f)), 0u);

  double dsnan = f64b(test::kF64SignalingNan | 1);
  EXPECT_EQ(bits(f64_neg(dsnan)), 0x8000000000000000ull | test::kF64SignalingNan | 1);
  EXPECT_EQ(bits(f64_abs(f64_neg(dsnan))), test::kF64SignalingNan | 1);
  EXPECT_EQ(bits(f64_copysign(-kInf, 0.0)), bits(kInf));
  EXPECT_EQ(bits(f64_copysign(2.0, -0.0)), bits(-2.0));
}

TEST(ScalarFloatMinMax, SignedZeros) {
  EXPECT_EQ(bits(f32_min(0.0f, -0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(f32_min(-0.0f, 0.0f)), bits(-0.0f));
  EXPECT_EQ(bits(f32_max(0.0f, -0.0f)), bits(0.0f));
  EXPECT_EQ(bits(f32_max(-0.0f, 0.0f)), bits(0.0f));
  EXPECT_EQ(bits(f64_min(0.0, -0.0)), bits(-0.0));
  EXPECT_EQ(bits(f64_max(-0.0, 0.0)), bits(0.0));
  EXPECT_EQ(bits(f64_max(-0.0, -0.0)), bits(-0.0));
}

TEST(ScalarFloatMinMax, OrdinaryValuesAndInfinities) {
  EXPECT_EQ(f32_min(1.0f, 2.0f), 1.0f);
  EXPECT_EQ(f32_max(1.0f, 2.0f), 2.0f);
  EXPECT_EQ(f32_min(-kInfF, 3.0f), -kInfF);
  EXPECT_EQ(f32_max(-kInfF, kInfF), kInfF);
  EXPECT_EQ(f64_min(-1e300, 1e-300), -1e300);
  EXPECT_EQ(f64_max(-1e300, 1e-300), 1e-300);
}

TEST(ScalarFloatMinMax, NanPropagatesFromEitherSide) {
  float cnan = f32b(0x7FC00000u);
  float snan = f32b(test::kF32SignalingNan);
  for (float other : {0.0f, -0.0f, 1.0f, -kInfF, kInfF}) {
    EXPECT_TRUE(test::is_canonical_nan(f32_min(cnan, other)));
    EXPECT_TRUE(test::is_canonical_nan(f32_min(other, cnan)));
    EXPECT_TRUE(test::is_canonical_nan(f32_max(cnan, other)));
    EXPECT_TRUE(test::is_canonical_nan(f32_max(other, cnan)));
    // A signalling NaN comes out quiet (arithmetic), never as the other operand.
    EXPECT_TRUE(test::is_arithmetic_nan(f32_min(snan, other)));
    EXPECT_TRUE(test::is_arithmetic_nan(f32_max(other, snan)));
  }
  double dnan = f64b(0xFFF8000000000000ull);
  EXPECT_TRUE(test::is_canonical_nan(f64_min(dnan, -kInf)));
  EXPECT_TRUE(test::is_canonical_nan(f64_max(kInf, dnan)));
  EXPECT_TRUE(test::is_arithmetic_nan(f64_min(1.0, f64b(test::kF64SignalingNan))));
}

// Values around every interesting boundary of rounding to integral, plus random ones; the
// libm functions are the reference (they are exact, just slower out-of-line calls).
template <typename F>
std::vector<F> rounding_samples() {
  std::vector<F> v = {F(0),     F(-0.0), F(0.25), F(0.5),  F(0.75),  F(1),    F(1.5),
                      F(2.5),   F(3.5),  F(-0.5), F(-1.5), F(-2.5),  F(-0.4), F(-0.6),
                      F(0.49999997f),     std::numeric_limits<F>::denorm_min(),
                      -std::numeric_limits<F>::denorm_min(), std::numeric_limits<F>::min(),
                      std::numeric_limits<F>::max(), std::numeric_limits<F>::lowest()};
  const F integral = RoundTraits<F>::kIntegral;  // 2^23 or 2^52
  for (F base : {integral, integral / 2, integral * 2}) {
    for (int k = 0; k < 16; ++k) {
      F x = base + F(k) * F(0.5);  // rounds to an integer where halves do not exist
      v.push_back(x);
      v.push_back(-x);
      v.push_back(std::nextafter(x, F(0)));
      v.push_back(-std::nextafter(x, F(0)));
      v.push_back(std::nextafter(base, F(0)) - F(1) + (x - base));
    }
  }
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<F> small(F(-100), F(100));
  for (int i = 0; i < 2000; ++i) v.push_back(small(rng));
  for (int i = 0; i < 2000; ++i) {
    FloatBits<F> b = static_cast<FloatBits<F>>(rng());
    F x = std::bit_cast<F>(b);
    if (x == x) v.push_back(x);
  }
  return v;
}

template <typename F>
void expect_rounding_matches_libm() {
  for (F x : rounding_samples<F>()) {
    SCOPED_TRACE(testing::Message() << std::hexfloat << x);
    EXPECT_EQ(bits(ftrunc(x)), bits(std::trunc(x)));
    EXPECT_EQ(bits(fceil(x)), bits(std::ceil(x)));
    EXPECT_EQ(bits(ffloor(x)), bits(std::floor(x)));
    EXPECT_EQ(bits(fnearest(x)), bits(std::nearbyint(x)));
  }
}

TEST(ScalarFloatRounding, F32MatchesLibmOnBoundariesAndRandomValues) {
  expect_rounding_matches_libm<float>();
}
TEST(ScalarFloatRounding, F64MatchesLibmOnBoundariesAndRandomValues) {
  expect_rounding_matches_libm<double>();
}

TEST(ScalarFloatRounding, NearestTiesToEvenAndKeepsSignOfZero) {
  EXPECT_EQ(f32_nearest(0.5f), 0.0f);
  EXPECT_EQ(f32_nearest(1.5f), 2.0f);
  EXPECT_EQ(f32_nearest(2.5f), 2.0f);
  EXPECT_EQ(f32_nearest(-3.5f), -4.0f);
  EXPECT_EQ(bits(f32_nearest(-0.5f)), bits(-0.0f));
  EXPECT_EQ(bits(f32_nearest(-0.4f)), bits(-0.0f));
  EXPECT_EQ(f32_nearest(8388607.5f), 8388608.0f);
  EXPECT_EQ(f32_nearest(-8388607.5f), -8388608.0f);
  EXPECT_EQ(f64_nearest(4503599627370495.5), 4503599627370496.0);
  EXPECT_EQ(f64_nearest(2.5), 2.0);
  EXPECT_EQ(bits(f64_nearest(-0.5)), bits(-0.0));
}

TEST(ScalarFloatRounding, CeilFloorTruncSignOfZero) {
  EXPECT_EQ(bits(f32_ceil(-0.5f)), bits(-0.0f));
  EXPECT_EQ(bits(f32_floor(0.5f)), bits(0.0f));
  EXPECT_EQ(f32_floor(-0.5f), -1.0f);
  EXPECT_EQ(f32_ceil(0.5f), 1.0f);
  EXPECT_EQ(bits(f32_trunc(-0.9f)), bits(-0.0f));
  EXPECT_EQ(bits(f64_ceil(-0.9)), bits(-0.0));
  EXPECT_EQ(bits(f64_floor(-0.0)), bits(-0.0));
  EXPECT_EQ(f64_floor(-4503599627370495.5), -4503599627370496.0);
  EXPECT_EQ(f64_ceil(4503599627370495.5), 4503599627370496.0);
}

TEST(ScalarFloatRounding, NanComesOutQuietAndInfinitiesUnchanged) {
  float snan = f32b(test::kF32SignalingNan);
  float cnan = f32b(0x7FC00000u);
  for (float (*op)(float) : {f32_trunc, f32_ceil, f32_floor, f32_nearest}) {
    EXPECT_TRUE(test::is_arithmetic_nan(op(snan)));
    EXPECT_TRUE(test::is_canonical_nan(op(cnan)));
    EXPECT_EQ(op(kInfF), kInfF);
    EXPECT_EQ(op(-kInfF), -kInfF);
  }
  double dsnan = f64b(test::kF64SignalingNan);
  for (double (*op)(double) : {f64_trunc, f64_ceil, f64_floor, f64_nearest}) {
    EXPECT_TRUE(test::is_arithmetic_nan(op(dsnan)));
    EXPECT_TRUE(test::is_canonical_nan(op(f64b(0xFFF8000000000000ull))));
    EXPECT_EQ(op(-kInf), -kInf);
  }
}

}  // namespace
}  // namespace ironclad::interp
