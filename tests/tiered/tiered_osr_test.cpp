// On-stack replacement (docs/tiering.md, interp/osr.h): a frame that runs a long loop in the
// interpreter moves to machine code compiled with an entry at that loop's header, within one
// call, and the call ends exactly as in the interpreter: the same results bit for bit, the
// same trap and backtrace. Deterministic: compiles run on the calling thread (sync_config),
// or the loop waits for the compile thread through a host call, never on a timer.
#include <chrono>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "interp/interpreter.h"
#include "tiered_harness.h"

namespace ironclad::tiered::testing {
namespace {

using ironclad::testing::Harness;
using ironclad::testing::I32;

// tiered_osr.wat's function indices (0 is the env.tick import).
constexpr uint32_t kOuter = 6, kStep = 8, kSpin = 12;

// More iterations than the request threshold (interp/osr.h) many times over.
constexpr uint32_t kLong = 3'000'000;

// tiered_osr.wat in a store of `tier`; env.tick runs `on_tick` (if set) with its argument.
struct OsrRun : Harness {
  explicit OsrRun(std::unique_ptr<runtime::Tier> tier, runtime::StoreLimits limits = {})
      : Harness("tiered_osr", std::move(tier), limits) {
    linker.define_function(store, "env", "tick", wasm::FuncType{{ValType::I32}, {}},
                           [this](runtime::HostContext&, const Value* a, Value*) -> Result<void> {
                             if (on_tick) on_tick(a[0].i32);
                             return {};
                           });
    instantiate();
  }
  std::function<void(uint32_t)> on_tick;
};

TieredStats stats_of(runtime::Store& store) {
  TieredStats s;
  EXPECT_TRUE(tiered_stats(store.tier(), s));
  return s;
}

std::string describe(const std::vector<BacktraceFrame>& bt) {
  std::ostringstream out;
  for (const BacktraceFrame& f : bt)
    out << "  " << f.function_index << " " << f.function_name << " @" << f.code_offset << "\n";
  return out.str();
}

// The same results, bit for bit (a v128 and floats among them).
void expect_same_results(const Result<std::vector<Value>>& got,
                         const Result<std::vector<Value>>& want) {
  ASSERT_TRUE(want.ok()) << want.error().describe();
  ASSERT_TRUE(got.ok()) << got.error().describe();
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < got->size(); ++i) {
    EXPECT_EQ((*got)[i].type, (*want)[i].type) << "result " << i;
    EXPECT_EQ(std::memcmp((*got)[i].v128.bytes, (*want)[i].v128.bytes,
                          (*want)[i].type == ValType::V128 ? 16 : 8),
              0)
        << "result " << i;
  }
}

// The same error: kind, trap and every frame's function and wasm offset.
void expect_same_error(const Result<std::vector<Value>>& got,
                       const Result<std::vector<Value>>& want) {
  ASSERT_FALSE(want.ok());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, want.error().kind) << got.error().describe();
  EXPECT_EQ(got.error().trap, want.error().trap) << got.error().describe();
  EXPECT_EQ(got.error().message, want.error().message);
  const auto& g = got.error().backtrace;
  const auto& w = want.error().backtrace;
  ASSERT_EQ(g.size(), w.size()) << "tiered:\n" << describe(g) << "interp:\n" << describe(w);
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(g[i].function_index, w[i].function_index) << "frame " << i;
    EXPECT_EQ(g[i].code_offset, w[i].code_offset)
        << "frame " << i << "\ntiered:\n" << describe(g) << "interp:\n" << describe(w);
  }
}

// One call with a long loop, from the host: its frame leaves the interpreter at the loop
// and every local (i32, i64, f32, f64, v128, a param) carries over.
TEST(TieredOsr, ALongLoopInOneCallLeavesTheInterpreter) {
  OsrRun tiered(make_tiered_tier(sync_config()));
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("hash", {I32(kLong)}), interp.call("hash", {I32(kLong)}));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_entries, 1u);
  EXPECT_EQ(s.osr_failed, 0u);
  // Its next call runs the function's own machine code from the start: no frame to move.
  expect_same_results(tiered.call("hash", {I32(kLong)}), interp.call("hash", {I32(kLong)}));
  EXPECT_EQ(stats_of(tiered.store).osr_entries, 1u);
}

