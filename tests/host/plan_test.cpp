// The plan per rung: each safer rung takes at most what the one before had, never a
// feature that faulted (nor one that needs it), and the last rung is the interpreter.
#include "host/plan.h"

#include <gtest/gtest.h>

#include "cpu/host.h"

namespace ironclad::host_test {
namespace {

using cpu::FeatureSet;
using cpu::X86;

host::Planner planner(const std::string& policy, const std::string& tier = "auto") {
  host::PlanRequest request;
  request.policy = policy;
  request.tier = tier;
  request.use_env_overrides = false;
  auto p = host::Planner::create(request);
  EXPECT_TRUE(p.ok()) << p.error().describe();
  return std::move(*p);
}

TEST(Plan, EachRungIsASubsetOfThePreviousOneAndOfTheVerifiedSet) {
  const FeatureSet& verified = cpu::host_cpu().verified;
  host::Planner p = planner("native");
  host::RungPlan planned = p.plan(Rung::Planned, {});
  host::RungPlan conservative = p.plan(Rung::Conservative, {});
  host::RungPlan baseline = p.plan(Rung::Baseline, {});
  host::RungPlan interp = p.plan(Rung::Interpreter, {});
  EXPECT_TRUE(planned.features.subset_of(verified));
  EXPECT_TRUE(conservative.features.subset_of(planned.features));
  EXPECT_TRUE(baseline.features.subset_of(conservative.features));
  EXPECT_TRUE((conservative.features & FeatureSet::family(cpu::Family::Avx512)).empty());
  EXPECT_FALSE(baseline.features.has(X86::AVX));
  EXPECT_FALSE(interp.jit);
  EXPECT_TRUE(interp.features.empty());
  EXPECT_EQ(interp.describe(), "interp");
  // The default tier, "auto", is tiered on every JIT rung.
  if (planned.jit) EXPECT_EQ(planned.describe().rfind("tiered {", 0), 0u);
}

TEST(Plan, ExcludedFeaturesAndWhatNeedsThemAreLeftOut) {
  const FeatureSet& verified = cpu::host_cpu().verified;
  if (!verified.has(X86::AVX2)) GTEST_SKIP() << "this host does not verify AVX2";
  host::Planner p = planner("native");
  host::RungPlan plan = p.plan(Rung::Planned, FeatureSet{X86::AVX});
  EXPECT_FALSE(plan.features.has(X86::AVX));
  EXPECT_FALSE(plan.features.has(X86::AVX2));  // needs AVX
  EXPECT_FALSE(plan.features.has(X86::FMA));   // needs AVX
  EXPECT_TRUE(plan.features.has(X86::SSE2));
}

TEST(Plan, TheInterpreterPolicyOrTierPlansTheInterpreterOnEveryRung) {
  for (host::Planner p : {planner("interpreter"), planner("native", "interp")}) {
    for (Rung r : {Rung::Planned, Rung::Conservative, Rung::Baseline, Rung::Interpreter})
      EXPECT_FALSE(p.plan(r, {}).jit) << to_string(r);
  }
}

// Tier "tiered": every rung that has a JIT starts in the interpreter and tiers up (the
// incidents and the status name it), with the same features as under "jit"; the last rung
// is the interpreter as always.
TEST(Plan, TheTieredTierKeepsTheLadderAndTiersEveryJitRung) {
  host::Planner jit = planner("native", "jit");
  host::Planner tiered = planner("native", "tiered");
  for (Rung r : {Rung::Planned, Rung::Conservative, Rung::Baseline, Rung::Interpreter}) {
    host::RungPlan a = jit.plan(r, {}), b = tiered.plan(r, {});
    EXPECT_EQ(a.jit, b.jit) << to_string(r);
    EXPECT_EQ(a.features, b.features) << to_string(r);
    EXPECT_EQ(b.tiered, b.jit) << to_string(r);
    EXPECT_FALSE(a.tiered) << to_string(r);
    EXPECT_FALSE(a.same_code_as(b) && a.jit) << to_string(r);
    EXPECT_STREQ(b.tier_name(), b.jit ? "tiered" : "interp") << to_string(r);
    if (b.jit) EXPECT_EQ(b.describe().rfind("tiered {", 0), 0u) << b.describe();
  }
  host::PlanRequest no_jit;
  no_jit.tier = "tiered";
  no_jit.policy = "interpreter";
  EXPECT_EQ(host::Planner::create(no_jit).error().kind, ErrorKind::Usage);
}

TEST(Plan, RungsAreNamedAndOrdered) {
  EXPECT_EQ(host::next_rung(Rung::Planned), Rung::Conservative);
  EXPECT_EQ(host::next_rung(Rung::Conservative), Rung::Baseline);
  EXPECT_EQ(host::next_rung(Rung::Baseline), Rung::Interpreter);
  EXPECT_EQ(host::next_rung(Rung::Interpreter), std::nullopt);
  for (Rung r : {Rung::Planned, Rung::Conservative, Rung::Baseline, Rung::Interpreter})
    EXPECT_EQ(host::parse_rung(to_string(r)), r);
  EXPECT_EQ(host::parse_rung("fastest"), std::nullopt);
}

TEST(Plan, BadRequestsAreUsageErrors) {
  host::PlanRequest bad_tier;
  bad_tier.tier = "turbo";
  EXPECT_EQ(host::Planner::create(bad_tier).error().kind, ErrorKind::Usage);
  host::PlanRequest jit_without_jit;
  jit_without_jit.tier = "jit";
  jit_without_jit.policy = "interpreter";
  EXPECT_EQ(host::Planner::create(jit_without_jit).error().kind, ErrorKind::Usage);
  host::PlanRequest bad_profile;
  bad_profile.cpu_profile = "pentium9";
  EXPECT_EQ(host::Planner::create(bad_profile).error().kind, ErrorKind::Usage);
}

}  // namespace
}  // namespace ironclad::host_test
