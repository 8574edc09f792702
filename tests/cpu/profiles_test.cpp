#include "cpu/profiles.h"

#include <gtest/gtest.h>

#include <set>

#include "cpu/policy.h"

using namespace ironclad::cpu;

TEST(Profiles, AllNamed) {
  const char* names[] = {"x86-64-v1",   "x86-64-v2",      "x86-64-v3", "x86-64-v4",
                         "alderlake-n", "alderlake",      "merom",     "penryn",
                         "nehalem",     "sandybridge",    "haswell",   "skylake-avx512",
                         "icelake",     "sapphirerapids", "goldmont",  "lunarlake",
                         "zen3",        "zen4",           "zen5",      "k10",
                         "piledriver"};
  std::set<std::string_view> seen;
  for (const Profile& p : profiles()) EXPECT_TRUE(seen.insert(p.name).second) << p.name;
  for (const char* n : names) EXPECT_NE(find_profile(n), nullptr) << n;
  EXPECT_EQ(find_profile("pentium4"), nullptr);
}

TEST(Profiles, EveryProfileIsConsistent) {
  for (const Profile& p : profiles()) {
    EXPECT_EQ(p.features, p.features.consistent()) << p.name;
    EXPECT_EQ(p.features, p.features.with_requirements()) << p.name;
    EXPECT_TRUE(p.features.has(X86::SSE2)) << p.name;
    EXPECT_FALSE(p.description.empty()) << p.name;
  }
}

TEST(Profiles, PsAbiLevels) {
  const FeatureSet v1 = find_profile("x86-64-v1")->features;
  const FeatureSet v2 = find_profile("x86-64-v2")->features;
  const FeatureSet v3 = find_profile("x86-64-v3")->features;
  const FeatureSet v4 = find_profile("x86-64-v4")->features;
  EXPECT_EQ(v1, FeatureSet{X86::SSE2});
  EXPECT_EQ(v2 - v1,
            (FeatureSet{X86::CX16, X86::POPCNT, X86::SSE3, X86::SSSE3, X86::SSE4_1, X86::SSE4_2}));
  EXPECT_EQ(v3 - v2, (FeatureSet{X86::AVX, X86::AVX2, X86::BMI1, X86::BMI2, X86::F16C, X86::FMA,
                                 X86::LZCNT, X86::MOVBE}));
  EXPECT_EQ(v4 - v3,
            (FeatureSet{X86::AVX512F, X86::AVX512BW, X86::AVX512CD, X86::AVX512DQ, X86::AVX512VL}));
  EXPECT_TRUE(v1.subset_of(v2) && v2.subset_of(v3) && v3.subset_of(v4));
}

TEST(Profiles, DocumentedModelFacts) {
  auto f = [](const char* name) { return find_profile(name)->features; };
  EXPECT_FALSE(f("merom").has(X86::SSE4_1));
  EXPECT_TRUE(f("penryn").has(X86::SSE4_1));
  EXPECT_FALSE(f("penryn").has(X86::POPCNT));
  EXPECT_TRUE(f("x86-64-v3").subset_of(f("haswell")));
  EXPECT_TRUE(f("x86-64-v4").subset_of(f("skylake-avx512")));
  EXPECT_TRUE(f("x86-64-v3").subset_of(f("alderlake-n")));
  EXPECT_FALSE(f("alderlake-n").has(X86::AVX512F));
  EXPECT_FALSE(f("alderlake").has(X86::AVX512F));
  EXPECT_TRUE(find_profile("alderlake")->hybrid);
  EXPECT_TRUE(f("sapphirerapids").has(X86::AMX_INT8));
  EXPECT_TRUE(f("zen4").has(X86::AVX512BF16));
  EXPECT_FALSE(f("zen3").has(X86::AVX512F));
  EXPECT_TRUE(f("zen5").has(X86::AVX512VP2INTERSECT));
  EXPECT_TRUE(f("piledriver").has(X86::XOP));
  EXPECT_FALSE(f("piledriver").has(X86::AVX2));
  EXPECT_FALSE(f("k10").has(X86::SSSE3));
  EXPECT_FALSE(f("goldmont").has(X86::AVX));
  // No Intel profile claims AMD-only extensions, and the reverse.
  for (const char* intel : {"haswell", "icelake", "sapphirerapids", "alderlake"})
    EXPECT_FALSE(f(intel).has(X86::SSE4A)) << intel;
}

TEST(Profiles, PoliciesOnProfiles) {
  // A profile taken as the verified set of a machine.
  const FeatureSet spr = find_profile("sapphirerapids")->features;
  ResolvedPolicy c = resolve_policy(Policy::Conservative, spr);
  EXPECT_TRUE(c.features.has(X86::AVX_VNNI));
  EXPECT_FALSE(c.features.has(X86::AVX512FP16));
  EXPECT_FALSE(c.features.has(X86::AMX_TILE));
  EXPECT_EQ(resolve_policy(Policy::Baseline, spr).features, find_profile("x86-64-v2")->features);
  EXPECT_EQ(resolve_policy(Policy::Native, spr).features, spr);
  // Conservative on alderlake-n is all of alderlake-n: nothing there is AVX-512.
  const FeatureSet adln = find_profile("alderlake-n")->features;
  EXPECT_EQ(resolve_policy(Policy::Conservative, adln).features, adln);
}
