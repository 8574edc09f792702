// The LLVM JIT tier: compiles every function of a module to machine code when the module
// is first instantiated, for exactly the CPU features the resolved policy allows
// (DESIGN.md invariants 3 and 4), and runs it inside activations so traps come back as
// Error values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "jit/artifact_key.h"
#include "jit/module_compiler.h"
#include "runtime/runtime.h"

namespace ironclad::jit {

struct Artifact;  // artifact.h

enum class BoundsChecks : uint8_t {
  Auto,      // implicit (guard region + signal handler) when both are available, else explicit
  Explicit,  // compare every access with the memory's current size
  Implicit,  // rely on the 8 GiB reservation; refused (falls back to explicit) without one
};

// JitConfig::artifact_cache_limit unless the embedder says otherwise.
inline constexpr uint64_t kDefaultArtifactCacheLimit = uint64_t{256} << 20;

struct JitConfig {
  // What the generated code may use: the resolved policy's set (cpu::ResolvedPolicy::features).
  cpu::FeatureSet features;
  // The host's verified set (cpu::host_cpu().verified). Code whose features are not a subset
  // of it is never run (invariant 4).
  cpu::FeatureSet host_verified;
  int opt_level = 2;  // 0..3, as -O<n>
  // CPU emulation (issue 5, docs/emulation.md): when set, the code runs as if on a CPU with
  // exactly these features: after compilation every instruction needing a feature outside
  // this set is overwritten at its first bytes with an undefined opcode (the original bytes
  // kept in a side table), so executing it raises a real SIGILL where that CPU would, and
  // the fault is reported against this set. `emulate_cpu_name` names it (e.g. "alderlake-n").
  std::optional<cpu::FeatureSet> emulate_features;
  std::string emulate_cpu_name;
  BoundsChecks bounds_checks = BoundsChecks::Auto;
  // Notes worth logging, e.g. why an instance runs with explicit bounds checks under Auto
  // or Implicit (its memory has no guard region: the reservation failed under RLIMIT_AS).
  // Called on the thread that instantiates; may be empty.
  std::function<void(const std::string&)> on_note;
  // Precompiled code (docs/artifacts.md): an artifact whose module and compile options match a
  // module being instantiated is linked and verified instead of compiled; one that cannot run
  // here (features, versions) is skipped with a note and the module compiled.
  std::vector<std::shared_ptr<const Artifact>> artifacts;
  // A directory of artifacts (one per module, feature set and engine version): loaded when
  // valid and signed with `artifact_key`, (re)written after a compile, signed with it. Empty,
  // or no key: no cache.
  std::string artifact_cache_dir;
  std::optional<ArtifactKey> artifact_key;
  // The most bytes of artifacts that directory keeps: after writing one, the least recently
  // used others are removed until the rest fit (docs/artifacts.md, "Cache size"); the one just
  // written always stays. 0: no limit.
  uint64_t artifact_cache_limit = kDefaultArtifactCacheLimit;
  // Threads compiling one module's partitions (CompileOptions::threads); 0: automatic.
  unsigned compile_threads = 0;
  // Modules beyond these are not compiled (CompileOptions::input_limits): instantiation fails
  // with Exhausted, and the extension host and `ironclad run` use the interpreter instead.
  JitInputLimits input_limits{};
};

// The bounds checks an instance's code was compiled with (Explicit or Implicit), or nullopt
// when the instance is not run by a JIT tier of this store.
std::optional<BoundsChecks> bounds_checks_of(runtime::Store& store,
                                             const runtime::Instance& instance);

// How machine code for a store checks its call budget (runtime/call_budget.h), fixed by the
// store's limits: Fuel counts fuel (a fuel limit; the deadline is checked at each refill),
// Interrupt reads the interrupt flag the deadline watchdog raises (a deadline alone), None
// checks nothing (neither).
enum class BudgetChecks : uint8_t { None = 0, Fuel = 1, Interrupt = 2 };
BudgetChecks budget_checks_for(const runtime::StoreLimits& limits);

struct CompiledModule;
// The code an instance runs, with the mode it was compiled in (CompiledModule::fuel,
// explicit_bounds_checks), or null when the instance is not run by a JIT tier of this store.
const CompiledModule* compiled_code_of(runtime::Store& store, const runtime::Instance& instance);

// The JIT tier. Errors in compilation (an unsupported instruction, an LLVM failure, a feature
// set the host cannot run) come back from Store::instantiate as Error values.
std::unique_ptr<runtime::Tier> make_jit_tier(JitConfig config);

}  // namespace ironclad::jit
