// Control flow under every tier (interp_tests and jit_tests): blocks, loops, branches
// (fused and plain in the interpreter), br_table, multi-value, select, calls and recursion.
#include "test_support.h"

namespace ironclad::testing {
namespace {

class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_control"};
};

TEST_F(ControlTest, RecursionComputesFactorialAndFibonacci) {
  EXPECT_EQ(h.i64("fac", {I64(20)}), 2432902008176640000ull);
  EXPECT_EQ(h.i32("fib", {I32(20)}), 6765u);
}

TEST_F(ControlTest, LoopWithBackEdgeSums) {
  EXPECT_EQ(h.i32("sum_loop", {I32(100)}), 5050u);
  EXPECT_EQ(h.i32("sum_loop", {I32(0)}), 0u);
}

TEST_F(ControlTest, BrTablePicksEveryTargetAndClampsToDefault) {
  EXPECT_EQ(h.i32("switch", {I32(0)}), 10u);
  EXPECT_EQ(h.i32("switch", {I32(1)}), 20u);
  EXPECT_EQ(h.i32("switch", {I32(2)}), 30u);
  EXPECT_EQ(h.i32("switch", {I32(3)}), 40u);
  EXPECT_EQ(h.i32("switch", {I32(0xFFFFFFFF)}), 40u);
  EXPECT_EQ(h.i32("switch_value", {I32(0)}), 107u);
  EXPECT_EQ(h.i32("switch_value", {I32(1)}), 7u);
  EXPECT_EQ(h.i32("switch_value", {I32(9)}), 7u);
}

TEST_F(ControlTest, MultiValueResultsAndBlockParams) {
  auto r = h.call("divmod", {I32(17), I32(5)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].i32, 3u);
  EXPECT_EQ((*r)[1].i32, 2u);
  EXPECT_EQ(h.i32("multi_block", {I32(17), I32(5)}), 1u);
  auto s = h.call("swap", {I32(1), I32(2)});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)[0].i32, 2u);
  EXPECT_EQ((*s)[1].i32, 1u);
  EXPECT_EQ(h.i32("loop_params", {I32(10)}), 55u);
}

TEST_F(ControlTest, LocalReadBeforeOverwriteKeepsOldValue) {
  EXPECT_EQ(h.i32("get_then_set", {I32(12)}), 7u);
  EXPECT_EQ(h.i32("tee", {I32(4)}), 24u);
  EXPECT_EQ(h.i32("post_increment", {I32(5)}), 506u);
}

TEST_F(ControlTest, SelectPicksByCondition) {
  EXPECT_EQ(h.i32("select", {I32(1), I32(2), I32(1)}), 1u);
  EXPECT_EQ(h.i32("select", {I32(1), I32(2), I32(0)}), 2u);
  auto r = h.call("select_f64", {F64(1.5), F64(2.5), I32(0)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].f64, 2.5);
}

TEST_F(ControlTest, BranchesAndEarlyReturns) {
  EXPECT_EQ(h.i32("early_return", {I32(1)}), 11u);
  EXPECT_EQ(h.i32("early_return", {I32(0)}), 22u);
  EXPECT_EQ(h.i32("nested", {I32(50)}), 1u);
  EXPECT_EQ(h.i32("nested", {I32(5)}), 2u);
  EXPECT_EQ(h.i32("classify", {I32(1), I32(2)}), 0xFFFFFFFFu);
  EXPECT_EQ(h.i32("classify", {I32(42), I32(0)}), 42u);
  EXPECT_EQ(h.i32("classify", {I32(7), I32(0)}), 1u);
  EXPECT_EQ(h.i32("classify", {I32(5000), I32(0)}), 2u);
  EXPECT_EQ(h.i32("f64_branch", {F64(-1.0)}), 1u);
  EXPECT_EQ(h.i32("f64_branch", {F64(std::numeric_limits<double>::quiet_NaN())}), 0u);
}

TEST_F(ControlTest, DeepRecursionBelowTheLimitWorks) {
  EXPECT_EQ(h.i32("deep", {I32(9000)}), 9000u);
}

}  // namespace
}  // namespace ironclad::testing
