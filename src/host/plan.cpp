#include "host/plan.h"

#include "host/feature_resolution.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "tiered/tiered_tier.h"

namespace ironclad::host {
namespace {

Error usage(std::string message) {
  return Error::make(ErrorKind::Usage, std::move(message));
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
  return std::string(tier_name()) + " {" + features.llvm_names() + "}";
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
  if (request.tier != "auto" && request.tier != "jit" && request.tier != "interp" &&
      request.tier != "tiered")
    return usage("unknown tier '" + request.tier + "' (expected auto, jit, interp or tiered)");
  FeatureRequest features;
  features.policy = request.policy;
  features.cpu_profile = request.cpu_profile;
  features.cpu_features = request.cpu_features;
  features.use_env_overrides = request.use_env_overrides;
  features.emulate_cpu = request.emulate_cpu;
  IRONCLAD_TRY_ASSIGN(ResolvedFeatures resolved, resolve_features(features));
  if ((request.tier == "jit" || request.tier == "tiered") && !resolved.resolved.jit)
    return usage("tier '" + request.tier + "' is not allowed under policy 'interpreter'");

  Planner p;
  p.request_ = request;
  p.host_verified_ = resolved.host_verified;
  p.verified_ = resolved.verified;
  p.warnings_ = resolved.resolved.warnings;
  p.jit_allowed_ = resolved.resolved.jit && request.tier != "interp";
  p.planned_ = resolved.resolved.features;
  p.emulate_features_ = resolved.emulate_features;
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
  // "auto" is tiered: each JIT rung starts in the interpreter (docs/tiering.md).
  out.tiered = out.jit && (request_.tier == "tiered" || request_.tier == "auto");
  return out;
}

std::unique_ptr<runtime::Tier> Planner::make_tier(const RungPlan& plan) const {
  if (!plan.jit) return interp::make_interpreter(interp::InterpreterOptions::from_environment());
  jit::JitConfig config =
      jit_config(plan.features, plan.host_verified, plan.emulate_features, plan.emulate_cpu);
  if (plan.tiered) {
    return tiered::make_tiered_tier(tiered::tiered_config_for(std::move(config)));
  }
  return jit::make_jit_tier(std::move(config));
}

}  // namespace ironclad::host
