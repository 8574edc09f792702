// The tiered tier's threads (make test-tsan runs these under ThreadSanitizer): calls on the
// store's thread racing with the compile thread's publication of machine code, stores on
// several threads tiering up at once (one LLVM, one code registry, one set of signal
// handlers between them), and stores ending while their batches compile.
#include <atomic>
#include <thread>
#include <vector>

#include "tiered_harness.h"

namespace ironclad::tiered::testing {
namespace {

using ironclad::testing::Harness;
using ironclad::testing::I32;

TieredConfig background() {
  TieredConfig c = sync_config();
  c.background = true;
  return c;
}

bool published(runtime::FunctionInstance& f) {
  return std::atomic_ref<void*>(f.jit_code).load(std::memory_order_acquire) != nullptr;
}

// Calls keep running while the compile thread publishes: each one runs whichever tier its
// callee has at that moment, and every result is right.
TEST(TieredThreads, CallsRacingPublicationGiveTheSameResults) {
  Harness h("tiered_calls", make_tiered_tier(background()));
  h.instantiate();
  runtime::FunctionInstance& even = *h.instance->get_export("even")->func;
  // Until `even` has machine code (or a bound, should the compile thread never get there),
  // then a few more rounds with everything published in between.
  int rounds = 0;
  for (int after = 0; rounds < 200000 && after < 50; ++rounds) {
    if (published(even)) ++after;
    ASSERT_EQ(h.i64("fill_and_sum", {I32(100)}), 328350u) << "round " << rounds;
    ASSERT_EQ(h.i32("even", {I32(static_cast<uint32_t>(rounds % 64))}), rounds % 2 == 0 ? 1u : 0u)
        << "round " << rounds;
  }
  wait_for_compiles(h.store.tier());
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_failed, 0u);
  EXPECT_EQ(s.functions_compiled, s.functions_queued);
  EXPECT_TRUE(published(even));
  EXPECT_EQ(h.i64("fill_and_sum", {I32(100)}), 328350u);
}

// Stores on several threads, each with its own tiered tier and compile thread.
TEST(TieredThreads, StoresOnSeveralThreadsTierUpAtOnce) {
  constexpr int kThreads = 3;
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&right, t] {
      Harness h("tiered_calls", make_tiered_tier(background()));
      h.instantiate();
      bool ok = true;
      for (int round = 0; round < 3; ++round) {
        ok &= h.i64("fill_and_sum", {I32(100 + t)}) ==
              static_cast<uint64_t>(100 + t - 1) * (100 + t) * (2 * (100 + t) - 1) / 6;
        ok &= h.i32("even", {I32(7 + t)}) == ((7 + t) % 2 == 0 ? 1u : 0u);
        if (round == 0) wait_for_compiles(h.store.tier());
      }
      TieredStats s;
      ok &= tiered_stats(h.store.tier(), s) && s.functions_compiled == s.functions_queued &&
            s.functions_compiled > 0;
      if (ok) ++right;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(right.load(), kThreads);
}

// Stores that end while their compile thread is in the middle of a batch, many times over:
// the end waits for the batch, and nothing is published into an instance being torn down.
TEST(TieredThreads, StoresEndWhileTheirBatchCompiles) {
  for (int i = 0; i < 8; ++i) {
    Harness h("tiered_calls", make_tiered_tier(background()));
    h.instantiate();
    EXPECT_EQ(h.i64("fill_and_sum", {I32(10)}), 285u);
    if (i % 2) EXPECT_EQ(h.i32("even", {I32(4)}), 1u);
    if (i % 4 == 3) stop_compiling(h.store.tier());
  }
}

}  // namespace
}  // namespace ironclad::tiered::testing