// A short loop is never worth a compile: below the threshold nothing is requested.
TEST(TieredOsr, AShortLoopStaysInTheInterpreter) {
  OsrRun tiered(make_tiered_tier(sync_config()));
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("hash", {I32(10'000)}), interp.call("hash", {I32(10'000)}));
  EXPECT_EQ(stats_of(tiered.store).osr_compiled, 0u);
  EXPECT_EQ(stats_of(tiered.store).osr_entries, 0u);
}

// A loop entered with values on the operand stack, or with params (also inside a block with
// a param), leaves the interpreter too: the stack's values of every type (signalling NaNs,
// a v128, a null externref among them) carry over with the locals, bit for bit.
TEST(TieredOsr, LoopsWithOperandsOrParamsLeaveTheInterpreter) {
  OsrRun tiered(make_tiered_tier(sync_config()));
  OsrRun interp(interp::make_interpreter());
  uint64_t entries = 0;
  for (const char* name : {"stack_loop", "param_loop", "below", "params"}) {
    SCOPED_TRACE(name);
    expect_same_results(tiered.call(name, {I32(300'000)}), interp.call(name, {I32(300'000)}));
    TieredStats s = stats_of(tiered.store);
    EXPECT_EQ(s.osr_entries, ++entries);
    EXPECT_EQ(s.osr_failed, 0u);
  }
}

