// The interpreter's SIMD fixture (tests/interp/fixtures/interp_simd.wat) under the JIT with
// the interpreter test's expected values: v128 locals, params and results crossing the API,
// shuffles, lane and splat loads, lane stores, bitselect, select and a bounds-checked load.
// Run with SSE2 only and with this host's native set.
#include <gtest/gtest.h>

#include "../jit/jit_harness.h"  // the JIT tests' fixture loading and JitConfig
#include "cpu/host.h"
#include "cpu/policy.h"

namespace ironclad::jit::testing {
namespace {

class InterpSimdFixtureUnderJit : public ::testing::TestWithParam<bool> {
 protected:
  static JitConfig config(bool native) {
    if (!native) return test_config();
    const cpu::FeatureSet& verified = cpu::host_cpu().verified;
    JitConfig c = test_config(cpu::resolve_policy(cpu::Policy::Native, verified).features);
    c.host_verified = verified;
    return c;
  }
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_simd", config(GetParam())};
};

TEST_P(InterpSimdFixtureUnderJit, LaneArithmeticThroughAV128Local) {
  EXPECT_EQ(h.i32("add_lanes", {I32(3), I32(4)}), 14u);
}

TEST_P(InterpSimdFixtureUnderJit, ShuffleReversesBytes) {
  EXPECT_EQ(h.i64("shuffle"), 0x08090A0B0C0D0E0Full);
}

TEST_P(InterpSimdFixtureUnderJit, LaneAndSplatLoadsAndLaneStores) {
  EXPECT_EQ(h.i32("load_lane"), 9u);
  EXPECT_EQ(h.i32("store_lane"), 0x0B0A0908u);
  EXPECT_EQ(h.i32("splat_load"), 0x03020302u);
}

TEST_P(InterpSimdFixtureUnderJit, BitselectTakesBitsFromEitherOperand) {
  EXPECT_EQ(h.i64("bitselect"), 0xFF34ull);  // low byte from a (0x34), the rest from b
}

TEST_P(InterpSimdFixtureUnderJit, V128ResultsAndParamsCrossTheApi) {
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

TEST_P(InterpSimdFixtureUnderJit, VectorReadModifyWrite) {
  EXPECT_EQ(h.i32("vector_accumulate", {I32(5)}), 3u + 5u * 3u);
}

TEST_P(InterpSimdFixtureUnderJit, V128LoadIsBoundsChecked) {
  EXPECT_EQ(h.trap("oob_v128"), TrapKind::OutOfBoundsMemoryAccess);
}

INSTANTIATE_TEST_SUITE_P(Features, InterpSimdFixtureUnderJit, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "native" : "sse2_only"; });

}  // namespace
}  // namespace ironclad::jit::testing
