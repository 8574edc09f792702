// The tiered tier's own behaviour: calls crossing between interpreted functions and machine
// code in both directions give the interpreter's results, traps and backtraces; functions
// move to machine code at their next call once compiled (on the calling thread or in the
// background); what stays in the interpreter (fuel, functions not allowed to compile).
#include <pthread.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <sstream>

#include "interp/interpreter.h"
#include "tiered_harness.h"

namespace ironclad::tiered::testing {
namespace {

using ironclad::testing::F32;
using ironclad::testing::F64;
using ironclad::testing::Harness;
using ironclad::testing::I32;
using ironclad::testing::I64;

// Which functions may get machine code: every one, none, or every other by index (so that
// calls between neighbours cross tiers).
enum class Mix { All, None, EvenIndices, OddIndices };

std::string mix_name(Mix mix) {
  switch (mix) {
    case Mix::All: return "All";
    case Mix::None: return "None";
    case Mix::EvenIndices: return "EvenIndices";
    case Mix::OddIndices: return "OddIndices";
  }
  return "?";
}

TieredConfig config_for(Mix mix) {
  return sync_config([mix](const runtime::FunctionInstance& f) {
    switch (mix) {
      case Mix::All: return true;
      case Mix::None: return false;
      case Mix::EvenIndices: return f.func_index % 2 == 0;
      case Mix::OddIndices: return f.func_index % 2 == 1;
    }
    return false;
  });
}

TieredStats stats_of(runtime::Store& store) {
  TieredStats s;
  EXPECT_TRUE(tiered_stats(store.tier(), s));
  return s;
}

class TieredCalls : public ::testing::TestWithParam<Mix> {};

// Each export is called three times: its first call runs in the interpreter (and compiles
// it when allowed), the later ones in its machine code; every callee's calls likewise. The
// results are the interpreter's, bit for bit.
TEST_P(TieredCalls, GiveTheInterpretersResults) {
  Harness tiered("tiered_calls", make_tiered_tier(config_for(GetParam())));
  Harness interp("tiered_calls", interp::make_interpreter());
  tiered.instantiate();
  interp.instantiate();
  const float snan = std::bit_cast<float>(0x7fa00001u);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    for (uint32_t n : {0u, 1u, 7u, 100u, 301u})
      EXPECT_EQ(tiered.i32("even", {I32(n)}), interp.i32("even", {I32(n)})) << n;
    const uint64_t sum = tiered.i64("fill_and_sum", {I32(1000)});
    EXPECT_EQ(sum, interp.i64("fill_and_sum", {I32(1000)}));
    EXPECT_EQ(sum, 332833500u);
    EXPECT_EQ(tiered.i32("stores"), interp.i32("stores"));
    auto got = tiered.call("reverse_bits", {F64(-2.5), I64(0x1234567890abcdefull), F32(snan)});
    auto want = interp.call("reverse_bits", {F64(-2.5), I64(0x1234567890abcdefull), F32(snan)});
    ASSERT_TRUE(got.ok()) << got.error().describe();
    ASSERT_TRUE(want.ok()) << want.error().describe();
    ASSERT_EQ(got->size(), 3u);
    EXPECT_EQ((*got)[0].i32, 0x7fa00001u);
    EXPECT_EQ((*got)[0].i32, (*want)[0].i32);
    for (size_t i = 1; i < 3; ++i) EXPECT_EQ((*got)[i].i64, (*want)[i].i64) << "result " << i;
  }
  const TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.functions_failed, 0u);
  switch (GetParam()) {
    case Mix::None: EXPECT_EQ(s.functions_compiled, 0u); break;
    // even 0, odd 1, square 2, store_square 3, load_at 4, fill_and_sum 5, stores 6,
    // reverse 7, reverse_bits 8 (forever, 9, is not called)
    case Mix::All: EXPECT_EQ(s.functions_compiled, 9u); break;
    case Mix::EvenIndices: EXPECT_EQ(s.functions_compiled, 5u); break;
    case Mix::OddIndices: EXPECT_EQ(s.functions_compiled, 4u); break;
  }
}

