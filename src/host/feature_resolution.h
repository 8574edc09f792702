// The CPU features a JIT may compile for: a policy resolved against the verified host features
// (∩ a named CPU profile), with the overrides applied, plus the CPU to emulate. One place owns
// this so that the CLI's tier options (src/cli/tier_selection.cpp) and the host's planner
// (plan.cpp) cannot drift apart.
#pragma once

#include <optional>
#include <string>

#include "cpu/features.h"
#include "cpu/policy.h"
#include "ironclad/error.h"
#include "jit/jit_tier.h"

namespace ironclad::host {

struct FeatureRequest {
  std::string policy = cpu::to_string(cpu::kDefaultPolicy);
  std::string cpu_profile;   // compile for this profile ∩ this host; "" = this host
  std::string cpu_features;  // "+x,-y", applied after IRONCLAD_CPU_FEATURES
  // What warnings about cpu_features call their source ("--cpu-features", "cpu_features").
  std::string cpu_features_source = "cpu_features";
  bool use_env_overrides = true;  // read IRONCLAD_CPU_FEATURES
  std::string emulate_cpu;        // run JIT code as if on this profile; "" = no emulation
  // Where emulate_cpu came from, for the error about an unknown profile ("--emulate-cpu").
  std::string emulate_source = "emulate_cpu";
};

struct ResolvedFeatures {
  // The set the code may rely on: the host's verified set, or with a profile the profile's
  // features that this host also verified (code for a profile must still run here).
  cpu::FeatureSet verified;
  cpu::FeatureSet host_verified;  // what this machine verified (JitConfig::host_verified)
  std::string verified_origin;    // "this host" or "profile alderlake-n ∩ this host"
  cpu::ResolvedPolicy resolved;   // the policy applied to `verified`, with the overrides
  std::optional<cpu::FeatureSet> emulate_features;
  std::string emulate_cpu;  // the emulated profile's name
};

// Usage errors for an unknown policy, CPU profile or emulated CPU (checked in that order).
// Overrides naming unverified features are refused with a warning (resolved.warnings).
Result<ResolvedFeatures> resolve_features(const FeatureRequest& request);

// The JIT configuration compiling for `features` on this host, emulating `emulate_features`
// when set.
jit::JitConfig jit_config(const cpu::FeatureSet& features, const cpu::FeatureSet& host_verified,
                          const std::optional<cpu::FeatureSet>& emulate_features,
                          const std::string& emulate_cpu);

}  // namespace ironclad::host
