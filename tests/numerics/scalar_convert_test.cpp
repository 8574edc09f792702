// Conversions of src/interp/numerics.h: trapping and saturating float->int truncation at the
// exact range bounds, int->float with one rounding, demote/promote, reinterpret.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "interp/numerics.h"
#include "test_util.h"

namespace ironclad::interp {
namespace {

using test::bits;
using test::f32b;
using test::f64b;

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
const float kNanF = f32b(0x7FC00000u);
const double kNan = f64b(0x7FF8000000000000ull);

template <typename Out, typename F>
TrapKind run(TrapKind (*op)(F, Out&), F x, Out& out) {
  out = static_cast<Out>(0xDEADBEEF);
  return op(x, out);
}

TEST(ScalarTruncTrapping, I32FromF32Bounds) {
  uint32_t out;
  EXPECT_EQ(run(i32_trunc_f32_s, -0x1p31f, out), TrapKind::None);
  EXPECT_EQ(out, 0x80000000u);
  EXPECT_EQ(run(i32_trunc_f32_s, 2147483520.0f, out), TrapKind::None);  // largest f32 < 2^31
  EXPECT_EQ(out, 2147483520u);
  EXPECT_EQ(run(i32_trunc_f32_s, 0x1p31f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f32_s, -2147483904.0f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f32_s, -1.9f, out), TrapKind::None);
  EXPECT_EQ(out, 0xFFFFFFFFu);
  EXPECT_EQ(run(i32_trunc_f32_s, kNanF, out), TrapKind::InvalidConversionToInteger);
  EXPECT_EQ(run(i32_trunc_f32_s, -kNanF, out), TrapKind::InvalidConversionToInteger);
  EXPECT_EQ(run(i32_trunc_f32_s, kInfF, out), TrapKind::IntegerOverflow);

  EXPECT_EQ(run(i32_trunc_f32_u, -0.99999994f, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(run(i32_trunc_f32_u, -1.0f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f32_u, 4294967040.0f, out), TrapKind::None);
  EXPECT_EQ(out, 4294967040u);
  EXPECT_EQ(run(i32_trunc_f32_u, 0x1p32f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f32_u, f32b(test::kF32SignalingNan), out),
            TrapKind::InvalidConversionToInteger);
  EXPECT_EQ(run(i32_trunc_f32_u, -kInfF, out), TrapKind::IntegerOverflow);
}

TEST(ScalarTruncTrapping, I32FromF64Bounds) {
  uint32_t out;
  EXPECT_EQ(run(i32_trunc_f64_s, -2147483648.9, out), TrapKind::None);
  EXPECT_EQ(out, 0x80000000u);
  EXPECT_EQ(run(i32_trunc_f64_s, -2147483649.0, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f64_s, 2147483647.9, out), TrapKind::None);
  EXPECT_EQ(out, 0x7FFFFFFFu);
  EXPECT_EQ(run(i32_trunc_f64_s, 2147483648.0, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f64_s, kNan, out), TrapKind::InvalidConversionToInteger);

  EXPECT_EQ(run(i32_trunc_f64_u, -0.9, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(run(i32_trunc_f64_u, -1.0, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f64_u, 4294967295.9, out), TrapKind::None);
  EXPECT_EQ(out, 0xFFFFFFFFu);
  EXPECT_EQ(run(i32_trunc_f64_u, 4294967296.0, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f64_u, 1e16, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i32_trunc_f64_u, -kNan, out), TrapKind::InvalidConversionToInteger);
}

TEST(ScalarTruncTrapping, I64Bounds) {
  uint64_t out;
  EXPECT_EQ(run(i64_trunc_f32_s, -0x1p63f, out), TrapKind::None);
  EXPECT_EQ(out, 0x8000000000000000ull);
  EXPECT_EQ(run(i64_trunc_f32_s, 9223371487098961920.0f, out), TrapKind::None);
  EXPECT_EQ(out, 9223371487098961920ull);
  EXPECT_EQ(run(i64_trunc_f32_s, 0x1p63f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f32_s, -9223373136366403584.0f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f32_u, 18446742974197923840.0f, out), TrapKind::None);
  EXPECT_EQ(out, 18446742974197923840ull);
  EXPECT_EQ(run(i64_trunc_f32_u, 0x1p64f, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f32_u, -0.5f, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(run(i64_trunc_f32_u, kNanF, out), TrapKind::InvalidConversionToInteger);

  EXPECT_EQ(run(i64_trunc_f64_s, -0x1p63, out), TrapKind::None);
  EXPECT_EQ(out, 0x8000000000000000ull);
  EXPECT_EQ(run(i64_trunc_f64_s, 9223372036854774784.0, out), TrapKind::None);
  EXPECT_EQ(out, 9223372036854774784ull);
  EXPECT_EQ(run(i64_trunc_f64_s, 0x1p63, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f64_s, -9223372036854777856.0, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f64_u, 18446744073709549568.0, out), TrapKind::None);
  EXPECT_EQ(out, 18446744073709549568ull);
  EXPECT_EQ(run(i64_trunc_f64_u, 0x1p64, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f64_u, -1.0, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f64_u, -kInf, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(run(i64_trunc_f64_u, kNan, out), TrapKind::InvalidConversionToInteger);
}

TEST(ScalarTruncSat, NanIsZeroAndOutOfRangeSaturates) {
  EXPECT_EQ(i32_trunc_sat_f32_s(kNanF), 0u);
  EXPECT_EQ(i32_trunc_sat_f32_s(kInfF), 0x7FFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f32_s(-kInfF), 0x80000000u);
  EXPECT_EQ(i32_trunc_sat_f32_s(0x1p31f), 0x7FFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f32_s(-0x1p31f), 0x80000000u);
  EXPECT_EQ(i32_trunc_sat_f32_s(-1.5f), 0xFFFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f32_u(-1.5f), 0u);
  EXPECT_EQ(i32_trunc_sat_f32_u(-0.5f), 0u);
  EXPECT_EQ(i32_trunc_sat_f32_u(4294967040.0f), 4294967040u);
  EXPECT_EQ(i32_trunc_sat_f32_u(0x1p32f), 0xFFFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f32_u(-kNanF), 0u);

  EXPECT_EQ(i32_trunc_sat_f64_s(-2147483648.9), 0x80000000u);
  EXPECT_EQ(i32_trunc_sat_f64_s(-2147483649.0), 0x80000000u);
  EXPECT_EQ(i32_trunc_sat_f64_s(2147483647.9), 0x7FFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f64_s(1e100), 0x7FFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f64_u(4294967295.9), 0xFFFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f64_u(4294967296.0), 0xFFFFFFFFu);
  EXPECT_EQ(i32_trunc_sat_f64_u(kNan), 0u);

  EXPECT_EQ(i64_trunc_sat_f32_s(kInfF), 0x7FFFFFFFFFFFFFFFull);
  EXPECT_EQ(i64_trunc_sat_f32_s(-kInfF), 0x8000000000000000ull);
  EXPECT_EQ(i64_trunc_sat_f32_s(-0x1p63f), 0x8000000000000000ull);
  EXPECT_EQ(i64_trunc_sat_f32_u(0x1p64f), ~0ull);
  EXPECT_EQ(i64_trunc_sat_f32_u(18446742974197923840.0f), 18446742974197923840ull);
  EXPECT_EQ(i64_trunc_sat_f64_s(9223372036854774784.0), 9223372036854774784ull);
  EXPECT_EQ(i64_trunc_sat_f64_s(0x1p63), 0x7FFFFFFFFFFFFFFFull);
  EXPECT_EQ(i64_trunc_sat_f64_s(kNan), 0u);
  EXPECT_EQ(i64_trunc_sat_f64_u(18446744073709549568.0), 18446744073709549568ull);
  EXPECT_EQ(i64_trunc_sat_f64_u(0x1p64), ~0ull);
  EXPECT_EQ(i64_trunc_sat_f64_u(-kInf), 0u);
}

TEST(ScalarConvert, U64ToF32RoundsOnce) {
  // Through f64 this would round twice and give 2^63.
  EXPECT_EQ(f32_convert_i64_u(0x8000008000000001ull), 9223373136366403584.0f);
  EXPECT_EQ(f32_convert_i64_u(0x8000008000000000ull), 0x1p63f);  // tie to even
  EXPECT_EQ(f32_convert_i64_u(0x8000018000000000ull), 9223374235878031360.0f);  // tie up
  EXPECT_EQ(f32_convert_i64_u(0xFFFFFE8000000001ull), 18446742974197923840.0f);  // rounds up
  EXPECT_EQ(f32_convert_i64_u(0xFFFFFFFFFFFFFFFFull), 0x1p64f);
  EXPECT_EQ(f32_convert_i64_u(0x0020000020000001ull), 9007200328482816.0f);
  EXPECT_EQ(f32_convert_i64_u(0), 0.0f);
  // Signed: 9007199791611905 = 2^53 + 2^29 + 1 rounds up; via f64 it would tie to even.
  EXPECT_EQ(f32_convert_i64_s(9007199791611905ull), 9007200328482816.0f);
  EXPECT_EQ(f32_convert_i64_s(static_cast<uint64_t>(-9007199791611905ll)), -9007200328482816.0f);
  EXPECT_EQ(f32_convert_i64_s(0x8000000000000000ull), -0x1p63f);
}

TEST(ScalarConvert, U64ToF64RoundsOnce) {
  EXPECT_EQ(f64_convert_i64_u(0x8000000000000401ull), 9223372036854777856.0);
  EXPECT_EQ(f64_convert_i64_u(0x8000000000000400ull), 0x1p63);  // tie to even
  EXPECT_EQ(f64_convert_i64_u(0xFFFFFFFFFFFFFBFFull), 18446744073709549568.0);
  EXPECT_EQ(f64_convert_i64_u(~0ull), 0x1p64);
  EXPECT_EQ(f64_convert_i64_s(0x8000000000000000ull), -0x1p63);
  EXPECT_EQ(f64_convert_i64_s(9007199254740993ull), 9007199254740992.0);
}

// x87 long double holds every u64 exactly, so converting from it rounds once: a reference.
TEST(ScalarConvert, U64ConversionsMatchExactReferenceOnRandomValues) {
  static_assert(std::numeric_limits<long double>::digits >= 64);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    uint64_t x = rng();
    // Also values with few significant bits near the rounding points.
    if (i % 2) x = (x & 0xFFFFFF8000000000ull) | (rng() & 3) | ((i % 4) == 1 ? 0x8000000000ull : 0);
    long double exact = static_cast<long double>(x);
    ASSERT_EQ(f32_convert_i64_u(x), static_cast<float>(exact)) << std::hex << x;
    ASSERT_EQ(f64_convert_i64_u(x), static_cast<double>(exact)) << std::hex << x;
    ASSERT_EQ(f32_convert_i64_s(x), static_cast<float>(static_cast<long double>(static_cast<int64_t>(x))))
        << std::hex << x;
  }
}

TEST(ScalarConvert, U32ToFloat) {
  EXPECT_EQ(f32_convert_i32_u(0xFFFFFFFFu), 0x1p32f);
  EXPECT_EQ(f32_convert_i32_u(0x80000080u), 0x1p31f);        // tie to even
  EXPECT_EQ(f32_convert_i32_u(0x80000081u), 2147483904.0f);  // above the tie
  EXPECT_EQ(f32_convert_i32_u(0x80000180u), 2147484160.0f);  // tie up to even
  EXPECT_EQ(f32_convert_i32_s(0x80000000u), -0x1p31f);
  EXPECT_EQ(f32_convert_i32_s(16777217u), 16777216.0f);
  EXPECT_EQ(f64_convert_i32_u(0xFFFFFFFFu), 4294967295.0);
  EXPECT_EQ(f64_convert_i32_s(0xFFFFFFFFu), -1.0);
}

TEST(ScalarConvert, DemotePromote) {
  EXPECT_EQ(f32_demote_f64(0x1.000001p0), 1.0f);                      // tie to even
  EXPECT_EQ(f32_demote_f64(0x1.0000010000001p0), 0x1.000002p0f);      // above the tie
  EXPECT_EQ(f32_demote_f64(0x1.fffffefffffffp127), 0x1.fffffep127f);  // just below overflow
  EXPECT_EQ(f32_demote_f64(0x1.ffffffp127), kInfF);
  EXPECT_EQ(f32_demote_f64(std::numeric_limits<double>::max()), kInfF);
  EXPECT_EQ(bits(f32_demote_f64(-0x1p-1000)), bits(-0.0f));
  EXPECT_EQ(f32_demote_f64(0x1p-149), 0x1p-149f);
  EXPECT_TRUE(test::is_canonical_nan(f32_demote_f64(kNan)));
  EXPECT_TRUE(test::is_canonical_nan(f32_demote_f64(-kNan)));
  EXPECT_TRUE(test::is_arithmetic_nan(f32_demote_f64(f64b(test::kF64SignalingNan))));
  EXPECT_EQ(f64_promote_f32(0x1p-149f), 0x1p-149);
  EXPECT_EQ(f64_promote_f32(0x1.fffffep127f), 0x1.fffffep127);
  EXPECT_TRUE(test::is_canonical_nan(f64_promote_f32(kNanF)));
  EXPECT_TRUE(test::is_arithmetic_nan(f64_promote_f32(f32b(test::kF32SignalingNan))));
}

TEST(ScalarConvert, ReinterpretKeepsEveryBit) {
  EXPECT_EQ(i32_reinterpret_f32(f32b(test::kF32SignalingNan | 5)), test::kF32SignalingNan | 5);
  EXPECT_EQ(bits(f32_reinterpret_i32(0xFFA00001u)), 0xFFA00001u);
  EXPECT_EQ(i64_reinterpret_f64(-0.0), 0x8000000000000000ull);
  EXPECT_EQ(bits(f64_reinterpret_i64(test::kF64SignalingNan | 3)), test::kF64SignalingNan | 3);
}

}  // namespace
}  // namespace ironclad::interp
