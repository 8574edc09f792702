// Backtraces under the JIT (the interpreter's backtrace offsets are in
// tests/interp/interp_only_test.cpp): frame names from the name section, innermost first.
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

// Without optimization no function is inlined, so every wasm frame is a machine frame and
// the frame-pointer walk finds each, innermost first, with its name-section name.
TEST(JitBacktrace, ListsUninlinedFramesInnermostFirstWithNames) {
  JitConfig config = test_config();
  config.opt_level = 0;
  Harness h("interp_traps", config);
  h.instantiate();
  auto r = h.call("nested_trap");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::Unreachable);
  const auto& bt = r.error().backtrace;
  // Exactly the three wasm frames: the host-to-wasm entry wrapper is not a frame of its own.
  ASSERT_EQ(bt.size(), 3u);
  EXPECT_EQ(bt[0].function_index, 0u);
  EXPECT_EQ(bt[0].function_name, "inner");
  EXPECT_EQ(bt[1].function_name, "middle");
  EXPECT_EQ(bt[2].function_name, "outer");
}

TEST(JitBacktrace, OptimizedCodeStillNamesTheTrappingFunction) {
  Harness h("interp_traps");
  h.instantiate();
  auto r = h.call("div_zero", {I32(0)});
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.error().backtrace.empty());
}

}  // namespace
}  // namespace ironclad::jit::testing
