// The LLVM JIT tier: compiles every function of a module to machine code when the module
// is first instantiated, for exactly the CPU features the resolved policy allows
// (DESIGN.md invariants 3 and 4), and runs it inside activations so traps come back as
// Error values.
#pragma once

#include <memory>

#include "cpu/features.h"
#include "runtime/runtime.h"

namespace ironclad::jit {

enum class BoundsChecks : uint8_t {
  Auto,      // implicit (guard region + signal handler) when both are available, else explicit
  Explicit,  // compare every access with the memory's current size
  Implicit,  // rely on the 8 GiB reservation; refused (falls back to explicit) without one
};

struct JitConfig {
  // What the generated code may use: the resolved policy's set (cpu::ResolvedPolicy::features).
  cpu::FeatureSet features;
  // The host's verified set (cpu::host_cpu().verified). Code whose features are not a subset
  // of it is never run (invariant 4).
  cpu::FeatureSet host_verified;
  int opt_level = 2;  // 0..3, as -O<n>
  BoundsChecks bounds_checks = BoundsChecks::Auto;
};

// The JIT tier. Errors in compilation (an unsupported instruction, an LLVM failure, a feature
// set the host cannot run) come back from Store::instantiate as Error values.
std::unique_ptr<runtime::Tier> make_jit_tier(JitConfig config);

}  // namespace ironclad::jit
