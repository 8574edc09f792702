// Heat: the interpreter counts each function's calls and loop iterations, and a tiered
// store's compile thread takes the hottest queued function first. Observed through the
// counters and the order of publication (TieredConfig::on_published), never through timing:
// the compile thread is held (TieredConfig::start_held) until the functions are queued and
// hot.
#include <atomic>
#include <mutex>
#include <vector>

#include "interp/interpreter.h"
#include "tiered_harness.h"

namespace ironclad::tiered::testing {
namespace {

using ironclad::testing::Harness;
using ironclad::testing::I32;

const runtime::FunctionInstance& function(Harness& h, uint32_t index) {
  return *h.instance->funcs.at(index);
}

// tiered_heat.wat: init 0, hot 1, run 2, spin 3.
constexpr uint32_t kInit = 0, kHot = 1, kRun = 2, kSpin = 3;

std::unique_ptr<runtime::Tier> interpreter(bool count_loops) {
  interp::InterpreterOptions options;
  options.count_loops = count_loops;
  return std::make_unique<interp::Interpreter>(options);
}

// Every call counts, from the host or from wasm; each entry into a loop's header (the first
// and every back-edge) counts when the interpreter counts loops.
TEST(Heat, CountsCallsAndLoopIterations) {
  Harness h("tiered_heat", interpreter(true));
  h.instantiate();
  EXPECT_EQ(interp::heat_of(function(h, kHot)), 0u);  // never called
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  EXPECT_EQ(interp::heat_of(function(h, kHot)), 20u);
  EXPECT_EQ(interp::heat_of(function(h, kRun)), 1u + 11u);  // 1 call, 10 iterations + the exit
  h.i32("run", {I32(10)});
  EXPECT_EQ(interp::heat_of(function(h, kHot)), 40u);
  EXPECT_EQ(interp::heat_of(function(h, kRun)), 2u * 12u);
  h.i32("spin", {I32(100)});
  EXPECT_EQ(interp::heat_of(function(h, kSpin)), 1u + 101u);
  EXPECT_EQ(h.i32("init"), 7u);
  EXPECT_EQ(interp::heat_of(function(h, kInit)), 1u);
}

// Loops are counted only when asked (the interpreter tier alone pays nothing for them).
TEST(Heat, LoopsCountOnlyWhenAsked) {
  Harness h("tiered_heat", interpreter(false));
  h.instantiate();
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  EXPECT_EQ(interp::heat_of(function(h, kHot)), 20u);
  EXPECT_EQ(interp::heat_of(function(h, kRun)), 1u);
  h.i32("spin", {I32(100)});
  EXPECT_EQ(interp::heat_of(function(h, kSpin)), 1u);
}

// The order in which a held tiered store's compile thread publishes, one function a batch
// (or all in one batch), once released.
std::vector<uint32_t> publication_order(uint32_t max_batch) {
  std::mutex mutex;
  std::vector<uint32_t> order;
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  c.max_batch = max_batch;
  c.on_published = [&](const runtime::FunctionInstance& f) {
    std::lock_guard<std::mutex> lock(mutex);
    order.push_back(f.func_index);
  };
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  // First calls: init (heat 1), run (1 call + 1001 loop entries), hot (2000 calls from
  // run), spin (1 call + 5001 loop entries).
  EXPECT_EQ(h.i32("init"), 7u);
  EXPECT_EQ(h.i32("run", {I32(1000)}), 2000u);
  h.i32("spin", {I32(5000)});
  EXPECT_EQ(interp::heat_of(function(h, kSpin)), 5002u);
  EXPECT_EQ(interp::heat_of(function(h, kHot)), 2000u);
  EXPECT_EQ(interp::heat_of(function(h, kRun)), 1002u);
  TieredStats s;
  EXPECT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_queued, 4u);
  EXPECT_EQ(s.functions_compiled, 0u);  // held
  release_compiles(h.store.tier());
  wait_for_compiles(h.store.tier());
  EXPECT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 4u);
  EXPECT_EQ(s.batches, max_batch == 1 ? 4u : 1u);
  // Machine code gives the same results.
  EXPECT_EQ(h.i32("run", {I32(1000)}), 2000u);
  EXPECT_EQ(h.i32("init"), 7u);
  std::lock_guard<std::mutex> lock(mutex);
  return order;
}

// Queued in the order of first calls (init, run, hot, spin), compiled hottest first.
TEST(TieredHeat, TheHottestQueuedFunctionCompilesFirst) {
  EXPECT_EQ(publication_order(1), (std::vector<uint32_t>{kSpin, kHot, kRun, kInit}));
}

// In one batch too, the functions are taken (and published) hottest first.
TEST(TieredHeat, ABatchTakesItsFunctionsHottestFirst) {
  EXPECT_EQ(publication_order(64), (std::vector<uint32_t>{kSpin, kHot, kRun, kInit}));
}

// A held store that ends with its queue full compiles nothing and ends at once.
TEST(TieredHeat, AHeldStoreEndsWithoutCompiling) {
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  TieredStats s;
  EXPECT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_queued, 2u);
  EXPECT_EQ(s.functions_compiled, 0u);
}

bool has_machine_code(Harness& h, uint32_t index) {
  return std::atomic_ref<void*>(h.instance->funcs.at(index)->jit_code)
             .load(std::memory_order_acquire) != nullptr;
}

