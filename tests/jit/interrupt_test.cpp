// Interrupt mode (CompileOptions::interrupt): a store with a call deadline and no fuel limit
// runs code that reads the store's interrupt flag at function entries and loop headers,
// which the process's deadline watchdog raises; the runtime alone decides by the clock
// whether the call ends with Timeout. Fuel and its per-iteration counter stay for stores
// with a fuel limit.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>

#include "jit/artifact.h"
#include "jit/artifact_cache.h"
#include "jit/module_compiler.h"
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

runtime::StoreLimits with_timeout(std::chrono::milliseconds timeout, uint64_t fuel = 0) {
  runtime::StoreLimits limits;
  limits.call_timeout = timeout;
  limits.fuel = fuel;
  return limits;
}

// The jit_interrupt fixture; `poke` raises the store's interrupt flag as the watchdog does.
struct InterruptHarness : Harness {
  explicit InterruptHarness(runtime::StoreLimits limits)
      : Harness("jit_interrupt", test_config(), limits) {
    linker.define_function(store, "env", "poke", wasm::FuncType{{ValType::I32}, {}},
                           [this](runtime::HostContext& hc, const Value*, Value*) -> Result<void> {
                             hc.store.call_budget().interrupt_flag()->store(1);
                             ++pokes;
                             return {};
                           });
    instantiate();
  }
  int pokes = 0;
};

TEST(JitInterrupt, ADeadlineAloneGetsInterruptCodeAndAFuelLimitGetsTheCounter) {
  InterruptHarness timed(with_timeout(std::chrono::seconds(60)));
  const CompiledModule* timed_code = compiled_code_of(timed.store, *timed.instance);
  ASSERT_NE(timed_code, nullptr);
  EXPECT_TRUE(timed_code->interrupt);
  EXPECT_FALSE(timed_code->fuel);
  // With fuel too, the counter checks both (the deadline at each refill): no flag.
  InterruptHarness both(with_timeout(std::chrono::seconds(60), 1'000'000));
  const CompiledModule* both_code = compiled_code_of(both.store, *both.instance);
  ASSERT_NE(both_code, nullptr);
  EXPECT_TRUE(both_code->fuel);
  EXPECT_FALSE(both_code->interrupt);
}

TEST(JitInterrupt, AFlagRaisedBeforeTheDeadlineIsLoweredAndTheCallGoesOn) {
  // A flag raised for an earlier call's deadline (or by a watchdog that fired just as a new
  // call began) must not end this call: the runtime looks at the clock, lowers the flag and
  // the loop carries on to the right result.
  InterruptHarness h(with_timeout(std::chrono::seconds(60)));
  const uint64_t n = 100'000;
  EXPECT_EQ(h.i64("sum_poking", {I32(n), I32(10)}), n * (n - 1) / 2);
  EXPECT_EQ(h.pokes, 1);
  EXPECT_EQ(h.store.call_budget().interrupt_flag()->load(), 0u)
      << "the runtime was never asked: the loop header did not read the flag";
}

TEST(JitInterrupt, TheWatchdogEndsAnEndlessLoopAtItsDeadlineAndTheNextCallRuns) {
  InterruptHarness h(with_timeout(std::chrono::milliseconds(100)));
  for (int i = 0; i < 3; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = h.call("spin");
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
    EXPECT_EQ(r.error().message, "deadline exceeded: the call ran past its 0.100 s timeout");
    EXPECT_GE(took, std::chrono::milliseconds(100));
    EXPECT_LT(took, std::chrono::seconds(10));
    // The error names the function the code was stopped in, as for a trap.
    auto spin = h.instance->get_export("spin");
    ASSERT_TRUE(spin.ok());
    ASSERT_FALSE(r.error().backtrace.empty());
    EXPECT_EQ(r.error().backtrace.front().function_index, spin->func->func_index);
    const uint64_t n = 1000;
    EXPECT_EQ(h.i64("sum_poking", {I32(n), I32(-1)}), n * (n - 1) / 2)
        << "the next call has a deadline of its own";
  }
}

TEST(JitInterrupt, StoresWithDifferentDeadlinesEachEndAtTheirOwn) {
  // One watchdog serves every store: a short deadline armed after a long one still fires
  // first, and the long one is not cut short by it.
  InterruptHarness long_store(with_timeout(std::chrono::seconds(30)));
  InterruptHarness short_store(with_timeout(std::chrono::milliseconds(50)));
  const uint64_t n = 2'000'000;
  EXPECT_EQ(long_store.i64("sum_poking", {I32(n), I32(-1)}), n * (n - 1) / 2);
  auto r = short_store.call("spin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Timeout);
  EXPECT_EQ(long_store.i64("sum_poking", {I32(n), I32(-1)}), n * (n - 1) / 2);
}

// Only interrupt-mode objects call the interrupt helper; only fuel-mode ones the refill.
struct HelperNames {
  bool interrupt = false;
  bool fuel = false;
};
HelperNames helpers_named(bool fuel, bool interrupt) {
  CompileOptions options;
  options.features = baseline_features();
  options.fuel = fuel;
  options.interrupt = interrupt;
  options.keep_objects = true;
  auto compiler = ModuleCompiler::create(options);
  EXPECT_TRUE(compiler.ok()) << compiler.error().describe();
  if (!compiler.ok()) return {};
  // compile() links the objects, which runs the ISA verifier over every executable byte.
  auto code = (*compiler)->compile(load_fixture("jit_interrupt"));
  EXPECT_TRUE(code.ok()) << code.error().describe();
  if (!code.ok()) return {};
  auto named = [&](const char* symbol) {
    return std::any_of((*code)->objects.begin(), (*code)->objects.end(),
                       [&](const std::string& o) { return o.find(symbol) != std::string::npos; });
  };
  return {named("ironclad_jit_interrupt"), named("ironclad_jit_fuel_refill")};
}

TEST(JitInterrupt, EachModeEmitsOnlyItsOwnCheckAndAllPassTheVerifier) {
  HelperNames none = helpers_named(false, false);
  EXPECT_FALSE(none.interrupt);
  EXPECT_FALSE(none.fuel);
  HelperNames interrupt = helpers_named(false, true);
  EXPECT_TRUE(interrupt.interrupt);
  EXPECT_FALSE(interrupt.fuel);
  HelperNames fuel = helpers_named(true, true);  // fuel wins: it checks the deadline itself
  EXPECT_FALSE(fuel.interrupt);
  EXPECT_TRUE(fuel.fuel);
}

TEST(JitInterrupt, TheCodeCacheKeepsTheModesApart) {
  auto module = load_fixture("jit_interrupt");
  CompileOptions plain;
  plain.features = baseline_features();
  CompileOptions interrupt = plain;
  interrupt.interrupt = true;
  CompileOptions fuel = plain;
  fuel.fuel = true;
  const std::string a = artifact_cache_path("/c", *module, plain);
  const std::string b = artifact_cache_path("/c", *module, interrupt);
  const std::string c = artifact_cache_path("/c", *module, fuel);
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace ironclad::jit::testing