// Runs `body` on a new thread whose native stack is `bytes` long, and waits for it.
void run_with_stack(size_t bytes, const std::function<void()>& body) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, bytes), 0);
  pthread_t thread;
  auto start = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, start, const_cast<std::function<void()>*>(&body)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// A recursion whose caller and callee run in different tiers at every call (even and odd
// under EvenIndices / OddIndices: one compiled, the other interpreted) goes as deep as the
// interpreter alone lets it and stops at the same depth limit with the same trap, given the
// native stack for it: each crossing nests an entry on the native stack, and the entries
// are bounded by the stack left, not by a count (a count of 200 stopped it at 400 frames).
// The thread's stack (512 MiB of address space, touched only as deep as the recursion goes)
// and the store's stack budget (StoreLimits::max_stack_bytes, which machine code's frames and
// the crossings' native frames count against) are chosen here so that the expectation holds
// in sanitizer builds too, whose frames are several times larger; release builds reach the
// same depth within the defaults on an 8 MiB stack (docs/tiering.md).
TEST_P(TieredCalls, RecursionAcrossTheTiersReachesTheInterpretersDepth) {
  run_with_stack(512u << 20, [&] {
    runtime::StoreLimits limits;
    limits.max_stack_bytes = uint64_t{256} << 20;
    Harness tiered("tiered_calls", make_tiered_tier(config_for(GetParam())), limits);
    Harness interp("tiered_calls", interp::make_interpreter(), limits);
    tiered.instantiate();
    interp.instantiate();
    // Twice: the first call of each function runs in the interpreter (and compiles it).
    for (int round = 0; round < 2; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      for (uint32_t n : {2000u, 9990u}) {
        auto want = interp.call("even", {I32(n)});
        auto got = tiered.call("even", {I32(n)});
        ASSERT_TRUE(want.ok()) << want.error().describe();
        ASSERT_TRUE(got.ok()) << n << ": " << got.error().describe();
        EXPECT_EQ((*got)[0].i32, (*want)[0].i32) << n;
      }
      // Past the limit (max_call_depth, 10,000 wasm frames): the same trap in both.
      auto want = interp.call("even", {I32(10050)});
      auto got = tiered.call("even", {I32(10050)});
      ASSERT_FALSE(want.ok());
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(want.error().trap, TrapKind::CallStackExhausted);
      EXPECT_EQ(got.error().trap, TrapKind::CallStackExhausted) << got.error().describe();
    }
  });
}

// On a small native stack the same recursion runs out of native stack before the depth
// limit: a CallStackExhausted trap, not a crash, and the store goes on working.
TEST_P(TieredCalls, RecursionAcrossTheTiersOnASmallStackTrapsCleanly) {
  run_with_stack(1u << 20, [&] {
    Harness tiered("tiered_calls", make_tiered_tier(config_for(GetParam())));
    tiered.instantiate();
    for (int round = 0; round < 2; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      auto got = tiered.call("even", {I32(9990)});
      if (GetParam() == Mix::EvenIndices || GetParam() == Mix::OddIndices) {
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.error().kind, ErrorKind::Trap) << got.error().describe();
        EXPECT_EQ(got.error().trap, TrapKind::CallStackExhausted) << got.error().describe();
      }
      EXPECT_EQ(tiered.i32("even", {I32(10)}), 1u);
    }
  });
}

// Uses `bytes` of native stack, then runs `body` below them.
[[gnu::noinline]] void with_stack_used(size_t bytes, const std::function<void()>& body) {
  char used[4096];
  asm volatile("" : : "r"(used) : "memory");  // the array is kept, and so is this frame
  if (bytes > sizeof used)
    with_stack_used(bytes - sizeof used, body);
  else
    body();
  asm volatile("" : : "r"(used) : "memory");
}

// The interpreter's outermost entry needs no native stack of its own beyond its few frames:
// a thread with a small stack, most of it already used by the embedder's own calls, still
// runs wasm in the interpreter (only entries nested in machine code or host functions are
// bounded by the stack left).
TEST(TieredCalls, AnEmbeddersThreadWithLittleStackLeftStillRunsTheInterpreter) {
  run_with_stack(256u << 10, [&] {
    Harness interp("tiered_calls", interp::make_interpreter());
    interp.instantiate();
    with_stack_used(150u << 10, [&] {
      auto got = interp.call("even", {I32(300)});
      ASSERT_TRUE(got.ok()) << got.error().describe();
      EXPECT_EQ((*got)[0].i32, 1u);
    });
  });
}

