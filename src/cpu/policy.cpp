#include "cpu/policy.h"

#include <cctype>
#include <cstdlib>

#include "cpu/profiles.h"

namespace ironclad::cpu {

const char* to_string(Policy policy) {
  switch (policy) {
    case Policy::Native:
      return "native";
    case Policy::Conservative:
      return "conservative";
    case Policy::Baseline:
      return "baseline";
    case Policy::Interpreter:
      return "interpreter";
  }
  return "unknown";
}

std::optional<Policy> parse_policy(std::string_view name) {
  for (Policy p : kAllPolicies)
    if (name == to_string(p)) return p;
  return std::nullopt;
}

std::optional<OverrideSource> env_overrides() {
  const char* text = std::getenv("IRONCLAD_CPU_FEATURES");
  if (!text || !*text) return std::nullopt;
  return OverrideSource{"IRONCLAD_CPU_FEATURES", text};
}

FeatureSet policy_base(Policy policy, const FeatureSet& verified) {
  switch (policy) {
    case Policy::Native:
      return verified;
    case Policy::Conservative:
      return verified - FeatureSet::family(Family::Avx512) - FeatureSet::family(Family::Amx);
    case Policy::Baseline:
      return find_profile("x86-64-v2")->features & verified;
    case Policy::Interpreter:
      return FeatureSet{};
  }
  return FeatureSet{};
}

ResolvedPolicy resolve_policy(Policy policy, const FeatureSet& verified,
                              const std::vector<OverrideSource>& overrides) {
  ResolvedPolicy r;
  r.policy = policy;
  r.jit = policy != Policy::Interpreter;
  r.features = policy_base(policy, verified);

  for (const OverrideSource& src : overrides) {
    std::string_view text = src.text;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find_first_of(", \t", pos);
      std::string_view item = text.substr(pos, end == text.npos ? text.npos : end - pos);
      pos = end == text.npos ? text.size() : end + 1;
      if (item.empty()) continue;
      const std::string where = src.origin + ": '" + std::string(item) + "'";
      if (!r.jit) {
        r.warnings.push_back(where + " ignored: the interpreter policy runs no JIT code");
        continue;
      }
      bool add = item.front() != '-';
      std::string_view name = (item.front() == '+' || item.front() == '-') ? item.substr(1) : item;
      auto feature = find_x86_feature(name);
      if (!feature) {
        r.warnings.push_back(where + " ignored: unknown feature");
        continue;
      }
      const std::string llvm(info(*feature).llvm);
      if (add) {
        if (!verified.has(*feature)) {
          r.warnings.push_back(where + " refused: " + llvm +
                               " is not among the verified features (see `ironclad cpu`)");
          continue;
        }
        FeatureSet wanted = FeatureSet{*feature}.with_requirements();
        FeatureSet extra = wanted - r.features - FeatureSet{*feature};
        if (!extra.empty())
          r.notes.push_back(where + " also adds " + extra.llvm_names() + " (needed by " + llvm +
                            ")");
        r.features |= wanted;  // verified is consistent, so its requirements are verified too
      } else {
        FeatureSet gone = FeatureSet::dependents_of(*feature) & r.features;
        if (!gone.empty())
          r.notes.push_back(where + " also removes " + gone.llvm_names() + " (they need " + llvm +
                            ")");
        r.features -= gone;
        r.features.remove(*feature);
      }
    }
  }
  // Belt and braces: never more than verified, never inconsistent.
  r.features = (r.features & verified).consistent();
  return r;
}

}  // namespace ironclad::cpu
