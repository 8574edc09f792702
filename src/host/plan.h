// The plan: which tier runs a module and for which CPU features, on each rung of the recovery
// ladder. The planned rung is the policy ∩ the verified host features (∩ a CPU profile when
// one is named) with the overrides applied; each safer rung takes at most what the one before
// it had, without the features that faulted:
//
//   planned       policy ∩ verified − excluded
//   conservative  planned ∩ policy `conservative` − excluded
//   baseline      planned ∩ policy `baseline` − excluded
//   interpreter   no JIT
//
// ("− excluded" also removes every feature that needs an excluded one.)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "cpu/policy.h"
#include "ironclad/error.h"
#include "ironclad/extension_host.h"
#include "runtime/runtime.h"

namespace ironclad::host {

// What the application asked for: the planned rung.
struct PlanRequest {
  // "auto" or "tiered" (each JIT rung starts in the interpreter and compiles called functions
  // in the background, or before their first call under CPU emulation: docs/tiering.md),
  // "jit" (the whole module compiled before it runs), or "interp".
  std::string tier = "auto";
  std::string policy = "conservative";
  std::string cpu_profile;        // compile for this profile ∩ this host; "" = this host
  std::string cpu_features;       // "+x,-y", applied after IRONCLAD_CPU_FEATURES
  bool use_env_overrides = true;  // read IRONCLAD_CPU_FEATURES
  std::string emulate_cpu;        // run as if on this profile (jit/jit_tier.h emulation)
};

// One rung's configuration, resolved.
struct RungPlan {
  Rung rung = Rung::Planned;
  bool jit = false;
  bool tiered = false;            // a JIT rung that starts in the interpreter (PlanRequest)
  cpu::FeatureSet features;       // what the JIT compiles for; empty for the interpreter
  cpu::FeatureSet host_verified;  // JitConfig::host_verified
  std::optional<cpu::FeatureSet> emulate_features;
  std::string emulate_cpu;

  const char* tier_name() const { return !jit ? "interp" : tiered ? "tiered" : "jit"; }
  // "jit {avx,avx2,...}" (LLVM names) or "interp": what incidents and reports call a tier.
  std::string describe() const;
  bool same_code_as(const RungPlan& other) const {
    return jit == other.jit && tiered == other.tiered && features == other.features;
  }
};

// The rung after `rung`, or nullopt when `rung` is the last (the interpreter).
std::optional<Rung> next_rung(Rung rung);
// "planned", "conservative", ... back to a Rung (the quarantine stores the text).
std::optional<Rung> parse_rung(std::string_view text);

class Planner {
 public:
  // Usage errors for an unknown tier, policy, CPU profile or emulated CPU, and for tier "jit"
  // under policy `interpreter`. Overrides naming unverified features are refused with a
  // warning (warnings()).
  static Result<Planner> create(const PlanRequest& request);

  // The configuration of `rung` without `excluded` (and whatever needs those features).
  // A rung whose JIT would have no feature left is the interpreter.
  RungPlan plan(Rung rung, const cpu::FeatureSet& excluded) const;
  // A fresh tier for a plan: the interpreter, or a JIT compiling for plan.features (tiered:
  // behind the interpreter).
  std::unique_ptr<runtime::Tier> make_tier(const RungPlan& plan) const;

  const std::vector<std::string>& warnings() const { return warnings_; }
  const PlanRequest& request() const { return request_; }

 private:
  PlanRequest request_;
  bool jit_allowed_ = true;
  cpu::FeatureSet verified_;       // what the code may rely on (host, or profile ∩ host)
  cpu::FeatureSet host_verified_;  // what this machine verified
  cpu::FeatureSet planned_;        // the resolved policy's features
  std::optional<cpu::FeatureSet> emulate_features_;
  std::vector<std::string> warnings_;
};

// Features by LLVM or stable name ("avx512dq,avx512vl") as a set; unknown names are ignored.
cpu::FeatureSet features_from_names(const std::vector<std::string>& names);

}  // namespace ironclad::host