// A queued function compiles once its heat reaches TieredConfig::hot_at, not before: init,
// called once, never does; hot and run once enough calls and loop iterations have added up.
TEST(TieredHeat, AFunctionCompilesOnlyOnceHotEnough) {
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  c.hot_at = 50;
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("init"), 7u);                 // heat 1
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);      // run 12, hot 20
  h.i32("spin", {I32(100)});                    // spin 102
  release_compiles(h.store.tier());
  wait_for_compiles(h.store.tier());
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_queued, 4u);
  EXPECT_EQ(s.functions_compiled, 1u);
  EXPECT_EQ(s.functions_cold, 3u);
  EXPECT_EQ(s.functions_waiting, 0u);
  EXPECT_EQ(s.hot_at, 50u);
  EXPECT_TRUE(has_machine_code(h, kSpin));
  EXPECT_FALSE(has_machine_code(h, kHot));
  EXPECT_FALSE(has_machine_code(h, kRun));
  EXPECT_FALSE(has_machine_code(h, kInit));
  // hot reaches 20 + 2 * 20 = 60, run 12 + 22 = 34: hot compiles, run waits.
  EXPECT_EQ(h.i32("run", {I32(20)}), 40u);
  wait_for_compiles(h.store.tier());
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 2u);
  EXPECT_EQ(s.functions_cold, 2u);
  EXPECT_TRUE(has_machine_code(h, kHot));
  EXPECT_FALSE(has_machine_code(h, kRun));
  EXPECT_FALSE(has_machine_code(h, kInit));
  // Across the tiers, the same results.
  EXPECT_EQ(h.i32("run", {I32(20)}), 40u);
  EXPECT_EQ(h.i32("spin", {I32(100)}), h.i32("spin", {I32(100)}));
  EXPECT_EQ(h.i32("init"), 7u);
}

// A batch being compiled counts as such in the statistics, which never wait for it (as
// `ironclad run --show-tier` prints them at a program's end): the batch is held in progress
// (TieredConfig::hold_first_batch) while they are read.
TEST(TieredHeat, StatisticsCountABatchInProgressWithoutWaitingForIt) {
  TieredConfig c = sync_config();
  c.background = true;
  c.hold_first_batch = true;
  std::atomic<size_t> taken{0};
  c.on_batch_taken = [&](size_t n) { taken += n; };
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("init"), 7u);  // returns once its batch is taken
  EXPECT_EQ(taken.load(), 1u);
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiling, 1u);
  EXPECT_EQ(s.functions_compiled, 0u);
  EXPECT_EQ(s.batches, 0u);
  EXPECT_TRUE(is_compiling(h.store.tier()));
  EXPECT_FALSE(has_machine_code(h, kInit));
  release_compiles(h.store.tier());
  wait_for_compiles(h.store.tier());
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiling, 0u);
  EXPECT_EQ(s.functions_compiled, 1u);
  EXPECT_FALSE(is_compiling(h.store.tier()));
  EXPECT_TRUE(has_machine_code(h, kInit));
  EXPECT_EQ(h.i32("init"), 7u);
}

// With two tiers, a function is compiled at the first tier's -O level, then, once due
// (upgrade_wait 0: at once), at the top level and published again: its later calls run the
// upgraded code, with the same results.
TEST(TieredHeat, FirstTierFunctionsAreUpgradedAndPublishedAgain) {
  std::mutex mutex;
  std::vector<uint32_t> order;
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  c.first_opt_level = 0;
  c.jit.opt_level = 2;
  c.upgrade_wait = 0;
  c.on_published = [&](const runtime::FunctionInstance& f) {
    std::lock_guard<std::mutex> lock(mutex);
    order.push_back(f.func_index);
  };
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  release_compiles(h.store.tier());
  wait_for_compiles(h.store.tier());
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 2u);
  EXPECT_EQ(s.functions_first_tier, 2u);
  EXPECT_EQ(s.functions_upgraded, 2u);
  EXPECT_EQ(s.batches, 2u);  // one at each level
  {
    // Published twice each: hot (hotter) then run at -O0, then again at -O2.
    std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(order, (std::vector<uint32_t>{kHot, kRun, kHot, kRun}));
  }
  EXPECT_EQ(h.i32("run", {I32(1000)}), 2000u);
  // Machine code only: the interpreter counted no more calls of them.
  EXPECT_EQ(interp::heat_of(function(h, kHot)), 20u);
}

// One tier (first_opt_level at or above the top level): nothing is upgraded.
TEST(TieredHeat, OneTierCompilesOnceAtTheTopLevel) {
  TieredConfig c = sync_config();
  c.background = true;
  c.first_opt_level = -1;
  c.upgrade_wait = 0;
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  wait_for_compiles(h.store.tier());
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 2u);
  EXPECT_EQ(s.functions_first_tier, 0u);
  EXPECT_EQ(s.functions_upgraded, 0u);
  EXPECT_EQ(h.i32("run", {I32(1000)}), 2000u);
}

// A store ending with its batch held in progress drops it and ends at once.
TEST(TieredHeat, AStoreEndingWithABatchHeldDropsIt) {
  TieredConfig c = sync_config();
  c.background = true;
  c.hold_first_batch = true;
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  stop_compiling(h.store.tier());
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 0u);
  EXPECT_FALSE(is_compiling(h.store.tier()));
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
}

}  // namespace
}  // namespace ironclad::tiered::testing
