// The tiered tier (issue 15, docs/tiering.md): a module starts at once in the interpreter;
// each wasm function is queued for the JIT at its first call, compiled, hottest first (the
// interpreter counts calls and loop iterations), with other queued functions of its instance
// in a batch on a background thread, verified like any JIT code
// (ISA verifier, CPU emulation, signal registration) and published: its next call, from the
// interpreter or from other machine code, runs the machine code. Calls cross between the two
// tiers in both directions with the same results, traps and backtraces.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "runtime/runtime.h"

namespace ironclad::tiered {

struct TieredConfig {
  // The JIT's features, verification set, emulation, bounds checks, notes and opt level, and
  // its code cache: with artifact_cache_dir and artifact_key set, each batch compiled is
  // written there (signed, counted against artifact_cache_limit), and an instance loads its
  // module's cached batches at instantiation, before its first call (docs/tiering.md, "Code
  // cache"). `artifacts` is not used (it holds whole modules).
  jit::JitConfig jit;
  // The interpreter's options (on_first_call is the tier's own and is overwritten).
  interp::InterpreterOptions interp;
  // True: one background thread compiles. False: a function is compiled on the calling
  // thread at its first call, before that call runs (in the interpreter): deterministic, for
  // tests and for comparing (IRONCLAD_TIERED_SYNC=1).
  bool background = true;
  // True: a lazy JIT. Each function is compiled on the calling thread before its first call
  // and that call already runs the machine code (a function that fails to compile runs in
  // the interpreter); nothing runs in the background. For CPU emulation (docs/emulation.md):
  // reproducing a fault needs the faulting instruction to run on its first call, as under the
  // whole-module JIT, without compiling functions the run never calls.
  bool compile_before_first_call = false;
  // The most functions one batch compiles (the functions in a batch call each other
  // directly; calls between batches go through the callee's FunctionInstance).
  uint32_t max_batch = 64;
  // A batch stops growing past this many bytes of function bodies: LLVM's time grows with
  // its input, and a batch in progress delays both its functions and the store's end
  // (which waits for it).
  uint64_t max_batch_bytes = 32 * 1024;
  // The same for a batch of upgrades (to jit.opt_level), whose compile costs several times a
  // first-tier one per byte: the compile thread cannot take a newly hot function's first
  // compile before the batch in progress is done. IRONCLAD_TIERED_UPGRADE_BATCH for the CLI.
  uint64_t max_upgrade_batch_bytes = 32 * 1024;
  // Which functions may be compiled (tests pin a mix of tiers); null: all.
  std::function<bool(const runtime::FunctionInstance&)> may_compile;
  // A queued function is compiled once its heat (calls and loop iterations the interpreter
  // ran, interp::heat_of) reaches this many: functions that run only a few times (start-up,
  // initialisation) stay interpreted and cost no compile. 1: every function called. The
  // compile thread looks at the queue's heat again every few milliseconds while it holds only
  // colder functions (less often while nothing heats up). Measured on the corpus programs in
  // docs/tiering.md ("Heat threshold"); IRONCLAD_TIERED_HEAT for the CLI.
  uint64_t hot_at = kDefaultHotAt;
  static constexpr uint64_t kDefaultHotAt = 1000;
  // The compile thread takes nothing from the queue until release_compiles(): functions
  // queue up and gather heat (for tests of the queue's order, and for an embedder that
  // wants its start-up undisturbed).
  bool start_held = false;
  // The first tier: with background compiles, batches are compiled at this -O level first (0:
  // LLVM's fast instruction selection and register allocation, about 12x cheaper than -O2
  // here), then recompiled at jit.opt_level and published again once the program has run
  // upgrade_wait times as long as the first compile took since (rent or buy: the upgrade costs
  // about that much), when no function waits for its first compile. The same policy,
  // verification, emulation, cache (the -O level is in its key) for both. Negative or not
  // below jit.opt_level: one tier at jit.opt_level (as without background, and for OSR's loop
  // entries always). IRONCLAD_TIERED_FIRST_OPT=N (-1: one tier).
  int first_opt_level = 0;
  // tiered_config_for's top tier (jit.opt_level): the light pipeline (module_compiler.h).
  static constexpr int kTopOptLevel = 1;
  double upgrade_wait = 12;  // 0: at once (tests); IRONCLAD_TIERED_UPGRADE_WAIT
  // Tests: the compile thread takes its first batch as soon as it is eligible (the store's
  // thread waits at that function's first call until it has), then holds it, uncompiled,
  // until release_compiles() or the store's end (which drops it): a batch in progress at a
  // program's end, without timing (IRONCLAD_TIERED_HOLD=batch).
  bool hold_first_batch = false;
  // Called on the compile thread when it has taken a batch, before compiling it (tests).
  std::function<void(size_t functions)> on_batch_taken;
  // On-stack replacement: a frame whose loop runs long leaves the interpreter for code
  // compiled with an entry at that loop (interp/osr.h). Off: frames stay where they started.
  bool osr = true;
  // Tests: every OSR-able loop asks at its first iteration and enters its code as soon as
  // published (interp::OsrMode::Eager; IRONCLAD_TIERED_OSR=eager).
  bool osr_eager = false;
  // Called on the compile thread after each function's machine code is published, in the
  // order of publication (tests); for code loaded from the code cache, on the instantiating
  // thread during instantiation.
  std::function<void(const runtime::FunctionInstance&)> on_published;
};

// What a tiered tier did so far (ironclad run --show-tier).
struct TieredStats {
  uint64_t functions_queued = 0;    // functions called at least once in the interpreter
  uint64_t functions_compiled = 0;  // published machine code
  uint64_t functions_failed = 0;    // stay in the interpreter (a note says why)
  uint64_t batches = 0;
  // Now: in the batch being compiled, queued and hot enough (TieredConfig::hot_at) but not
  // taken yet, and queued below the threshold (they stay interpreted until they heat up).
  uint64_t functions_compiling = 0;
  uint64_t functions_waiting = 0;
  uint64_t functions_cold = 0;
  uint64_t hot_at = 0;  // the threshold (TieredConfig::hot_at)
  // The first tier (TieredConfig::first_opt_level): functions compiled at it, and those of
  // them recompiled at the top level since (functions_compiled counts each function once).
  uint64_t functions_first_tier = 0;
  uint64_t functions_upgraded = 0;
  // The code cache (TieredConfig::jit.artifact_cache_dir): functions whose machine code was
  // loaded from it at instantiation (never queued, never compiled), the batches that held it,
  // and the batches this store wrote to it.
  uint64_t functions_cached = 0;
  uint64_t batches_loaded = 0;
  uint64_t batches_written = 0;
  double cache_load_ms = 0;  // wall time reading, linking and installing them (instantiation)
  // On-stack replacement (docs/tiering.md): loop entries compiled, and frames that left the
  // interpreter at one of them.
  uint64_t osr_requested = 0;  // loop entries asked for (again after a withdrawal)
  // Requests dropped before their compile started: the frame that asked had ended.
  uint64_t osr_withdrawn = 0;
  uint64_t osr_compiled = 0;         // compiles of a function's loop entries
  uint64_t osr_loops_published = 0;  // loops they entered (each of its loops one compile)
  uint64_t osr_failed = 0;           // loops that stay interpreted (a note says why)
  uint64_t osr_entries = 0;
  uint64_t osr_compiling = 0;  // now: loop entries being compiled or queued
  double compile_ms = 0;  // wall time spent compiling (background thread or caller), finished
};

// The configuration of a tiered tier compiling as `jit` says, as the CLI and the extension
// host make it: under CPU emulation (jit.emulate_features) compile_before_first_call, so that
// an emulated CPU's fault reproduces at once; the rest from the environment:
// IRONCLAD_INTERP_PLAIN (the interpreter's options), IRONCLAD_TIERED_SYNC=1 (background =
// false), IRONCLAD_TIERED_OSR=0|eager (osr, osr_eager), IRONCLAD_TIERED_HOLD=1 (start_held).
TieredConfig tiered_config_for(jit::JitConfig jit);

std::unique_ptr<runtime::Tier> make_tiered_tier(TieredConfig config);

// The statistics of `tier` in `out` when it is a tiered tier (else false). Never waits for a
// compile: a batch in progress counts in functions_compiling.
bool tiered_stats(runtime::Tier& tier, TieredStats& out);

// Waits until every function queued so far that is hot enough (TieredConfig::hot_at) is
// compiled (or failed) and published (a tier made with `start_held` must be released first).
// For tests and measurements; a no-op for other tiers.
void wait_for_compiles(runtime::Tier& tier);

// Lets the compile thread of a tiered tier made with `start_held` start (and compile the
// batch held by `hold_first_batch`). A no-op for other tiers.
void release_compiles(runtime::Tier& tier);

// Stops compiling once the batch in progress is published (the queued functions stay in the
// interpreter), as the store's end does. A no-op for other tiers.
void stop_compiling(runtime::Tier& tier);

// True while a tiered tier has a batch or loop entry compiling or queued (false for other
// tiers): a process about to exit need not wait for it (ironclad run, docs/tiering.md).
bool is_compiling(runtime::Tier& tier);

}  // namespace ironclad::tiered
