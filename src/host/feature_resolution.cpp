#include "host/feature_resolution.h"

#include <vector>

#include "cpu/host.h"
#include "cpu/profiles.h"

namespace ironclad::host {
namespace {

Error usage(std::string message) {
  return Error::make(ErrorKind::Usage, std::move(message));
}

std::string known_profiles() {
  std::string names;
  for (const cpu::Profile& p : cpu::profiles())
    names += (names.empty() ? "" : ", ") + std::string(p.name);
  return names;
}

}  // namespace

Result<ResolvedFeatures> resolve_features(const FeatureRequest& request) {
  // Every option is checked before anything is resolved, so a typo is reported as itself.
  std::optional<cpu::Policy> policy = cpu::parse_policy(request.policy);
  if (!policy)
    return usage("unknown policy '" + request.policy +
                 "' (expected native, conservative, baseline or interpreter)");
  const cpu::Profile* profile = nullptr;
  if (!request.cpu_profile.empty()) {
    profile = cpu::find_profile(request.cpu_profile);
    if (!profile)
      return usage("unknown CPU profile '" + request.cpu_profile + "' (known: " + known_profiles() +
                   ")");
  }
  const cpu::Profile* emulated = nullptr;
  if (!request.emulate_cpu.empty()) {
    emulated = cpu::find_profile(request.emulate_cpu);
    if (!emulated)
      return usage("unknown CPU profile '" + request.emulate_cpu + "' for " +
                   request.emulate_source + " (known: " + known_profiles() + ")");
  }

  ResolvedFeatures out;
  out.host_verified = cpu::host_cpu().verified;
  if (emulated) {
    out.emulate_features = emulated->features;
    out.emulate_cpu = std::string(emulated->name);
  }
  out.verified = out.host_verified;
  out.verified_origin = "this host";
  if (profile) {
    // Code compiled for the profile must also run here (invariant 4), hence the intersection.
    out.verified = profile->features & out.host_verified;
    out.verified_origin = "profile " + std::string(profile->name) + " ∩ this host";
  }
  std::vector<cpu::OverrideSource> overrides;
  if (request.use_env_overrides) {
    if (auto env = cpu::env_overrides()) overrides.push_back(*env);
  }
  if (!request.cpu_features.empty())
    overrides.push_back({request.cpu_features_source, request.cpu_features});
  out.resolved = cpu::resolve_policy(*policy, out.verified, overrides);
  return out;
}

jit::JitConfig jit_config(const cpu::FeatureSet& features, const cpu::FeatureSet& host_verified,
                          const std::optional<cpu::FeatureSet>& emulate_features,
                          const std::string& emulate_cpu) {
  jit::JitConfig config;
  config.features = features;
  config.host_verified = host_verified;
  config.emulate_features = emulate_features;
  config.emulate_cpu_name = emulate_cpu;
  return config;
}

}  // namespace ironclad::host
