// Out-of-bounds accesses under the JIT trap with OutOfBoundsMemoryAccess and a backtrace
// naming the accessing function, with explicit checks and with implicit ones (the access
// faults in the memory's guard region and the signal handler makes that the trap): at the
// last byte, straddling the end, with the largest offset, after memory.grow; stores that
// straddle the end write nothing.
#include <gtest/gtest.h>

#include <string>

#include "../jit/jit_harness.h"

namespace ironclad::jit::testing {
namespace {

using runtime::kPageSize;

constexpr uint32_t kEnd = kPageSize;  // the fixture's memory starts with one page

JitConfig config_for(BoundsChecks mode) {
  JitConfig c = test_config();
  c.bounds_checks = mode;
  return c;
}

class Bounds : public ::testing::TestWithParam<BoundsChecks> {
 protected:
  Bounds() : h("jit_bounds", config_for(GetParam())) { h.instantiate(); }

  // The mode the code must have been compiled with: Auto is implicit on a host where the
  // guarded reservation succeeds (this test's memory shows whether it did).
  BoundsChecks expected_mode() const {
    if (GetParam() == BoundsChecks::Explicit) return BoundsChecks::Explicit;
    return h.instance->memories[0]->has_guard_region() ? BoundsChecks::Implicit
                                                       : BoundsChecks::Explicit;
  }

  // A call that must trap out of bounds, with `function` innermost in its backtrace.
  void expect_oob(const std::string& function, std::vector<Value> args) {
    auto r = h.call(function, std::move(args));
    ASSERT_FALSE(r.ok()) << function << " did not trap";
    EXPECT_EQ(r.error().kind, ErrorKind::Trap) << r.error().describe();
    EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsMemoryAccess) << r.error().describe();
    ASSERT_FALSE(r.error().backtrace.empty()) << function << ": no backtrace";
    EXPECT_EQ(r.error().backtrace[0].function_name, function);
  }

  Harness h;
};

TEST_P(Bounds, CodeIsCompiledWithTheExpectedChecks) {
  EXPECT_EQ(bounds_checks_of(h.store, *h.instance), expected_mode());
}

TEST_P(Bounds, LoadsAtTheLastByteSucceedAndOnePastTraps) {
  EXPECT_EQ(h.i32("load8", {I32(kEnd - 1)}), 0u);
  EXPECT_EQ(h.i32("load32", {I32(kEnd - 4)}), 0u);
  EXPECT_EQ(h.i64("load64", {I32(kEnd - 8)}), 0u);
  expect_oob("load8", {I32(kEnd)});
  expect_oob("load32", {I32(kEnd)});
  expect_oob("load8", {I32(0xFFFFFFFF)});
}

TEST_P(Bounds, LoadsStraddlingTheEndTrap) {
  expect_oob("load32", {I32(kEnd - 3)});
  expect_oob("load64", {I32(kEnd - 1)});
  expect_oob("v128_load", {I32(kEnd - 15)});
  expect_oob("v128_load_extend", {I32(kEnd - 7)});
  expect_oob("v128_load_splat", {I32(kEnd - 2)});
  expect_oob("v128_load_lane", {I32(kEnd - 4)});
}

TEST_P(Bounds, AnUnusedLoadStillTraps) {
  auto ok = h.call("dropped_load", {I32(kEnd - 4)});
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
  expect_oob("dropped_load", {I32(kEnd - 2)});
}

TEST_P(Bounds, TheLargestOffsetTrapsFromAnyAddress) {
  // 2^32-1 + 2^32-1 (+ 15 for v128): the farthest an access can reach, still a trap.
  expect_oob("load_max_offset", {I32(0)});
  expect_oob("load_max_offset", {I32(0xFFFFFFFF)});
  expect_oob("v128_load_max_offset", {I32(0)});
  expect_oob("v128_load_max_offset", {I32(0xFFFFFFFF)});
}

TEST_P(Bounds, StoresStraddlingTheEndTrapAndWriteNothing) {
  uint8_t* bytes = h.instance->memories[0]->base;
  expect_oob("store32", {I32(kEnd - 2), I32(0x01020304)});
  expect_oob("store64", {I32(kEnd - 4), I64(0x0102030405060708)});
  expect_oob("v128_store", {I32(kEnd - 8), I32(0x0A0B0C0D)});
  expect_oob("v128_store_lane", {I32(kEnd - 3), I32(0x0A0B0C0D)});
  for (uint32_t i = kEnd - 16; i < kEnd; ++i) EXPECT_EQ(bytes[i], 0) << "byte " << i;
  // In bounds, the same stores land.
  ASSERT_TRUE(h.call("store32", {I32(kEnd - 4), I32(0x01020304)}).ok());
  EXPECT_EQ(h.i32("load32", {I32(kEnd - 4)}), 0x01020304u);
}

TEST_P(Bounds, GrownPagesBecomeAccessibleAndTheNextOnesTrap) {
  expect_oob("store32", {I32(kEnd), I32(7)});
  EXPECT_EQ(h.i32("grow", {I32(1)}), 1u);
  ASSERT_TRUE(h.call("store32", {I32(2 * kEnd - 4), I32(7)}).ok());
  EXPECT_EQ(h.i32("load32", {I32(2 * kEnd - 4)}), 7u);
  EXPECT_EQ(h.i32("v128_load", {I32(2 * kEnd - 16)}), 7u);
  expect_oob("load32", {I32(2 * kEnd - 2)});
  expect_oob("v128_load", {I32(2 * kEnd - 8)});
  // Growth past the declared maximum (3 pages) fails and leaves the end where it was.
  EXPECT_EQ(h.i32("grow", {I32(2)}), 0xFFFFFFFFu);
  expect_oob("load8", {I32(2 * kEnd)});
}

TEST_P(Bounds, BulkMemoryKeepsItsExplicitChecks) {
  uint8_t* bytes = h.instance->memories[0]->base;
  expect_oob("fill", {I32(kEnd - 4), I32(0xAB), I32(5)});
  // memory.fill checks the whole range before writing: nothing was written.
  for (uint32_t i = kEnd - 4; i < kEnd; ++i) EXPECT_EQ(bytes[i], 0) << "byte " << i;
  ASSERT_TRUE(h.call("fill", {I32(kEnd - 4), I32(0xAB), I32(4)}).ok());
  EXPECT_EQ(bytes[kEnd - 1], 0xAB);
}

TEST_P(Bounds, AfterATrapTheInstanceKeepsWorking) {
  expect_oob("load32", {I32(kEnd)});
  ASSERT_TRUE(h.call("store32", {I32(16), I32(99)}).ok());
  EXPECT_EQ(h.i32("load32", {I32(16)}), 99u);
}

INSTANTIATE_TEST_SUITE_P(Jit, Bounds,
                         ::testing::Values(BoundsChecks::Explicit, BoundsChecks::Auto,
                                           BoundsChecks::Implicit),
                         [](const ::testing::TestParamInfo<BoundsChecks>& info) {
                           switch (info.param) {
                             case BoundsChecks::Explicit:
                               return std::string("Explicit");
                             case BoundsChecks::Implicit:
                               return std::string("Implicit");
                             case BoundsChecks::Auto:
                               break;
                           }
                           return std::string("Auto");
                         });

}  // namespace
}  // namespace ironclad::jit::testing
