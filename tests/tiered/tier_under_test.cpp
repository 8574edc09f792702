// tiered_tests runs the shared behaviour tests (tests/interp/*_test.cpp, listed in
// CMakeLists.txt) under the tiered tier compiling each function at its first call, with the
// JIT tests' configuration (SSE2 only, what every x86-64 CPU runs): every first call runs in
// the interpreter and every later one in machine code, and calls between the two cross tiers.
#include "tiered_harness.h"

namespace ironclad::testing {

std::unique_ptr<runtime::Tier> make_tier_under_test() {
  return tiered::make_tiered_tier(tiered::testing::sync_config());
}

namespace {

TEST(TierUnderTest, IsTheTieredTier) {
  Harness h("interp_control");
  EXPECT_STREQ(h.store.tier().name(), "tiered");
}

}  // namespace
}  // namespace ironclad::testing
