#include "host/plan.h"

#include "cpu/host.h"
#include "cpu/profiles.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"

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

// The set without `excluded` and without whatever needs an excluded feature.
cpu::FeatureSet without(const cpu::FeatureSet& set, const cpu::FeatureSet& excluded) {
  cpu::FeatureSet removed = excluded;
  for (cpu::X86 f : excluded.list()) removed |= cpu::FeatureSet::dependents_of(f);
  return (set - removed).consistent();
}

}  // namespace

std::string RungPlan::describe() const {
  if (!jit) return "interp";
  return "jit {" + features.llvm_names() + "}";
}

std::optional<Rung> next_rung(Rung rung) {
  switch (rung) {
    case Rung::Planned:
      return Rung::Conservative;
    case Rung::Conservative:
      return Rung::Baseline;
    case Rung::Baseline:
      return Rung::Interpreter;
    case Rung::Interpreter:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Rung> parse_rung(std::string_view text) {
  for (Rung r : {Rung::Planned, Rung::Conservative, Rung::Baseline, Rung::Interpreter})
    if (text == to_string(r)) return r;
  return std::nullopt;
}

cpu::FeatureSet features_from_names(const std::vector<std::string>& names) {
  cpu::FeatureSet set;
  for (const std::string& n : names)
    if (auto f = cpu::find_x86_feature(n)) set.add(*f);
  return set;
}

Result<Planner> Planner::create(const PlanRequest& request) {
  if (request.tier != "auto" && request.tier != "jit" && request.tier != "interp")
    return usage("unknown tier '" + request.tier + "' (expected auto, jit or interp)");
  std::optional<cpu::Policy> policy = cpu::parse_policy(request.policy);
  if (!policy)
    return usage("unknown policy '" + request.policy +
                 "' (expected native, conservative, baseline or interpreter)");
  if (request.tier == "jit" && *policy == cpu::Policy::Interpreter)
    return usage("tier 'jit' is not allowed under policy 'interpreter'");
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
      return usage("unknown CPU profile to emulate '" + request.emulate_cpu +
                   "' (known: " + known_profiles() + ")");
  }

  Planner p;
  p.request_ = request;
  p.host_verified_ = cpu::host_cpu().verified;
  // Code compiled for a profile must still run here (invariant 4), hence the intersection.
  p.verified_ = profile ? profile->features & p.host_verified_ : p.host_verified_;
  std::vector<cpu::OverrideSource> overrides;
  if (request.use_env_overrides) {
    if (auto env = cpu::env_overrides()) overrides.push_back(*env);
  }
  if (!request.cpu_features.empty()) overrides.push_back({"cpu_features", request.cpu_features});
  cpu::ResolvedPolicy resolved = cpu::resolve_policy(*policy, p.verified_, overrides);
  p.warnings_ = resolved.warnings;
  p.jit_allowed_ = resolved.jit && request.tier != "interp";
  p.planned_ = resolved.features;
  if (emulated) p.emulate_features_ = emulated->features;
  return p;
}

RungPlan Planner::plan(Rung rung, const cpu::FeatureSet& excluded) const {
  RungPlan out;
  out.rung = rung;
  out.host_verified = host_verified_;
  out.emulate_features = emulate_features_;
  if (emulate_features_) out.emulate_cpu = request_.emulate_cpu;
  cpu::FeatureSet features = planned_;
  switch (rung) {
    case Rung::Planned:
      break;
    case Rung::Conservative:
      features &= cpu::policy_base(cpu::Policy::Conservative, verified_);
      break;
    case Rung::Baseline:
      features &= cpu::policy_base(cpu::Policy::Baseline, verified_);
      break;
    case Rung::Interpreter:
      features = {};
      break;
  }
  out.features = without(features, excluded);
  out.jit = jit_allowed_ && rung != Rung::Interpreter && !out.features.empty();
  if (!out.jit) out.features = {};
  return out;
}

std::unique_ptr<runtime::Tier> Planner::make_tier(const RungPlan& plan) const {
  if (!plan.jit) return interp::make_interpreter();
  jit::JitConfig config;
  config.features = plan.features;
  config.host_verified = plan.host_verified;
  config.emulate_features = plan.emulate_features;
  config.emulate_cpu_name = plan.emulate_cpu;
  return jit::make_jit_tier(std::move(config));
}

}  // namespace ironclad::host
