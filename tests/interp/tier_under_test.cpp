// interp_tests runs the shared behaviour tests under the interpreter.
#include "interp/interpreter.h"
#include "test_support.h"

namespace ironclad::testing {

std::unique_ptr<runtime::Tier> make_tier_under_test() { return interp::make_interpreter(); }

namespace {

TEST(TierUnderTest, IsTheInterpreter) {
  Harness h("interp_control");
  EXPECT_STREQ(h.store.tier().name(), "interp");
}

}  // namespace
}  // namespace ironclad::testing