// A v128 and both kinds of reference cross between the tiers both ways (in the even and odd
// mixes the caller, 12, and the callee, 11, run in different tiers), as arguments and as
// results, bit for bit.
TEST_P(TieredCalls, VectorsAndReferencesCrossUnchanged) {
  Harness tiered("tiered_calls", make_tiered_tier(config_for(GetParam())));
  tiered.instantiate();
  V128 v;
  for (int i = 0; i < 16; ++i) v.bytes[i] = static_cast<uint8_t>(0xF0 + i);
  const Value extern_ref = Value::from_ref(ValType::ExternRef, Ref{0x5eed});
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto got = tiered.call("swap_all", {Value::from_v128(v), extern_ref, I32(0xdeadbeef)});
    ASSERT_TRUE(got.ok()) << got.error().describe();
    ASSERT_EQ(got->size(), 4u);
    EXPECT_EQ((*got)[0].type, ValType::I32);
    EXPECT_EQ((*got)[0].i32, 0xdeadbeefu);
    EXPECT_EQ((*got)[1].type, ValType::FuncRef);
    EXPECT_EQ((*got)[1].ref.bits, tiered.instance->get_export("even")->func->as_ref().bits);
    EXPECT_EQ((*got)[2].type, ValType::ExternRef);
    EXPECT_EQ((*got)[2].ref.bits, 0x5eedu);
    EXPECT_EQ((*got)[3].type, ValType::V128);
    EXPECT_TRUE((*got)[3].v128 == v);
  }
  const TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.functions_failed, 0u);
  switch (GetParam()) {
    case Mix::None: EXPECT_EQ(s.functions_compiled, 0u); break;
    case Mix::All: EXPECT_EQ(s.functions_compiled, 2u); break;
    case Mix::EvenIndices:  // swap_all, 12
    case Mix::OddIndices:   // $swap, 11
      EXPECT_EQ(s.functions_compiled, 1u);
      break;
  }
}

// A recursion without end ends in CallStackExhausted in every mix, as in either tier.
TEST_P(TieredCalls, EndlessRecursionExhaustsTheCallStack) {
  Harness tiered("tiered_calls", make_tiered_tier(config_for(GetParam())));
  tiered.instantiate();
  for (int round = 0; round < 2; ++round)
    EXPECT_EQ(tiered.trap("forever", {I32(0)}), TrapKind::CallStackExhausted);
}

INSTANTIATE_TEST_SUITE_P(Mixes, TieredCalls,
                         ::testing::Values(Mix::All, Mix::None, Mix::EvenIndices,
                                           Mix::OddIndices),
                         [](const auto& info) { return mix_name(info.param); });

std::string describe(const std::vector<BacktraceFrame>& bt) {
  std::ostringstream out;
  for (const BacktraceFrame& f : bt)
    out << "  " << f.function_index << " " << f.function_name << " @" << f.code_offset << "\n";
  return out.str();
}

// jit_backtrace.wat (tests/jit/fixtures) in a store of the given tier; its host_trap import
// traps (IntegerOverflow) when given 13.
struct BacktraceRun : Harness {
  explicit BacktraceRun(std::unique_ptr<runtime::Tier> tier)
      : Harness("jit_backtrace", std::move(tier)) {
    linker.define_function(store, "env", "host_trap",
                           wasm::FuncType{{ValType::I32}, {ValType::I32}},
                           [](runtime::HostContext&, const Value* a, Value* r) -> Result<void> {
                             if (a[0].i32 == 13) return Error::make_trap(TrapKind::IntegerOverflow);
                             r[0] = a[0];
                             return {};
                           });
    instantiate();
  }
};

class TieredBacktraces : public ::testing::TestWithParam<Mix> {};

