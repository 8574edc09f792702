// jit_tests runs the shared behaviour tests (tests/interp/*_test.cpp, listed in
// CMakeLists.txt) under the JIT, with the JIT-only tests' configuration: SSE2 only, what
// every x86-64 CPU runs, verified as such.
#include "jit_harness.h"

namespace ironclad::testing {

std::unique_ptr<runtime::Tier> make_tier_under_test() {
  return jit::make_jit_tier(jit::testing::test_config());
}

namespace {

TEST(TierUnderTest, IsTheJit) {
  Harness h("interp_control");
  EXPECT_STREQ(h.store.tier().name(), "jit");
}

}  // namespace
}  // namespace ironclad::testing
