// Policies: the feature set handed to a code generator.
//
//   native        everything verified on this host
//   conservative  verified minus the whole AVX-512 and AMX families (the default: the fix
//                 the Alder Lake-N crash analysis recommended)
//   baseline      x86-64-v2 ∩ verified
//   interpreter   no JIT at all
//
// Each is refined by overrides "+feat,-feat" from the engine config, the
// IRONCLAD_CPU_FEATURES environment variable and the CLI, applied in that order. An override
// can remove anything; it can add only a verified feature (anything else is refused with a
// warning). Adding a feature adds what it needs; removing one removes what needs it, so the
// result is always consistent and always a subset of the verified set.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/features.h"

namespace ironclad::cpu {

enum class Policy : uint8_t { Native, Conservative, Baseline, Interpreter };
inline constexpr Policy kDefaultPolicy = Policy::Conservative;
inline constexpr Policy kAllPolicies[] = {Policy::Native, Policy::Conservative, Policy::Baseline,
                                          Policy::Interpreter};

const char* to_string(Policy policy);
std::optional<Policy> parse_policy(std::string_view name);

// One list of overrides and where it came from ("config", "IRONCLAD_CPU_FEATURES", "--features").
struct OverrideSource {
  std::string origin;
  std::string text;  // "+avx2,-avx512f"; a bare name means '+'
};

// IRONCLAD_CPU_FEATURES, when set and not empty.
std::optional<OverrideSource> env_overrides();

struct ResolvedPolicy {
  Policy policy = kDefaultPolicy;
  bool jit = true;                    // false for `interpreter`
  FeatureSet features;                // what the code generator may use; ⊆ verified
  std::vector<std::string> warnings;  // overrides refused or ignored
  std::vector<std::string>
      notes;  // consequences of overrides (what was added or removed with them)

  // The LLVM feature string: "+sse2,...,-avx512f,..." (every feature named, DESIGN.md
  // invariant 3: LLVM never guesses from a CPU name).
  std::string llvm_features() const { return features.llvm_feature_string(); }
};

// The set a policy starts from, before overrides.
FeatureSet policy_base(Policy policy, const FeatureSet& verified);

ResolvedPolicy resolve_policy(Policy policy, const FeatureSet& verified,
                              const std::vector<OverrideSource>& overrides = {});

}  // namespace ironclad::cpu