// A trap several calls deep, whatever tier each frame runs in, gives the interpreter's
// backtrace: every frame's function and wasm offset, innermost first.
TEST_P(TieredBacktraces, NameEveryFrameAsTheInterpreter) {
  BacktraceRun tiered(make_tiered_tier(config_for(GetParam())));
  BacktraceRun interp(interp::make_interpreter());
  struct Case {
    uint32_t which;
    Value arg;
    TrapKind trap;
  };
  const Case cases[] = {
      {0, I32(0), TrapKind::IntegerDivideByZero},   {1, I32(0xffffffff), TrapKind::IntegerOverflow},
      {2, I32(1), TrapKind::InvalidConversionToInteger}, {3, I32(1), TrapKind::Unreachable},
      {4, I32(65533), TrapKind::OutOfBoundsMemoryAccess}, {6, I32(13), TrapKind::IntegerOverflow},
      {7, I32(2), TrapKind::UninitializedElement},  {7, I32(1), TrapKind::IndirectCallTypeMismatch},
  };
  for (int round = 0; round < 2; ++round) {
    for (const Case& c : cases) {
      for (uint32_t depth : {0u, 3u}) {
        SCOPED_TRACE("round " + std::to_string(round) + " case " + std::to_string(c.which) +
                     " depth " + std::to_string(depth));
        std::vector<Value> args{I32(c.which), c.arg, I32(depth)};
        auto want = interp.call("run", args);
        auto got = tiered.call("run", args);
        ASSERT_FALSE(want.ok());
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.error().kind, ErrorKind::Trap) << got.error().describe();
        EXPECT_EQ(got.error().trap, c.trap);
        const auto& w = want.error().backtrace;
        const auto& g = got.error().backtrace;
        ASSERT_EQ(g.size(), w.size()) << "tiered:\n" << describe(g) << "interp:\n" << describe(w);
        for (size_t i = 0; i < g.size(); ++i) {
          EXPECT_EQ(g[i].function_index, w[i].function_index) << "frame " << i;
          EXPECT_EQ(g[i].code_offset, w[i].code_offset)
              << "frame " << i << "\ntiered:\n" << describe(g) << "interp:\n" << describe(w);
        }
      }
    }
  }
  if (GetParam() != Mix::None) EXPECT_GT(stats_of(tiered.store).functions_compiled, 0u);
}

INSTANTIATE_TEST_SUITE_P(Mixes, TieredBacktraces,
                         ::testing::Values(Mix::All, Mix::None, Mix::EvenIndices,
                                           Mix::OddIndices),
                         [](const auto& info) { return mix_name(info.param); });

TieredConfig background_config() {
  TieredConfig c = sync_config();
  c.background = true;
  return c;
}

// In the background: the first calls run in the interpreter at once; once the compile
// thread has published their code, the same calls run it and give the same results.
TEST(TieredBackground, FunctionsMoveToMachineCodeAtTheirNextCall) {
  Harness h("tiered_calls", make_tiered_tier(background_config()));
  h.instantiate();
  EXPECT_EQ(h.i64("fill_and_sum", {I32(500)}), 41541750u);
  EXPECT_EQ(h.i32("even", {I32(11)}), 0u);
  wait_for_compiles(h.store.tier());
  const TieredStats s = stats_of(h.store);
  EXPECT_EQ(s.functions_queued, 6u);  // fill_and_sum, store_square, square, load_at, even, odd
  EXPECT_EQ(s.functions_compiled, 6u);
  EXPECT_GE(s.batches, 1u);
  auto* even = h.instance->get_export("even")->func;
  EXPECT_NE(even->jit_code, nullptr);
  EXPECT_EQ(h.i64("fill_and_sum", {I32(500)}), 41541750u);
  EXPECT_EQ(h.i32("even", {I32(11)}), 0u);
  EXPECT_EQ(h.i32("stores"), 1000u);
}

// A store destroyed while its functions are queued or compiling stops the compile thread
// first: nothing is published into instances being torn down.
TEST(TieredBackground, StoreEndsWithCompilesQueued) {
  for (int i = 0; i < 3; ++i) {
    Harness h("tiered_calls", make_tiered_tier(background_config()));
    h.instantiate();
    EXPECT_EQ(h.i64("fill_and_sum", {I32(10)}), 285u);
    EXPECT_EQ(h.i32("even", {I32(4)}), 1u);
  }
}

