// jit_simd_tests runs the shared SIMD behaviour test (tests/interp/simd_test.cpp, added in
// CMakeLists.txt) under the JIT with this host's native feature set: jit_tests already runs
// it with SSE2 only, so the two together cover vector code with and without AVX.
#include "../jit/jit_harness.h"
#include "cpu/host.h"
#include "cpu/policy.h"

namespace ironclad::testing {

namespace {

jit::JitConfig native_config() {
  const cpu::FeatureSet& verified = cpu::host_cpu().verified;
  jit::JitConfig c =
      jit::testing::test_config(cpu::resolve_policy(cpu::Policy::Native, verified).features);
  c.host_verified = verified;
  return c;
}

}  // namespace

std::unique_ptr<runtime::Tier> make_tier_under_test() {
  return jit::make_jit_tier(native_config());
}

namespace {

TEST(TierUnderTest, IsTheJit) {
  Harness h("interp_simd");
  EXPECT_STREQ(h.store.tier().name(), "jit");
}

}  // namespace
}  // namespace ironclad::testing
