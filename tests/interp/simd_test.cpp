// SIMD behaviour on the interp_simd fixture: v128 values in locals, params and results
// (crossing the API), lane operations, shuffles, lane and splat loads, lane stores,
// bitselect, select and bounds. A shared behaviour test (test_support.h): interp_tests runs
// it under the interpreter, jit_tests under the JIT with SSE2 only, and jit_simd_tests
// under the JIT with this host's native feature set (tests/jit_simd/tier_under_test.cpp),
// so vector code generated with and without AVX is held to the same expectations.
#include "test_support.h"

namespace ironclad::testing {
namespace {

class SimdTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_simd"};
};

TEST_F(SimdTest, LaneArithmeticThroughAV128Local) {
  EXPECT_EQ(h.i32("add_lanes", {I32(3), I32(4)}), 14u);
}

TEST_F(SimdTest, ShuffleReversesBytes) {
  EXPECT_EQ(h.i64("shuffle"), 0x08090A0B0C0D0E0Full);
}

TEST_F(SimdTest, LaneAndSplatLoadsAndLaneStores) {
  EXPECT_EQ(h.i32("load_lane"), 9u);
  EXPECT_EQ(h.i32("store_lane"), 0x0B0A0908u);
  EXPECT_EQ(h.i32("splat_load"), 0x03020302u);
}

TEST_F(SimdTest, BitselectTakesBitsFromEitherOperand) {
  // mask 0xFF: low byte from a (0x34), the rest from b (0xFF00)
  EXPECT_EQ(h.i64("bitselect"), 0xFF34ull);
}

TEST_F(SimdTest, V128ResultsAndParamsCrossTheApi) {
  auto r = h.call("select_v128", {I32(0)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].v128.lane<uint32_t>(0), 5u);
  EXPECT_EQ((*r)[0].v128.lane<uint32_t>(3), 8u);
  V128 ones;
  for (int i = 0; i < 4; ++i) ones.set_lane<uint32_t>(i, 1);
  EXPECT_EQ(h.i32("all_true", {Value::from_v128(ones)}), 1u);
  ones.set_lane<uint32_t>(2, 0);
  EXPECT_EQ(h.i32("all_true", {Value::from_v128(ones)}), 0u);
}

// v[i] += x * v[i]: the interpreter lowers it to its fused operator-with-load and
// read-modify-write instructions, the JIT to plain vector loads, arithmetic and a store.
TEST_F(SimdTest, VectorReadModifyWrite) {
  EXPECT_EQ(h.i32("vector_accumulate", {I32(5)}), 3u + 5u * 3u);
}

TEST_F(SimdTest, V128LoadIsBoundsChecked) {
  EXPECT_EQ(h.trap("oob_v128"), TrapKind::OutOfBoundsMemoryAccess);
}

}  // namespace
}  // namespace ironclad::testing
