#include "cpu/policy.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "cpu/profiles.h"
#include "cpu/report.h"
#include "fixtures.h"

using namespace ironclad::cpu;

namespace {

FeatureSet verified_of(const fixtures::Machine& m) {
  CpuInputs in;
  in.cpuid = fixtures::cpus(m, 1);
  return judge(in).verified;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(Policy, Names) {
  for (Policy p : kAllPolicies) EXPECT_EQ(parse_policy(to_string(p)), p);
  EXPECT_FALSE(parse_policy("aggressive"));
  EXPECT_EQ(kDefaultPolicy, Policy::Conservative);
}

TEST(Policy, Native) {
  FeatureSet v = verified_of(fixtures::zen4());
  ResolvedPolicy r = resolve_policy(Policy::Native, v);
  EXPECT_TRUE(r.jit);
  EXPECT_EQ(r.features, v);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Policy, ConservativeDropsAvx512AndAmx) {
  FeatureSet v = verified_of(fixtures::zen4());
  ASSERT_TRUE(v.has(X86::AVX512F));
  ResolvedPolicy r = resolve_policy(Policy::Conservative, v);
  EXPECT_EQ(r.features, v - FeatureSet::family(Family::Avx512));
  EXPECT_TRUE(r.features.has(X86::AVX2));
  EXPECT_TRUE(r.features.has(X86::GFNI));
  EXPECT_TRUE(r.features.has(X86::VAES));
  EXPECT_NE(r.llvm_features().find("-avx512f"), std::string::npos);
  EXPECT_NE(r.llvm_features().find("+avx2"), std::string::npos);
  // AMX too.
  FeatureSet amx = v | FeatureSet{X86::AMX_TILE, X86::AMX_INT8};
  EXPECT_FALSE(resolve_policy(Policy::Conservative, amx).features.has(X86::AMX_TILE));
}

TEST(Policy, BaselineIsV2IntersectVerified) {
  FeatureSet v = verified_of(fixtures::zen4());
  EXPECT_EQ(resolve_policy(Policy::Baseline, v).features, find_profile("x86-64-v2")->features);
  // On K10 (no SSSE3) the baseline has what K10 has of v2.
  FeatureSet k10 = verified_of(fixtures::k10());
  EXPECT_EQ(resolve_policy(Policy::Baseline, k10).features,
            (FeatureSet{X86::SSE2, X86::SSE3, X86::POPCNT, X86::CX16}));
}

TEST(Policy, InterpreterHasNoJit) {
  ResolvedPolicy r =
      resolve_policy(Policy::Interpreter, verified_of(fixtures::zen4()), {{"--features", "+avx2"}});
  EXPECT_FALSE(r.jit);
  EXPECT_TRUE(r.features.empty());
  EXPECT_TRUE(mentions(r.warnings, "interpreter policy runs no JIT code"));
}

TEST(Policy, OverrideAddsAVerifiedFeatureWithItsRequirements) {
  FeatureSet v = verified_of(fixtures::zen4());
  ResolvedPolicy r = resolve_policy(Policy::Conservative, v, {{"config", "+avx512bw"}});
  EXPECT_TRUE(r.features.has(X86::AVX512BW));
  EXPECT_TRUE(r.features.has(X86::AVX512F));
  EXPECT_FALSE(r.features.has(X86::AVX512VL));
  EXPECT_TRUE(mentions(r.notes, "also adds avx512f"));
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Policy, OverrideCannotAddAnUnverifiedFeature) {
  FeatureSet v = verified_of(fixtures::haswell());
  ResolvedPolicy r = resolve_policy(Policy::Native, v, {{"IRONCLAD_CPU_FEATURES", "+avx512f"}});
  EXPECT_EQ(r.features, v);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "IRONCLAD_CPU_FEATURES: '+avx512f' refused: avx512f is not among the verified "
            "features (see `ironclad cpu`)");
  // Nor through a bare name, nor through an implication.
  EXPECT_EQ(resolve_policy(Policy::Native, v, {{"cli", "sha"}}).features, v);
}

TEST(Policy, OverrideRemovesAFeatureAndWhatNeedsIt) {
  FeatureSet v = verified_of(fixtures::zen4());
  ResolvedPolicy r = resolve_policy(Policy::Native, v, {{"--features", "-avx2"}});
  EXPECT_FALSE(r.features.has(X86::AVX2));
  EXPECT_FALSE(r.features.has(X86::AVX512F));
  EXPECT_FALSE(r.features.has(X86::AVX512BW));
  EXPECT_TRUE(r.features.has(X86::AVX));
  EXPECT_TRUE(r.features.has(X86::FMA));
  EXPECT_TRUE(mentions(r.notes, "also removes"));
  EXPECT_EQ(r.features, r.features.consistent());
}

TEST(Policy, UnknownNamesWarn) {
  ResolvedPolicy r = resolve_policy(Policy::Native, verified_of(fixtures::haswell()),
                                    {{"config", "+avx1024, -bmi2"}});
  EXPECT_TRUE(mentions(r.warnings, "'+avx1024' ignored: unknown feature"));
  EXPECT_FALSE(r.features.has(X86::BMI2));
}

TEST(Policy, LaterSourcesWin) {
  FeatureSet v = verified_of(fixtures::haswell());
  ResolvedPolicy r = resolve_policy(Policy::Conservative, v,
                                    {{"config", "-avx2"}, {"IRONCLAD_CPU_FEATURES", "+avx2"}});
  EXPECT_TRUE(r.features.has(X86::AVX2));
  ResolvedPolicy s =
      resolve_policy(Policy::Conservative, v, {{"config", "+avx2"}, {"--features", "-avx2"}});
  EXPECT_FALSE(s.features.has(X86::AVX2));
}

TEST(Policy, EnvironmentVariable) {
  unsetenv("IRONCLAD_CPU_FEATURES");
  EXPECT_FALSE(env_overrides());
  setenv("IRONCLAD_CPU_FEATURES", "-fma,+bmi2", 1);
  auto env = env_overrides();
  ASSERT_TRUE(env);
  EXPECT_EQ(env->origin, "IRONCLAD_CPU_FEATURES");
  ResolvedPolicy r = resolve_policy(Policy::Native, verified_of(fixtures::haswell()), {*env});
  EXPECT_FALSE(r.features.has(X86::FMA));
  EXPECT_TRUE(r.features.has(X86::BMI2));
  unsetenv("IRONCLAD_CPU_FEATURES");
}

TEST(Policy, AlwaysASubsetOfVerified) {
  FeatureSet v = verified_of(fixtures::haswell());
  for (Policy p : kAllPolicies) {
    ResolvedPolicy r = resolve_policy(p, v, {{"x", "+avx512f,+amx-tile,+xop,+sha,+avx2"}});
    EXPECT_TRUE(r.features.subset_of(v)) << to_string(p);
    EXPECT_EQ(r.features, r.features.consistent()) << to_string(p);
  }
}
