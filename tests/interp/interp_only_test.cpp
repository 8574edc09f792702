// Interpreter-only behaviour, in interp_tests alone (jit_tests compiles the shared behaviour
// tests of this directory, not this file): lazy lowering, wasm code offsets in backtraces
// (of the trapping instruction, of each call, and of a load a fused instruction absorbed),
// the call-depth limit counted in wasm frames, and fuel.
#include "test_support.h"

namespace ironclad::testing {
namespace {

TEST(LazyLowering, OnlyCalledFunctionsAreLowered) {
  Harness h("interp_control");
  h.instantiate();
  auto fib = h.instance->get_export("fib");
  auto fac = h.instance->get_export("fac");
  ASSERT_TRUE(fib.ok() && fac.ok());
  EXPECT_EQ(fib->func->tier_code, nullptr);
  EXPECT_EQ(h.i32("fib", {I32(5)}), 5u);
  EXPECT_NE(fib->func->tier_code, nullptr);
  EXPECT_EQ(fac->func->tier_code, nullptr);  // never called: never lowered
}

TEST(InterpBacktrace, ListsFramesInnermostFirstWithNamesAndOffsets) {
  Harness h("interp_traps");
  h.instantiate();
  auto r = h.call("nested_trap");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::Unreachable);
  const auto& bt = r.error().backtrace;
  ASSERT_EQ(bt.size(), 3u);
  EXPECT_EQ(bt[0].function_index, 0u);
  EXPECT_EQ(bt[0].function_name, "inner");
  EXPECT_EQ(bt[1].function_name, "middle");
  EXPECT_EQ(bt[2].function_name, "outer");
  // Offsets: the unreachable opcode is the first byte of $inner's code; in $middle the
  // call follows a one-byte nop; in $outer the call is the first instruction.
  const wasm::Module& m = *h.module;
  EXPECT_EQ(bt[0].code_offset, m.body(0).code_offset);
  EXPECT_EQ(bt[1].code_offset, m.body(1).code_offset + 1);
  EXPECT_EQ(bt[2].code_offset, m.body(2).code_offset);
  EXPECT_EQ(m.bytes[bt[0].code_offset], 0x00);  // unreachable
  EXPECT_EQ(m.bytes[bt[1].code_offset], 0x10);  // call
}

TEST(InterpBacktrace, TrapInAFusedInstructionIsReportedAtTheLoad) {
  Harness h("interp_memory");
  h.instantiate();
  auto t = h.call("add_loaded", {I32(65534), I32(1)});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().trap, TrapKind::OutOfBoundsMemoryAccess);
  ASSERT_FALSE(t.error().backtrace.empty());
  // The trap is reported at the load, which the fused instruction absorbed.
  EXPECT_EQ(h.module->bytes[t.error().backtrace[0].code_offset], 0x28);  // i32.load
}

TEST(InterpLimits, RecursionLimitFollowsStoreLimits) {
  runtime::StoreLimits limits;
  limits.max_call_depth = 100;
  Harness h("interp_traps", limits);
  h.instantiate();
  auto r = h.call("recurse", {I32(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::CallStackExhausted);
  // Every frame is in the backtrace: the limit counts wasm frames.
  EXPECT_EQ(r.error().backtrace.size(), 100u);
}

TEST(InterpLimits, FuelStopsAnEndlessLoop) {
  runtime::StoreLimits limits;
  limits.fuel = 10000;
  Harness h("interp_traps", limits);
  h.instantiate();
  auto r = h.call("spin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted);
  EXPECT_EQ(r.error().message, "fuel exhausted");
  // Each call gets the whole budget again; a short loop fits, a long one does not.
  EXPECT_EQ(h.i32("count_to", {I32(1000)}), 1000u);
  auto long_run = h.call("count_to", {I32(100000)});
  ASSERT_FALSE(long_run.ok());
  EXPECT_EQ(long_run.error().kind, ErrorKind::Exhausted);
}

TEST(InterpLimits, FuelCountsCallsSoRecursionAlsoRunsOut) {
  runtime::StoreLimits limits;
  limits.fuel = 50;
  Harness h("interp_traps", limits);
  h.instantiate();
  auto r = h.call("recurse", {I32(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted);
}

}  // namespace
}  // namespace ironclad::testing
