// Every trap kind under every tier (interp_tests and jit_tests), with the spec's message,
// and the store staying usable after a trap. (The interpreter's backtrace offsets, fuel and
// wasm-frame depth limit are in interp_only_test.cpp; the JIT's backtraces in
// tests/jit/backtrace_test.cpp.)
#include <limits>

#include "test_support.h"

namespace ironclad::testing {
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

// One call-depth limit for every tier (StoreLimits::max_call_depth, in wasm frames): the JIT
// once recursed 100,000 deep where the interpreter trapped past 10,000.
TEST(CallDepth, TheLimitIsTheSameWasmFrameCountInEveryTier) {
  runtime::StoreLimits limits;
  limits.max_call_depth = 100;
  Harness h("interp_traps", limits);
  h.instantiate();
  EXPECT_EQ(h.i32("descend", {I32(99)}), 99u);  // 100 frames
  EXPECT_EQ(h.trap("descend", {I32(100)}), TrapKind::CallStackExhausted);
  // A trap gives every frame back: the next call has the whole depth again.
  EXPECT_EQ(h.i32("descend", {I32(99)}), 99u);
}

TEST(CallDepth, TheDefaultLimitHoldsInEveryTier) {
  Harness h("interp_traps");
  h.instantiate();
  const uint32_t limit = runtime::StoreLimits{}.max_call_depth;
  EXPECT_EQ(h.i32("descend", {I32(limit - 1)}), limit - 1);
  EXPECT_EQ(h.trap("descend", {I32(limit)}), TrapKind::CallStackExhausted);
  EXPECT_EQ(h.trap("descend", {I32(100'000)}), TrapKind::CallStackExhausted);
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

TEST_F(TrapTest, StoreStaysUsableAfterATrap) {
  EXPECT_EQ(h.trap("recurse", {I32(0)}), TrapKind::CallStackExhausted);
  EXPECT_EQ(h.i32("count_to", {I32(10)}), 10u);
  EXPECT_EQ(h.trap("unreachable"), TrapKind::Unreachable);
  EXPECT_EQ(h.i32("count_to", {I32(3)}), 3u);
}

}  // namespace
}  // namespace ironclad::testing
