// Which tier a command runs with, and for which CPU features: the options --tier, --policy,
// --cpu and --cpu-features (plus IRONCLAD_CPU_FEATURES), shared by `run`, `spectest` and
// `verify` so that every command reads them the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cpu/features.h"
#include "cpu/policy.h"
#include "ironclad/error.h"
#include "runtime/runtime.h"

namespace ironclad::cli {

// The options as typed; `tier` is empty for commands without a --tier option (verify).
struct TierRequest {
  std::string tier = "interp";
  std::string policy = cpu::to_string(cpu::kDefaultPolicy);
  std::string cpu_profile;   // "" = this host
  std::string cpu_features;  // "+x,-y"
  bool show_tier = false;    // --show-tier: say on stderr which tier was chosen and why
  // --emulate-cpu PROFILE (else IRONCLAD_EMULATE_CPU): run JIT code as if on that CPU
  // (docs/emulation.md). "" = no emulation.
  std::string emulate_cpu;
};

// Tiered: the interpreter at once, the JIT per function in the background (docs/tiering.md).
enum class TierKind { Interp, Jit, Tiered };

// What the options resolve to.
struct TierPlan {
  TierKind kind = TierKind::Interp;
  // The set the code may rely on: the host's verified set, or with --cpu the profile's
  // features that this host also verified (code for a profile must still run here).
  cpu::FeatureSet verified;
  cpu::FeatureSet host_verified;  // what this machine verified (JitConfig::host_verified)
  std::string verified_origin;    // "this host" or "profile alderlake-n ∩ this host"
  cpu::ResolvedPolicy resolved;   // the policy applied to `verified`, with the overrides
  // CPU emulation for the JIT (JitConfig::emulate_features); no effect on the interpreter.
  std::optional<cpu::FeatureSet> emulate_features;
  std::string emulate_cpu;  // the profile's name
};

// Adds --policy, --cpu, --cpu-features and --emulate-cpu to `cmd` (and --tier when
// `with_tier`).
void add_tier_options(CLI::App* cmd, TierRequest& request, bool with_tier);

// Resolves the request. Usage errors: an unknown tier, policy or profile, `--tier jit` with
// the interpreter policy or without any feature to compile for. Policy warnings (an override
// naming a feature that is not verified, which is refused) are printed on `warnings`, one
// "ironclad: warning: ..." line each, followed with --show-tier by one "ironclad: tier: ..."
// line naming the chosen tier and the feature set.
Result<TierPlan> plan_tier(const TierRequest& request, std::FILE* warnings);

// The tier the plan names: the interpreter, or the JIT compiling for plan.resolved.features.
Result<std::unique_ptr<runtime::Tier>> make_tier(const TierPlan& plan);

// --show-tier with --tier tiered: what tiering did in `tier` (nothing for other tiers), on
// stderr once the program has ended: what is finished then, and what is still compiling (it
// never waits for a batch in progress).
void print_tiering_stats(runtime::Tier& tier);

}  // namespace ironclad::cli