// Code without a fuel counter never runs in a store with a fuel limit: such a store stays
// in the interpreter, and its fuel runs out as there.
TEST(TieredFuel, AStoreWithAFuelLimitStaysInTheInterpreter) {
  runtime::StoreLimits limits;
  limits.fuel = 1000;
  Harness h("tiered_calls", make_tiered_tier(sync_config()), limits);
  h.instantiate();
  EXPECT_EQ(h.i32("even", {I32(10)}), 1u);
  EXPECT_EQ(h.i32("even", {I32(10)}), 1u);
  auto r = h.call("fill_and_sum", {I32(10000)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted) << r.error().describe();
  EXPECT_EQ(stats_of(h.store).functions_compiled, 0u);
}

// A store with a deadline alone tiers up: its machine code reads the store's interrupt flag
// (jit::BudgetChecks::Interrupt), so code that never stops ends at the deadline in either
// tier, and the store serves the next call.
TEST(TieredFuel, AStoreWithADeadlineTiersUpAndItsMachineCodeStopsAtTheDeadline) {
  runtime::StoreLimits limits;
  limits.call_timeout = std::chrono::milliseconds(50);
  // Compiled in the background: a synchronous compile would count against the call's 50 ms.
  Harness h("tiered_calls", make_tiered_tier(background_config()), limits);
  h.instantiate();
  EXPECT_EQ(h.i32("even", {I32(10)}), 1u);
  // The first spin runs in the interpreter (its compile is queued at that call), the second
  // in machine code: both end at the deadline.
  for (int i = 0; i < 2; ++i) {
    auto r = h.call("spin", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
    wait_for_compiles(h.store.tier());
    ASSERT_EQ(stats_of(h.store).functions_failed, 0u);
  }
  auto spin = h.instance->get_export("spin");
  ASSERT_TRUE(spin.ok());
  EXPECT_NE(std::atomic_ref<void*>(spin->func->jit_code).load(), nullptr)
      << "spin has machine code: the second call ran it";
  EXPECT_EQ(h.i32("even", {I32(10)}), 1u);
}

// The deadline covers the whole call from the host: machine code calling into the
// interpreter at every iteration must not restart it at each crossing (the interpreter
// nested in machine code once began a new budget there, and the loop ran to its end).
TEST(TieredFuel, CrossingsIntoTheInterpreterKeepTheCallsDeadline) {
  runtime::StoreLimits limits;
  limits.call_timeout = std::chrono::milliseconds(50);
  TieredConfig c = background_config();
  c.may_compile = [](const runtime::FunctionInstance& f) { return f.func_index == 1; };
  Harness h("tiered_deadline", make_tiered_tier(std::move(c)), limits);
  h.instantiate();
  EXPECT_EQ(h.i32("loop_calling", {I32(3)}), 5u);  // 0 + 1 + 4, and queued
  wait_for_compiles(h.store.tier());
  ASSERT_EQ(stats_of(h.store).functions_compiled, 1u);
  // Minutes of crossings without a deadline (each about a microsecond). Restarted at each
  // crossing, the deadline would pass only at a crossing slower than 50 ms: seconds late.
  auto start = std::chrono::steady_clock::now();
  auto r = h.call("loop_calling", {I32(2'000'000'000)});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok()) << "ran to its end: the deadline was restarted";
  EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
  EXPECT_LT(took, std::chrono::seconds(5)) << "the deadline was restarted at the crossings";
  EXPECT_EQ(h.i32("loop_calling", {I32(3)}), 5u);
}

// Features the host has not verified are never compiled for (invariant 4): everything runs
// in the interpreter, with a note.
TEST(TieredFeatures, UnverifiedFeaturesKeepEverythingInTheInterpreter) {
  TieredConfig c = sync_config();
  c.jit.features = cpu::FeatureSet{cpu::X86::SSE2, cpu::X86::AVX2};
  Harness h("tiered_calls", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("even", {I32(10)}), 1u);
  EXPECT_EQ(h.i32("even", {I32(10)}), 1u);
  EXPECT_EQ(stats_of(h.store).functions_compiled, 0u);
}

}  // namespace
}  // namespace ironclad::tiered::testing
