// Every trap kind, with the spec's message, and wasm backtraces (innermost first, names
// from the name section, module offsets of the trapping instruction and of each call).
#include <limits>

#include "test_support.h"

namespace ironclad::interp::testing {
namespace {

class TrapTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_traps"};
};

TEST_F(TrapTest, EveryTrapKindIsReported) {
  EXPECT_EQ(h.trap("unreachable"), TrapKind::Unreachable);
  EXPECT_EQ(h.trap("div_zero", {I32(0)}), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(h.trap("rem_zero", {I64(0)}), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(h.trap("overflow", {I32(0x80000000)}), TrapKind::IntegerOverflow);
  EXPECT_EQ(h.trap("bad_convert", {F32(std::numeric_limits<float>::quiet_NaN())}),
            TrapKind::InvalidConversionToInteger);
  EXPECT_EQ(h.trap("bad_convert", {F32(3e9f)}), TrapKind::IntegerOverflow);
  EXPECT_EQ(h.trap("convert_overflow", {F64(-1.0)}), TrapKind::IntegerOverflow);
  EXPECT_EQ(h.trap("oob_load", {I32(65532)}), TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(h.trap("oob_store", {I32(65529)}), TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(h.trap("oob_fill"), TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(h.trap("oob_table", {I32(3)}), TrapKind::OutOfBoundsTableAccess);
  EXPECT_EQ(h.trap("undefined_element", {I32(3)}), TrapKind::UndefinedElement);
  EXPECT_EQ(h.trap("undefined_element", {I32(2)}), TrapKind::UninitializedElement);
  EXPECT_EQ(h.trap("type_mismatch"), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(h.trap("recurse", {I32(0)}), TrapKind::CallStackExhausted);
}

TEST_F(TrapTest, NonTrappingNeighboursSucceed) {
  EXPECT_EQ(h.i32("div_zero", {I32(1)}), 1u);
  EXPECT_EQ(h.i32("overflow", {I32(6)}), 0xFFFFFFFAu);
  EXPECT_EQ(h.i32("oob_load", {I32(65528)}), 0u);  // the last 4 bytes
  EXPECT_EQ(h.i32("undefined_element", {I32(0)}), 5u);
}

TEST_F(TrapTest, TrapMessageIsTheSpecText) {
  auto r = h.call("div_zero", {I32(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "integer divide by zero");
}

TEST_F(TrapTest, BacktraceListsFramesInnermostFirstWithNamesAndOffsets) {
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

TEST_F(TrapTest, StoreStaysUsableAfterATrap) {
  EXPECT_EQ(h.trap("recurse", {I32(0)}), TrapKind::CallStackExhausted);
  EXPECT_EQ(h.i32("count_to", {I32(10)}), 10u);
  EXPECT_EQ(h.trap("unreachable"), TrapKind::Unreachable);
  EXPECT_EQ(h.i32("count_to", {I32(3)}), 3u);
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
}  // namespace ironclad::interp::testing
