// A sample of every scalar numeric family under every tier (interp_tests and jit_tests),
// including the immediate-operand and constant-first forms the interpreter's lowering produces.
#include <bit>

#include "test_support.h"

namespace ironclad::testing {
namespace {

class NumericTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_numeric"};
};

TEST_F(NumericTest, IntegerArithmeticAndBitOperations) {
  // (7*9 + (7<<3)) ^ rotl(popcnt(9), clz(7)) = (63 + 56) ^ rotl(2, 29) = 119 ^ 0x40000000
  EXPECT_EQ(h.i32("i32_ops", {I32(7), I32(9)}), 119u ^ 0x40000000u);
  // 100/7 - (100 >> 60) = 14
  EXPECT_EQ(h.i64("i64_ops", {I64(100), I64(7)}), 14u);
  EXPECT_EQ(h.i64("i64_ops", {I64(~0ull), I64(1)}), ~0ull + 1);  // -1 >> 60 is -1
  EXPECT_EQ(h.i32("const_first_sub", {I32(1)}), 99u);
  EXPECT_EQ(h.i32("const_first_add", {I32(1)}), 101u);
  EXPECT_EQ(h.i32("rem_s_min"), 0u);
}

TEST_F(NumericTest, SignedAndUnsignedComparisons) {
  EXPECT_EQ(h.i32("cmp_chain", {I64(~0ull), I64(1)}), 1u);  // -1 < 1 signed only
  EXPECT_EQ(h.i32("cmp_chain", {I64(0), I64(1)}), 3u);
  EXPECT_EQ(h.i32("cmp_chain", {I64(2), I64(1)}), 0u);
}

TEST_F(NumericTest, FloatRoundingMinAndSqrt) {
  auto r = h.call("f64_ops", {F64(2.5), F64(10.0)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].f64, 2.0 + 4.0);  // nearest(2.5) = 2 (ties to even)
  auto f = h.call("f32_floor", {F32(-0.5f)});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)[0].f32, -1.0f);
}

TEST_F(NumericTest, ConversionsSaturateRoundAndReinterpret) {
  EXPECT_EQ(h.i32("trunc_sat", {F64(1e300)}), 0x7FFFFFFFu);
  EXPECT_EQ(h.i32("trunc_sat", {F64(-1e300)}), 0x80000000u);
  auto c = h.call("convert_u64", {I64(~0ull)});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)[0].f32, 18446744073709551616.0f);
  EXPECT_EQ(h.i32("reinterpret", {F32(1.0f)}), 0x3F800000u);
  EXPECT_EQ(h.i64("extend8", {I32(0x80)}), 0xFFFFFFFFFFFFFF80ull);
}

}  // namespace
}  // namespace ironclad::testing
