// Float SIMD operators (simd_float.h) and conversions (simd_convert.h): per-lane NaN and
// signed-zero rules, pmin/pmax, rounding, saturation, one-rounding u32 -> f32.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "interp/simd.h"
#include "simd_test_util.h"
#include "test_util.h"

namespace ironclad::interp::simd {
namespace {

using test::f32b;
using test::f64b;
using test::lanes;
using test::vec;
using test::vec_all;

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
const float kNanF = f32b(0x7FC00000u);
const double kNan = f64b(0x7FF8000000000000ull);

TEST(SimdFloatMinMax, NanInEitherLanePropagatesAndMinusZeroIsLess) {
  V128 a = vec<float>({kNanF, 1.0f, -0.0f, 0.0f});
  V128 b = vec<float>({1.0f, kNanF, 0.0f, -0.0f});
  auto mn = lanes<float>(f32x4_min(a, b));
  auto mx = lanes<float>(f32x4_max(a, b));
  EXPECT_TRUE(test::is_canonical_nan(mn[0]));
  EXPECT_TRUE(test::is_canonical_nan(mn[1]));
  EXPECT_EQ(test::bits(mn[2]), test::bits(-0.0f));
  EXPECT_EQ(test::bits(mn[3]), test::bits(-0.0f));
  EXPECT_TRUE(test::is_canonical_nan(mx[0]));
  EXPECT_TRUE(test::is_canonical_nan(mx[1]));
  EXPECT_EQ(test::bits(mx[2]), test::bits(0.0f));
  EXPECT_EQ(test::bits(mx[3]), test::bits(0.0f));
  auto snan = lanes<float>(f32x4_min(vec_all(f32b(test::kF32SignalingNan)), vec_all(2.0f)));
  EXPECT_TRUE(test::is_arithmetic_nan(snan[3]));

  auto dmn = lanes<double>(f64x2_min(vec<double>({-0.0, kNan}), vec<double>({0.0, -kInf})));
  EXPECT_EQ(test::bits(dmn[0]), test::bits(-0.0));
  EXPECT_TRUE(test::is_canonical_nan(dmn[1]));
  auto dmx = lanes<double>(f64x2_max(vec<double>({-0.0, -kInf}), vec<double>({0.0, kNan})));
  EXPECT_EQ(test::bits(dmx[0]), test::bits(0.0));
  EXPECT_TRUE(test::is_canonical_nan(dmx[1]));
  EXPECT_EQ(lanes<double>(f64x2_max(vec<double>({1.0, -2.0}), vec<double>({-1.0, 3.0}))),
            (std::array<double, 2>{1.0, 3.0}));
}

TEST(SimdFloatPminPmax, OneComparisonReturningTheFirstOperandUnlessStrictlyOrdered) {
  // pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a.
  const uint32_t nan_payload = 0x7FC01234u;
  V128 a = vec<float>({f32b(nan_payload), 1.0f, -0.0f, 0.0f});
  V128 b = vec<float>({1.0f, kNanF, 0.0f, -0.0f});
  auto mn = lanes<uint32_t>(f32x4_pmin(a, b));
  EXPECT_EQ(mn[0], nan_payload);             // NaN a: comparison false, a returned as is
  EXPECT_EQ(mn[1], test::bits(1.0f));        // NaN b: a
  EXPECT_EQ(mn[2], test::bits(-0.0f));       // zeros compare equal: a
  EXPECT_EQ(mn[3], test::bits(0.0f));
  auto mx = lanes<uint32_t>(f32x4_pmax(a, b));
  EXPECT_EQ(mx[0], nan_payload);
  EXPECT_EQ(mx[1], test::bits(1.0f));
  EXPECT_EQ(mx[2], test::bits(-0.0f));
  EXPECT_EQ(mx[3], test::bits(0.0f));
  EXPECT_EQ(lanes<float>(f32x4_pmin(vec<float>({2, -1, kInfF, 5}), vec<float>({1, 3, -kInfF, 5}))),
            (std::array<float, 4>{1, -1, -kInfF, 5}));
  EXPECT_EQ(lanes<float>(f32x4_pmax(vec<float>({2, -1, kInfF, 5}), vec<float>({1, 3, -kInfF, 5}))),
            (std::array<float, 4>{2, 3, kInfF, 5}));
  EXPECT_EQ(lanes<double>(f64x2_pmin(vec<double>({-0.0, 3.0}), vec<double>({0.0, kNan})))[1], 3.0);
  EXPECT_EQ(test::bits(lanes<double>(f64x2_pmax(vec<double>({0.0, 3.0}), vec<double>({-0.0, 4.0})))[0]),
            test::bits(0.0));
  EXPECT_EQ(lanes<double>(f64x2_pmax(vec<double>({0.0, 3.0}), vec<double>({-0.0, 4.0})))[1], 4.0);
}

TEST(SimdFloatRounding, EachLaneRoundsLikeTheScalarOperator) {
  V128 v = vec<float>({-0.5f, 2.5f, 3.5f, -1.5f});
  EXPECT_EQ(lanes<float>(f32x4_nearest(v)), (std::array<float, 4>{-0.0f, 2.0f, 4.0f, -2.0f}));
  EXPECT_EQ(test::bits(lanes<float>(f32x4_nearest(v))[0]), test::bits(-0.0f));
  EXPECT_EQ(lanes<float>(f32x4_ceil(v)), (std::array<float, 4>{-0.0f, 3.0f, 4.0f, -1.0f}));
  EXPECT_EQ(test::bits(lanes<float>(f32x4_ceil(v))[0]), test::bits(-0.0f));
  EXPECT_EQ(lanes<float>(f32x4_floor(v)), (std::array<float, 4>{-1.0f, 2.0f, 3.0f, -2.0f}));
  EXPECT_EQ(lanes<float>(f32x4_trunc(v)), (std::array<float, 4>{-0.0f, 2.0f, 3.0f, -1.0f}));
  EXPECT_EQ(test::bits(lanes<float>(f32x4_trunc(v))[0]), test::bits(-0.0f));
  auto big = lanes<float>(f32x4_nearest(vec<float>({8388607.5f, -8388609.0f, kInfF, kNanF})));
  EXPECT_EQ(big[0], 8388608.0f);
  EXPECT_EQ(big[1], -8388609.0f);
  EXPECT_EQ(big[2], kInfF);
  EXPECT_TRUE(test::is_canonical_nan(big[3]));
  EXPECT_TRUE(test::is_arithmetic_nan(lanes<float>(f32x4_floor(vec_all(f32b(test::kF32SignalingNan))))[0]));

  V128 d = vec<double>({-0.5, 4503599627370495.5});
  EXPECT_EQ(lanes<double>(f64x2_nearest(d)), (std::array<double, 2>{-0.0, 4503599627370496.0}));
  EXPECT_EQ(test::bits(lanes<double>(f64x2_nearest(d))[0]), test::bits(-0.0));
  EXPECT_EQ(lanes<double>(f64x2_ceil(d)), (std::array<double, 2>{-0.0, 4503599627370496.0}));
  EXPECT_EQ(lanes<double>(f64x2_floor(d)), (std::array<double, 2>{-1.0, 4503599627370495.0}));
  EXPECT_EQ(lanes<double>(f64x2_trunc(d)), (std::array<double, 2>{-0.0, 4503599627370495.0}));
  EXPECT_TRUE(test::is_arithmetic_nan(lanes<double>(f64x2_trunc(vec_all(f64b(test::kF64SignalingNan))))[1]));
}

TEST(SimdFloatSign, AbsNegAreBitOperationsThatKeepNanPayloads) {
  V128 v = vec<uint32_t>({test::kF32SignalingNan | 1, 0x80000000u, 0xFFC00001u, test::bits(1.5f)});
  EXPECT_EQ(lanes<uint32_t>(f32x4_abs(v)),
            (std::array<uint32_t, 4>{test::kF32SignalingNan | 1, 0, 0x7FC00001u, test::bits(1.5f)}));
  EXPECT_EQ(lanes<uint32_t>(f32x4_neg(v)),
            (std::array<uint32_t, 4>{0x80000000u | test::kF32SignalingNan | 1, 0, 0x7FC00001u, test::bits(-1.5f)}));
  V128 d = vec<uint64_t>({test::kF64SignalingNan, 0x8000000000000000ull});
  EXPECT_EQ(lanes<uint64_t>(f64x2_neg(d)), (std::array<uint64_t, 2>{0x8000000000000000ull | test::kF64SignalingNan, 0}));
  EXPECT_EQ(lanes<uint64_t>(f64x2_abs(f64x2_neg(d))), (std::array<uint64_t, 2>{test::kF64SignalingNan, 0}));
}

TEST(SimdFloatArith, LanewiseIeeeOperations) {
  V128 a = vec<float>({1.0f, -kInfF, 0.0f, 0x1p-149f});
  V128 b = vec<float>({2.0f, kInfF, -0.0f, 0.5f});
  EXPECT_EQ(lanes<float>(f32x4_add(a, b))[0], 3.0f);
  EXPECT_TRUE(std::isnan(lanes<float>(f32x4_add(a, b))[1]));
  EXPECT_EQ(test::bits(lanes<float>(f32x4_add(a, b))[2]), test::bits(0.0f));
  EXPECT_EQ(lanes<float>(f32x4_mul(a, b))[3], 0.0f);  // no flush-to-zero: exact underflow to 0
  EXPECT_EQ(lanes<float>(f32x4_sub(a, b))[0], -1.0f);
  EXPECT_EQ(lanes<float>(f32x4_div(a, b))[0], 0.5f);
  EXPECT_TRUE(std::isnan(lanes<float>(f32x4_div(a, b))[2]));  // 0 / -0
  EXPECT_EQ(lanes<float>(f32x4_sqrt(vec<float>({4.0f, 2.0f, -0.0f, kInfF}))),
            (std::array<float, 4>{2.0f, std::sqrt(2.0f), -0.0f, kInfF}));
  EXPECT_TRUE(std::isnan(lanes<float>(f32x4_sqrt(vec_all(-1.0f)))[0]));
  EXPECT_EQ(lanes<double>(f64x2_add(vec<double>({0.1, 1e308}), vec<double>({0.2, 1e308}))),
            (std::array<double, 2>{0.1 + 0.2, kInf}));
  EXPECT_EQ(lanes<double>(f64x2_sub(vec<double>({1.0, 0.0}), vec<double>({0.5, 0.0})))[0], 0.5);
  EXPECT_EQ(lanes<double>(f64x2_mul(vec<double>({3.0, -2.0}), vec<double>({0.5, 4.0}))),
            (std::array<double, 2>{1.5, -8.0}));
  EXPECT_EQ(lanes<double>(f64x2_div(vec<double>({1.0, -1.0}), vec<double>({0.0, 0.0}))),
            (std::array<double, 2>{kInf, -kInf}));
  EXPECT_EQ(lanes<double>(f64x2_sqrt(vec<double>({9.0, 0x1p-1074}))), (std::array<double, 2>{3.0, 0x1p-537}));
}

TEST(SimdFloatCompare, NanIsUnorderedAndZerosAreEqual) {
  V128 a = vec<float>({kNanF, 0.0f, 1.0f, 2.0f});
  V128 b = vec<float>({kNanF, -0.0f, 2.0f, 1.0f});
  EXPECT_EQ(lanes<int32_t>(f32x4_eq(a, b)), (std::array<int32_t, 4>{0, -1, 0, 0}));
  EXPECT_EQ(lanes<int32_t>(f32x4_ne(a, b)), (std::array<int32_t, 4>{-1, 0, -1, -1}));
  EXPECT_EQ(lanes<int32_t>(f32x4_lt(a, b)), (std::array<int32_t, 4>{0, 0, -1, 0}));
  EXPECT_EQ(lanes<int32_t>(f32x4_gt(a, b)), (std::array<int32_t, 4>{0, 0, 0, -1}));
  EXPECT_EQ(lanes<int32_t>(f32x4_le(a, b)), (std::array<int32_t, 4>{0, -1, -1, 0}));
  EXPECT_EQ(lanes<int32_t>(f32x4_ge(a, b)), (std::array<int32_t, 4>{0, -1, 0, -1}));
  V128 c = vec<double>({kNan, -0.0});
  V128 d = vec<double>({1.0, 0.0});
  EXPECT_EQ(lanes<int64_t>(f64x2_eq(c, d)), (std::array<int64_t, 2>{0, -1}));
  EXPECT_EQ(lanes<int64_t>(f64x2_ne(c, d)), (std::array<int64_t, 2>{-1, 0}));
  EXPECT_EQ(lanes<int64_t>(f64x2_lt(c, d)), (std::array<int64_t, 2>{0, 0}));
  EXPECT_EQ(lanes<int64_t>(f64x2_gt(d, c)), (std::array<int64_t, 2>{0, 0}));
  EXPECT_EQ(lanes<int64_t>(f64x2_le(c, d)), (std::array<int64_t, 2>{0, -1}));
  EXPECT_EQ(lanes<int64_t>(f64x2_ge(c, d)), (std::array<int64_t, 2>{0, -1}));
}

TEST(SimdConvert, TruncSatF32x4) {
  V128 v = vec<float>({kNanF, kInfF, -kInfF, -1.5f});
  EXPECT_EQ(lanes<int32_t>(i32x4_trunc_sat_f32x4_s(v)), (std::array<int32_t, 4>{0, INT32_MAX, INT32_MIN, -1}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_trunc_sat_f32x4_u(v)), (std::array<uint32_t, 4>{0, UINT32_MAX, 0, 0}));
  V128 w = vec<float>({0x1p31f, -0x1p31f, 2147483520.0f, 4294967040.0f});
  EXPECT_EQ(lanes<int32_t>(i32x4_trunc_sat_f32x4_s(w)),
            (std::array<int32_t, 4>{INT32_MAX, INT32_MIN, 2147483520, INT32_MAX}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_trunc_sat_f32x4_u(w)),
            (std::array<uint32_t, 4>{0x80000000u, 0, 2147483520u, 4294967040u}));
}

TEST(SimdConvert, TruncSatF64x2ZeroFillsTheUpperLanes) {
  V128 v = vec<double>({-2147483648.9, 4294967295.9});
  EXPECT_EQ(lanes<int32_t>(i32x4_trunc_sat_f64x2_s_zero(v)), (std::array<int32_t, 4>{INT32_MIN, INT32_MAX, 0, 0}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_trunc_sat_f64x2_u_zero(v)), (std::array<uint32_t, 4>{0, UINT32_MAX, 0, 0}));
  V128 w = vec<double>({kNan, -0.9});
  EXPECT_EQ(lanes<int32_t>(i32x4_trunc_sat_f64x2_s_zero(w)), (std::array<int32_t, 4>{0, 0, 0, 0}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_trunc_sat_f64x2_u_zero(vec<double>({1e10, 42.7}))),
            (std::array<uint32_t, 4>{UINT32_MAX, 42, 0, 0}));
}

TEST(SimdConvert, I32x4ToF32x4RoundsOnce) {
  EXPECT_EQ(lanes<float>(f32x4_convert_i32x4_u(vec<uint32_t>({0xFFFFFFFFu, 0x80000080u, 0x80000081u, 0x80000180u}))),
            (std::array<float, 4>{0x1p32f, 0x1p31f, 2147483904.0f, 2147484160.0f}));
  EXPECT_EQ(lanes<float>(f32x4_convert_i32x4_s(vec<int32_t>({INT32_MIN, -1, 16777217, INT32_MAX}))),
            (std::array<float, 4>{-0x1p31f, -1.0f, 16777216.0f, 0x1p31f}));
  // Every u32 converts through f64 exactly, so float(double(x)) is a one-rounding reference.
  std::mt19937 rng(5);  // 32-bit output
  for (int i = 0; i < 100000; ++i) {
    uint32_t r0 = static_cast<uint32_t>(rng()), r1 = static_cast<uint32_t>(rng());
    uint32_t x[4] = {r0, r1 | 0x80000000u, r0 & 0x01FFFFFFu, (r1 & 0xFFFFFF00u) | 0x80u};
    V128 r = f32x4_convert_i32x4_u(vec<uint32_t>({x[0], x[1], x[2], x[3]}));
    for (int l = 0; l < 4; ++l)
      ASSERT_EQ(lanes<float>(r)[l], static_cast<float>(static_cast<double>(x[l]))) << std::hex << x[l];
  }
}

TEST(SimdConvert, ConvertLowI32x4ToF64x2ReadsLanes0And1) {
  V128 v = vec<int32_t>({-1, INT32_MIN, 5, 6});
  EXPECT_EQ(lanes<double>(f64x2_convert_low_i32x4_s(v)), (std::array<double, 2>{-1.0, -2147483648.0}));
  EXPECT_EQ(lanes<double>(f64x2_convert_low_i32x4_u(v)), (std::array<double, 2>{4294967295.0, 2147483648.0}));
}

TEST(SimdConvert, DemoteZeroAndPromoteLow) {
  auto d = lanes<float>(f32x4_demote_f64x2_zero(vec<double>({0x1.000001p0, kNan})));
  EXPECT_EQ(d[0], 1.0f);
  EXPECT_TRUE(test::is_canonical_nan(d[1]));
  EXPECT_EQ(test::bits(d[2]), 0u);
  EXPECT_EQ(test::bits(d[3]), 0u);
  EXPECT_EQ(lanes<float>(f32x4_demote_f64x2_zero(vec<double>({1e300, -0x1p-1074}))),
            (std::array<float, 4>{kInfF, -0.0f, 0.0f, 0.0f}));
  auto p = lanes<double>(f64x2_promote_low_f32x4(vec<float>({0x1p-149f, -kInfF, 7.0f, 8.0f})));
  EXPECT_EQ(p, (std::array<double, 2>{0x1p-149, -kInf}));
  EXPECT_TRUE(test::is_canonical_nan(lanes<double>(f64x2_promote_low_f32x4(vec_all(kNanF)))[0]));
}

}  // namespace
}  // namespace ironclad::interp::simd