// A loop with a value pushed before its enclosing block keeps its frame in the interpreter
// (what OSR supports, interp/osr.h), and its results are right.
TEST(TieredOsr, ALoopWithAValueBelowItsEnclosingBlockIsNotReplaced) {
  OsrRun tiered(make_tiered_tier(sync_config()));
  OsrRun interp(interp::make_interpreter());
  for (uint32_t n : {0u, 300'000u})
    expect_same_results(tiered.call("below_block", {I32(n)}),
                        interp.call("below_block", {I32(n)}));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 0u);
  EXPECT_EQ(s.osr_entries, 0u);
}

// Both loops of a nest may be entered (the inner one runs most), and an outer loop inside an
// if and a block whose inner loop has a param (so only the outer one is OSR-able).
TEST(TieredOsr, NestedLoops) {
  struct Case {
    const char* name;
    uint32_t a, b;
  };
  for (const Case& c : {Case{"nested_inner", 100, 1000}, Case{"nested_outer", 40'000, 3}}) {
    SCOPED_TRACE(c.name);
    OsrRun tiered(make_tiered_tier(sync_config()));
    OsrRun interp(interp::make_interpreter());
    expect_same_results(tiered.call(c.name, {I32(c.a), I32(c.b)}),
                        interp.call(c.name, {I32(c.a), I32(c.b)}));
    EXPECT_EQ(stats_of(tiered.store).osr_entries, 1u);
  }
}

// A trap in the replaced loop, after the frame left the interpreter, is the interpreter's:
// same trap, same backtrace (the machine code's frame stands where the interpreter's was,
// its caller below it is the interpreter's). Also through a call from the loop's machine code
// back into the interpreter (`step` is never compiled).
TEST(TieredOsr, TrapsInTheReplacedLoopAreTheInterpreters) {
  struct Case {
    const char* name;
    std::vector<Value> args;
  };
  const Case cases[] = {
      {"outer", {I32(0), I32(kLong), I32(200'000)}},  // div_after: divide by zero
      {"oob_after", {I32(kLong)}},                    // out of bounds at 262144
      {"outer", {I32(1), I32(kLong), I32(200'000)}},  // with_calls -> step: unreachable
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.name) + " " + std::to_string(c.args[0].i32));
    OsrRun tiered(make_tiered_tier(sync_config([](const runtime::FunctionInstance& f) {
      return f.func_index != kStep && f.func_index != kOuter;
    })));
    OsrRun interp(interp::make_interpreter());
    expect_same_error(tiered.call(c.name, c.args), interp.call(c.name, c.args));
    EXPECT_EQ(stats_of(tiered.store).osr_entries, 1u);
  }
  // Without the trap, the same calls return what the interpreter returns.
  OsrRun tiered(make_tiered_tier(sync_config([](const runtime::FunctionInstance& f) {
    return f.func_index != kStep && f.func_index != kOuter;
  })));
  OsrRun interp(interp::make_interpreter());
  for (uint32_t which : {0u, 1u}) {
    std::vector<Value> args{I32(which), I32(100'000), I32(kLong)};
    expect_same_results(tiered.call("outer", args), interp.call("outer", args));
  }
  expect_same_results(tiered.call("oob_after", {I32(200'000)}),
                      interp.call("oob_after", {I32(200'000)}));
  EXPECT_EQ(stats_of(tiered.store).osr_entries, 3u);
}

// A frame that machine code entered in the interpreter (`outer` compiled, `with_calls` at its
// first call) leaves at its loop too: its results, and a trap under it, as the interpreter's
// (the backtrace runs from `step` in the interpreter through the loop entry and the nested
// interpreter entry to `outer`'s machine code).
TEST(TieredOsr, AFrameCalledFromMachineCodeLeavesAgain) {
  for (uint32_t trap_at : {200'000u, kLong}) {
    SCOPED_TRACE(trap_at);
    OsrRun tiered(make_tiered_tier(
        sync_config([](const runtime::FunctionInstance& f) { return f.func_index != kStep; })));
    OsrRun interp(interp::make_interpreter());
    // outer's first call (in the interpreter) compiles it; div_after runs 10 iterations.
    std::vector<Value> first{I32(0), I32(10), I32(kLong)};
    expect_same_results(tiered.call("outer", first), interp.call("outer", first));
    std::vector<Value> args{I32(1), I32(kLong - 1), I32(trap_at)};
    if (trap_at < kLong)
      expect_same_error(tiered.call("outer", args), interp.call("outer", args));
    else
      expect_same_results(tiered.call("outer", args), interp.call("outer", args));
    EXPECT_EQ(stats_of(tiered.store).osr_entries, 1u);
  }
}

// A loop whose compile fails keeps running in the interpreter, with a note.
TEST(TieredOsr, AFailedCompileKeepsTheLoopInTheInterpreter) {
  std::vector<std::string> notes;
  TieredConfig c = sync_config();
  c.jit.input_limits.max_function_bytes = 8;  // every function is too large
  c.jit.on_note = [&](const std::string& n) { notes.push_back(n); };
  OsrRun tiered(make_tiered_tier(std::move(c)));
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("hash", {I32(kLong)}), interp.call("hash", {I32(kLong)}));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_failed, 1u);
  EXPECT_EQ(s.osr_compiled, 0u);
  EXPECT_EQ(s.osr_entries, 0u);
  EXPECT_TRUE(tiered.call("hash", {I32(1)}).ok());  // notes are delivered at the next call
  bool noted = false;
  for (const std::string& n : notes)
    noted = noted || n.find("the loop of") != std::string::npos;
  EXPECT_TRUE(noted);
}

// Off (TieredConfig::osr = false), frames stay where they started.
TEST(TieredOsr, OffMeansTheFrameStaysInTheInterpreter) {
  TieredConfig c = sync_config();
  c.osr = false;
  OsrRun tiered(make_tiered_tier(std::move(c)));
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("hash", {I32(kLong)}), interp.call("hash", {I32(kLong)}));
  EXPECT_EQ(stats_of(tiered.store).osr_compiled, 0u);
}

// A store with a fuel limit never runs machine code: its frames stay where they started, with
// the interpreter's results.
TEST(TieredOsr, AStoreWithFuelKeepsItsFramesInTheInterpreter) {
  runtime::StoreLimits fuel;
  fuel.fuel = 100'000'000;
  OsrRun tiered(make_tiered_tier(sync_config()), fuel);
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("hash", {I32(kLong)}), interp.call("hash", {I32(kLong)}));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 0u);
  EXPECT_EQ(s.osr_compiled, 0u);
  EXPECT_EQ(s.osr_entries, 0u);
}

// A store with a call deadline alone (the extension host's) tiers up in interrupt mode, and
// its long loops leave the interpreter too: every value type carries over, the results are
// the interpreter's. The loop header both spends the iteration against the deadline and
// counts toward the request.
TEST(TieredOsr, ALongLoopInADeadlineStoreLeavesTheInterpreter) {
  runtime::StoreLimits deadline;
  deadline.call_timeout = std::chrono::seconds(600);
  OsrRun tiered(make_tiered_tier(sync_config()), deadline);
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("hash", {I32(kLong)}), interp.call("hash", {I32(kLong)}));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_entries, 1u);
  EXPECT_EQ(s.osr_failed, 0u);
  // Nested loops and a trap in the replaced loop, as without a deadline.
  expect_same_results(tiered.call("nested_inner", {I32(100), I32(1000)}),
                      interp.call("nested_inner", {I32(100), I32(1000)}));
  expect_same_error(tiered.call("oob_after", {I32(kLong)}), interp.call("oob_after", {I32(kLong)}));
  EXPECT_EQ(stats_of(tiered.store).osr_entries, 3u);
}

// Timeout "deadline exceeded", with a backtrace whose innermost frame is `spin`'s.
void expect_stopped_in_spin(const Result<std::vector<Value>>& r) {
  ASSERT_FALSE(r.ok()) << "an endless loop returned";
  EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
  EXPECT_EQ(r.error().message, "deadline exceeded: the call ran past its 0.200 s timeout");
  ASSERT_EQ(r.error().backtrace.size(), 1u) << describe(r.error().backtrace);
  EXPECT_EQ(r.error().backtrace.front().function_index, kSpin);
}

// An endless loop in a deadline store leaves the interpreter and is stopped at the deadline
// in its loop entry (compiled in interrupt mode: its header reads the store's interrupt
// flag), with the interpreter's error; the store serves the next call. Whatever the compile
// takes, the frame enters the loop entry: the interpreter's first slice of the deadline's
// counter outlasts the request, and an entry past the deadline stops at its first check.
TEST(TieredOsr, AnEndlessLoopInItsLoopEntryStopsAtTheDeadline) {
  runtime::StoreLimits deadline;
  deadline.call_timeout = std::chrono::milliseconds(200);
  OsrRun tiered(make_tiered_tier(sync_config()), deadline);
  OsrRun interp(interp::make_interpreter(), deadline);
  const auto start = std::chrono::steady_clock::now();
  auto r = tiered.call("spin");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  expect_stopped_in_spin(r);
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_entries, 1u);
  expect_stopped_in_spin(interp.call("spin"));
  expect_same_results(tiered.call("hash", {I32(1000)}), interp.call("hash", {I32(1000)}));
}

// A deadline that passes while the frame waits for its loop entry (the compile thread held)
// stops it in the interpreter as before; the entry was asked for and never entered.
TEST(TieredOsr, ADeadlinePassingWhileTheFrameWaitsForItsLoopEntryStopsIt) {
  runtime::StoreLimits deadline;
  deadline.call_timeout = std::chrono::milliseconds(200);
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  OsrRun tiered(make_tiered_tier(std::move(c)), deadline);
  expect_stopped_in_spin(tiered.call("spin"));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 1u);
  EXPECT_EQ(s.osr_compiled, 0u);
  EXPECT_EQ(s.osr_entries, 0u);
}

// With the compile thread: the request goes to the front of its queue, the frame keeps
// interpreting, and once the code is published the frame enters it. The loop's host call
// waits for the compile thread once the request has been made, so the entry does not depend
// on timing.
TEST(TieredOsr, TheCompileThreadsCodeIsEnteredOncePublished) {
  TieredConfig c = sync_config();
  c.background = true;
  OsrRun tiered(make_tiered_tier(std::move(c)));
  OsrRun interp(interp::make_interpreter());
  tiered.on_tick = [&](uint32_t i) {
    // Past the request (osr_request_iterations of a body of a few dozen bytes).
    if (i == 150'000) wait_for_compiles(tiered.store.tier());
  };
  expect_same_results(tiered.call("ticking", {I32(300'000)}),
                      interp.call("ticking", {I32(300'000)}));
  wait_for_compiles(tiered.store.tier());
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_entries, 1u);
}

// A function's loop entries are compiled together: a frame that asks at one of its loops gets
// an entry at every loop of the function, and a later frame running another of them enters
// that without asking (a dispatch loop's function has several, each a compile of the whole
// function otherwise).
TEST(TieredOsr, OneCompileEntersEveryLoopOfTheFunction) {
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  c.hot_at = UINT64_MAX;  // no batch: every call of two_loops starts in the interpreter
  OsrRun tiered(make_tiered_tier(std::move(c)));
  OsrRun interp(interp::make_interpreter());
  // The first frame asks at its first loop; past the request it lets the compile threads go
  // and waits for them, then enters at that loop.
  tiered.on_tick = [&](uint32_t i) {
    if (i != 150'000) return;
    release_compiles(tiered.store.tier());
    wait_for_compiles(tiered.store.tier());
  };
  expect_same_results(tiered.call("two_loops", {I32(300'000), I32(1)}),
                      interp.call("two_loops", {I32(300'000), I32(1)}));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 1u);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_loops_published, 2u);
  EXPECT_EQ(s.osr_entries, 1u);
  // The next frame spends its time in the second loop: it enters there, with nothing asked
  // for or compiled again.
  tiered.on_tick = nullptr;
  expect_same_results(tiered.call("two_loops", {I32(1), I32(300'000)}),
                      interp.call("two_loops", {I32(1), I32(300'000)}));
  s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 1u);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_entries, 2u);
}

// A loop entry still queued when the frame that asked for it ends would be compiled for
// nothing: the request is dropped (the compile thread held, so nothing has started it),
// also for a frame a trap ended, and a later frame asks again and enters the code.
TEST(TieredOsr, AQueuedLoopEntryWhoseFrameEndedIsDroppedAndAskedForAgain) {
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  OsrRun tiered(make_tiered_tier(std::move(c)));
  OsrRun interp(interp::make_interpreter());
  expect_same_results(tiered.call("ticking", {I32(300'000)}),
                      interp.call("ticking", {I32(300'000)}));
  // div_after traps at 200,000, past its request.
  std::vector<Value> trapping{I32(0), I32(kLong), I32(200'000)};
  expect_same_error(tiered.call("outer", trapping), interp.call("outer", trapping));
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 2u);
  EXPECT_EQ(s.osr_withdrawn, 2u);
  // The next frame asks again and, past its request, lets the compile threads go and waits
  // for them in its host call, so it enters the code whatever the timing; only its own
  // request is compiled. (Released earlier, the batch thread would compile `ticking` whole
  // and the next call would run that from its start.)
  tiered.on_tick = [&](uint32_t i) {
    if (i != 150'000) return;
    release_compiles(tiered.store.tier());
    wait_for_compiles(tiered.store.tier());
  };
  expect_same_results(tiered.call("ticking", {I32(300'000)}),
                      interp.call("ticking", {I32(300'000)}));
  s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_requested, 3u);
  EXPECT_EQ(s.osr_withdrawn, 2u);
  EXPECT_EQ(s.osr_compiled, 1u);
  EXPECT_EQ(s.osr_entries, 1u);
}

// Within one call: `ticking`'s frame asks and returns; its caller's loop notices at its next
// look and drops the request, while its own request (made later, its frame still running)
// stands until the call ends.
TEST(TieredOsr, ARequestIsDroppedAtTheNextLookOnceItsFrameReturned) {
  TieredConfig c = sync_config();
  c.background = true;
  c.start_held = true;
  OsrRun tiered(make_tiered_tier(std::move(c)));
  OsrRun interp(interp::make_interpreter());
  std::vector<TieredStats> seen;
  tiered.on_tick = [&](uint32_t i) {
    // phases' loop: after its first look (iteration 1024), and after its own request.
    if (i == 0x40000000u + 4096 || i == 0x40000000u + 100'000)
      seen.push_back(stats_of(tiered.store));
  };
  expect_same_results(tiered.call("phases", {I32(200'000)}),
                      interp.call("phases", {I32(200'000)}));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].osr_requested, 1u);  // ticking's
  EXPECT_EQ(seen[0].osr_withdrawn, 1u);
  EXPECT_EQ(seen[1].osr_requested, 2u);  // and phases'
  EXPECT_EQ(seen[1].osr_withdrawn, 1u);
  TieredStats s = stats_of(tiered.store);
  EXPECT_EQ(s.osr_withdrawn, 2u);
  release_compiles(tiered.store.tier());
  wait_for_compiles(tiered.store.tier());
  EXPECT_EQ(stats_of(tiered.store).osr_compiled, 0u);
}

}  // namespace
}  // namespace ironclad::tiered::testing
