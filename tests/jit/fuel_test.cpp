// Fuel (StoreLimits::fuel) in both tiers: an endless loop or runaway recursion ends the call
// with Exhausted "fuel exhausted" and the store carries on; a program within its budget gives
// the result it gives without fuel. The JIT counts fuel only in a compile mode of its own
// (CompileOptions::fuel): a store without a fuel limit runs code with no counter at all.
#include <algorithm>
#include <chrono>
#include <string>

#include "interp/interpreter.h"
#include "jit/module_compiler.h"
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

runtime::StoreLimits with_fuel(uint64_t fuel) {
  runtime::StoreLimits limits;
  limits.fuel = fuel;
  return limits;
}

std::unique_ptr<runtime::Tier> make_tier(const std::string& name) {
  if (name == "jit") return make_jit_tier(test_config());
  return interp::make_interpreter();
}

// The interp_traps fixture (tests/interp/fixtures) in a store of the tier named by the param.
struct FuelTest : ::testing::TestWithParam<std::string> {
  std::unique_ptr<ironclad::testing::Harness> harness(runtime::StoreLimits limits) {
    auto h =
        std::make_unique<ironclad::testing::Harness>("interp_traps", make_tier(GetParam()), limits);
    h->instantiate();
    return h;
  }
};

void expect_exhausted(const Result<std::vector<Value>>& r) {
  ASSERT_FALSE(r.ok()) << "the call ran to the end";
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted) << r.error().describe();
  EXPECT_EQ(r.error().message, "fuel exhausted");
}

TEST_P(FuelTest, StopsAnEndlessLoopAndTheStoreCarriesOn) {
  auto h = harness(with_fuel(10000));
  auto r = h->call("spin");
  expect_exhausted(r);
  // The JIT's error names the spinning function, as for a trap (the interpreter's has no
  // backtrace for fuel).
  if (GetParam() == "jit") {
    auto spin = h->instance->get_export("spin");
    ASSERT_TRUE(spin.ok());
    ASSERT_EQ(r.error().backtrace.size(), 1u);
    EXPECT_EQ(r.error().backtrace.front().function_index, spin->func->func_index);
  }
  EXPECT_EQ(h->i32("count_to", {I32(1000)}), 1000u);
  expect_exhausted(h->call("spin"));
}

// One loop iteration could memory.fill 1 GiB for one unit: bulk operations are charged by
// size, one unit per 64 bytes (runtime/call_budget.h), in both tiers alike.
TEST_P(FuelTest, BulkOperationsSpendFuelBySize) {
  auto tight = harness(with_fuel(500));  // 64 KiB is 1024 units
  expect_exhausted(tight->call("fill_bytes", {I32(65536)}));
  expect_exhausted(tight->call("copy_bytes", {I32(65536)}));
  expect_exhausted(tight->call("grow_table", {I32(10'000)}));  // 80,000 bytes of elements
  auto enough = harness(with_fuel(1100));
  EXPECT_TRUE(enough->call("fill_bytes", {I32(65536)}).ok());
  EXPECT_TRUE(enough->call("copy_bytes", {I32(65536)}).ok());
  EXPECT_EQ(enough->i32("grow_table", {I32(1000)}), 3u);  // 8,000 bytes: 125 units
  // Exactly at the boundary: entry (1) + 64 KiB (1024) fits 1025 and not 1024.
  EXPECT_TRUE(harness(with_fuel(1025))->call("fill_bytes", {I32(65536)}).ok());
  expect_exhausted(harness(with_fuel(1024))->call("fill_bytes", {I32(65536)}));
}

// A deadline ends code that never runs out of fuel, in both tiers, and the store carries on.
TEST_P(FuelTest, ADeadlineEndsAnEndlessLoop) {
  runtime::StoreLimits limits;
  limits.call_timeout = std::chrono::milliseconds(200);
  auto h = harness(limits);
  auto start = std::chrono::steady_clock::now();
  auto r = h->call("spin");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
  EXPECT_EQ(r.error().message, "deadline exceeded: the call ran past its 0.200 s timeout");
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(h->i32("count_to", {I32(1000)}), 1000u) << "the next call has a deadline of its own";
}

TEST_P(FuelTest, StopsRunawayRecursion) {
  // A budget far below the call-depth limit: fuel, not the stack, ends it.
  auto h = harness(with_fuel(50));
  expect_exhausted(h->call("recurse", {I32(0)}));
  EXPECT_EQ(h->i32("count_to", {I32(10)}), 10u);
}

TEST_P(FuelTest, EachCallFromTheHostGetsTheWholeBudget) {
  auto h = harness(with_fuel(10000));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h->i32("count_to", {I32(9000)}), 9000u);
  expect_exhausted(h->call("count_to", {I32(100000)}));
  EXPECT_EQ(h->i32("count_to", {I32(9000)}), 9000u);
}

TEST_P(FuelTest, WithinTheBudgetTheResultIsTheSameAsWithoutFuel) {
  auto unlimited = harness({});
  auto fueled = harness(with_fuel(1'000'000));
  for (uint32_t n : {1u, 7u, 1000u, 500'000u})
    EXPECT_EQ(fueled->i32("count_to", {I32(n)}), unlimited->i32("count_to", {I32(n)})) << n;
  // Without a limit nothing runs out.
  EXPECT_EQ(unlimited->i32("count_to", {I32(5'000'000)}), 5'000'000u);
}

INSTANTIATE_TEST_SUITE_P(BothTiers, FuelTest, ::testing::Values("interp", "jit"),
                         [](const auto& info) { return info.param; });

TEST(JitFuel, CostIsOnePerFunctionEntryAndLoopIteration) {
  // count_to(n): one entry and n iterations (docs/jit.md); the interpreter spends the same
  // (FuelTest runs out at the same points in both tiers).
  Harness h("interp_traps", test_config(), with_fuel(1001));
  h.instantiate();
  EXPECT_EQ(h.i32("count_to", {I32(1000)}), 1000u);
  expect_exhausted(h.call("count_to", {I32(1001)}));
}

TEST(JitFuel, StoresWithoutALimitRunCodeWithoutTheCounter) {
  Harness plain("interp_traps");
  plain.instantiate();
  Harness fueled("interp_traps", test_config(), with_fuel(100));
  fueled.instantiate();
  const CompiledModule* plain_code = compiled_code_of(plain.store, *plain.instance);
  const CompiledModule* fueled_code = compiled_code_of(fueled.store, *fueled.instance);
  ASSERT_NE(plain_code, nullptr);
  ASSERT_NE(fueled_code, nullptr);
  EXPECT_FALSE(plain_code->fuel);
  EXPECT_TRUE(fueled_code->fuel);
  // A deadline alone needs no counter: its code reads the interrupt flag
  // (tests/jit/interrupt_test.cpp).
  runtime::StoreLimits timed_limits;
  timed_limits.call_timeout = std::chrono::seconds(60);
  Harness timed("interp_traps", test_config(), timed_limits);
  timed.instantiate();
  const CompiledModule* timed_code = compiled_code_of(timed.store, *timed.instance);
  ASSERT_NE(timed_code, nullptr);
  EXPECT_FALSE(timed_code->fuel);
  EXPECT_TRUE(timed_code->interrupt);
}

// The relocatable objects of the fixture compiled in one fuel mode. Only code that counts
// fuel calls the helper that refills the counter or ends the call, so only its objects name it.
bool objects_name_the_fuel_helper(bool fuel) {
  CompileOptions options;
  options.features = baseline_features();
  options.fuel = fuel;
  options.keep_objects = true;
  auto compiler = ModuleCompiler::create(options);
  EXPECT_TRUE(compiler.ok()) << compiler.error().describe();
  if (!compiler.ok()) return false;
  // compile() links the objects, which runs the ISA verifier over every executable byte.
  auto code = (*compiler)->compile(load_fixture("interp_traps"));
  EXPECT_TRUE(code.ok()) << code.error().describe();
  if (!code.ok()) return false;
  EXPECT_EQ((*code)->fuel, fuel);
  EXPECT_FALSE((*code)->code.empty());
  return std::any_of((*code)->objects.begin(), (*code)->objects.end(), [](const std::string& o) {
    return o.find("ironclad_jit_fuel_refill") != std::string::npos;
  });
}

TEST(JitFuel, OnlyTheFuelModeEmitsTheCounterAndBothPassTheVerifier) {
  EXPECT_FALSE(objects_name_the_fuel_helper(false));
  EXPECT_TRUE(objects_name_the_fuel_helper(true));
}

}  // namespace
}  // namespace ironclad::jit::testing
