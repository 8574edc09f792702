// The model against the real CPUID dumps of ../shared/cpuid (skipped when they are absent;
// they are never copied into the repository).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "cpu/policy.h"
#include "cpu/profiles.h"
#include "cpu/report.h"
#include "fixtures.h"

using namespace ironclad::cpu;

namespace {

#define REQUIRE_SHARED_DUMPS(dir)                                                 \
  std::string dir = fixtures::shared_cpuid_dir();                                 \
  if (dir.empty())                                                                \
  GTEST_SKIP() << "no CPUID dumps: IRONCLAD_SHARED_DIR/cpuid is not a directory " \
                  "(the shared dumps live next to the repository, in ../shared/cpuid)"

std::vector<CpuidSnapshot> load(const std::string& dir, const std::string& file) {
  auto r = load_instlatx64(dir + "/" + file);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : std::vector<CpuidSnapshot>{};
}

// The dump's CPU as judged with no other source (XCR0 = what it can save, no kernel, no probes).
FeatureSet verified_of(const std::vector<CpuidSnapshot>& cpus) {
  CpuInputs in;
  in.cpuid = cpus;
  return judge(in).verified;
}

FeatureSet verified_of(const std::string& dir, const std::string& file) {
  return verified_of(load(dir, file));
}

struct DumpInfo {
  const char* file;
  size_t logical_cpus;
};

constexpr DumpInfo kDumps[] = {
    {"AuthenticAMD0100F22_K10_Agena_CPUID.txt", 4},
    {"AuthenticAMD0600F20_K15_Vishera_CPUID.txt", 8},
    {"AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt", 128},
    {"AuthenticAMD0A10F11_K19_Genoa_01_CPUID.txt", 384},
    {"AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt", 64},
    {"GenuineIntel00006F6_Merom_CPUID.txt", 2},
    {"GenuineIntel0010676_Penryn_CPUID.txt", 2},
    {"GenuineIntel00106A1_Nehalem_CPUID.txt", 1},
    {"GenuineIntel00206A7_SandyBridge_CPUID.txt", 4},
    {"GenuineIntel00306C3_Haswell_CPUID.txt", 8},
    {"GenuineIntel0050654_SkylakeX_CPUID.txt", 20},
    {"GenuineIntel00506C9_Goldmont_CPUID.txt", 4},
    {"GenuineIntel00706E5_IceLakeY_CPUID.txt", 8},
    {"GenuineIntel00806F8_SapphireRapids_05_CPUID.txt", 40},
    {"GenuineIntel0090672_AlderLake_01_BC_AVX512_CPUID.txt", 16},
    {"GenuineIntel0090672_AlderLake_01_LC_BC_CPUID.txt", 24},
    {"GenuineIntel00B06D1_LunarLake_04_CPUID.txt", 8},
    {"GenuineIntel00B06E0_AlderLakeN_02_CPUID.txt", 4},
};

void expect_has(const FeatureSet& s, std::initializer_list<X86> yes, const char* what) {
  for (X86 f : yes) EXPECT_TRUE(s.has(f)) << what << " should have " << info(f).llvm;
}
void expect_lacks(const FeatureSet& s, std::initializer_list<X86> no, const char* what) {
  for (X86 f : no) EXPECT_FALSE(s.has(f)) << what << " should not have " << info(f).llvm;
}

}  // namespace

TEST(Dumps, EveryDumpParses) {
  REQUIRE_SHARED_DUMPS(dir);
  for (const DumpInfo& d : kDumps) {
    SCOPED_TRACE(d.file);
    std::vector<CpuidSnapshot> cpus = load(dir, d.file);
    EXPECT_EQ(cpus.size(), d.logical_cpus);
    if (cpus.empty()) continue;
    // The file name carries the vendor and the CPUID signature: GenuineIntel00B06E0_...
    std::string name = d.file;
    CpuidFacts first = decode_cpuid(cpus[0]);
    EXPECT_EQ(first.vendor, name.substr(0, 12));
    EXPECT_EQ(first.signature, std::stoul(name.substr(12, 7), nullptr, 16));
    for (const CpuidSnapshot& s : cpus) EXPECT_TRUE(decode_cpuid(s).features.has(X86::SSE2));
  }
}

TEST(Dumps, DocumentedFacts) {
  REQUIRE_SHARED_DUMPS(dir);
  const FeatureSet avx512 = FeatureSet::family(Family::Avx512);

  FeatureSet n95 = verified_of(dir, "GenuineIntel00B06E0_AlderLakeN_02_CPUID.txt");
  expect_has(n95, {X86::AVX2, X86::FMA, X86::SHA, X86::GFNI, X86::AVX_VNNI}, "N95");
  EXPECT_TRUE((n95 & avx512).empty()) << "N95: " << (n95 & avx512).llvm_names();

  FeatureSet genoa = verified_of(dir, "AuthenticAMD0A10F11_K19_Genoa_01_CPUID.txt");
  expect_has(genoa,
             {X86::AVX512F, X86::AVX512BW, X86::AVX512DQ, X86::AVX512VL, X86::AVX512VBMI,
              X86::AVX512VBMI2, X86::AVX512BITALG, X86::AVX512BF16},
             "Genoa");

  FeatureSet merom = verified_of(dir, "GenuineIntel00006F6_Merom_CPUID.txt");
  expect_has(merom, {X86::SSSE3}, "Merom");
  expect_lacks(merom, {X86::SSE4_1}, "Merom");

  FeatureSet penryn = verified_of(dir, "GenuineIntel0010676_Penryn_CPUID.txt");
  expect_has(penryn, {X86::SSE4_1}, "Penryn");
  expect_lacks(penryn, {X86::SSE4_2, X86::POPCNT}, "Penryn");

  FeatureSet nehalem = verified_of(dir, "GenuineIntel00106A1_Nehalem_CPUID.txt");
  expect_has(nehalem, {X86::SSE4_2, X86::POPCNT}, "Nehalem");
  expect_lacks(nehalem, {X86::AVX}, "Nehalem");

  FeatureSet snb = verified_of(dir, "GenuineIntel00206A7_SandyBridge_CPUID.txt");
  expect_has(snb, {X86::AVX}, "Sandy Bridge");
  expect_lacks(snb, {X86::AVX2}, "Sandy Bridge");

  FeatureSet hsw = verified_of(dir, "GenuineIntel00306C3_Haswell_CPUID.txt");
  expect_has(hsw, {X86::AVX2, X86::FMA, X86::BMI1, X86::BMI2}, "Haswell");

  FeatureSet skx = verified_of(dir, "GenuineIntel0050654_SkylakeX_CPUID.txt");
  expect_has(skx, {X86::AVX512F, X86::AVX512CD, X86::AVX512BW, X86::AVX512DQ, X86::AVX512VL},
             "Skylake-X");

  FeatureSet icl = verified_of(dir, "GenuineIntel00706E5_IceLakeY_CPUID.txt");
  expect_has(
      icl, {X86::AVX512VBMI, X86::AVX512VBMI2, X86::AVX512BITALG, X86::AVX512VPOPCNTDQ, X86::GFNI},
      "Ice Lake");

  FeatureSet spr = verified_of(dir, "GenuineIntel00806F8_SapphireRapids_05_CPUID.txt");
  expect_has(spr, {X86::AMX_TILE, X86::AMX_INT8, X86::AMX_BF16, X86::AVX512FP16},
             "Sapphire Rapids");

  FeatureSet goldmont = verified_of(dir, "GenuineIntel00506C9_Goldmont_CPUID.txt");
  expect_has(goldmont, {X86::SSE4_2}, "Goldmont");
  expect_lacks(goldmont, {X86::AVX, X86::AVX2}, "Goldmont");

  FeatureSet lnl = verified_of(dir, "GenuineIntel00B06D1_LunarLake_04_CPUID.txt");
  expect_has(lnl, {X86::AVX_VNNI}, "Lunar Lake");
  EXPECT_TRUE((lnl & avx512).empty());

  FeatureSet milan = verified_of(dir, "AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt");
  expect_has(milan, {X86::AVX2}, "Milan");
  EXPECT_TRUE((milan & avx512).empty());

  FeatureSet turin = verified_of(dir, "AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt");
  expect_has(turin, {X86::AVX512F, X86::AVX512VP2INTERSECT}, "Turin");

  FeatureSet k10 = verified_of(dir, "AuthenticAMD0100F22_K10_Agena_CPUID.txt");
  expect_has(k10, {X86::SSE4A}, "K10");
  expect_lacks(k10, {X86::SSSE3, X86::SSE4_1}, "K10");

  FeatureSet vishera = verified_of(dir, "AuthenticAMD0600F20_K15_Vishera_CPUID.txt");
  expect_has(vishera, {X86::AVX, X86::FMA4, X86::XOP}, "Piledriver");
  expect_lacks(vishera, {X86::AVX2}, "Piledriver");

  FeatureSet bc = verified_of(dir, "GenuineIntel0090672_AlderLake_01_BC_AVX512_CPUID.txt");
  expect_has(bc, {X86::AVX512F, X86::AVX512FP16}, "Alder Lake with AVX-512 unlocked");
}

TEST(Dumps, HybridAlderLakeIsTheIntersectionOfItsCores) {
  REQUIRE_SHARED_DUMPS(dir);
  std::vector<CpuidSnapshot> all = load(dir, "GenuineIntel0090672_AlderLake_01_LC_BC_CPUID.txt");
  std::vector<CpuidSnapshot> p, e;
  for (const CpuidSnapshot& s : all) (decode_cpuid(s).core_type == 0x40 ? p : e).push_back(s);
  ASSERT_EQ(p.size(), 16u);  // 8 Golden Cove cores, 2 threads each
  ASSERT_EQ(e.size(), 8u);   // 8 Gracemont cores
  for (const CpuidSnapshot& s : e) EXPECT_EQ(decode_cpuid(s).core_type, 0x20);
  CpuInputs in;
  in.cpuid = all;
  CpuReport r = judge(in);
  EXPECT_EQ(r.verified, verified_of(p) & verified_of(e));
  EXPECT_EQ(r.core_types().size(), 2u);
  EXPECT_TRUE((r.verified & FeatureSet::family(Family::Avx512)).empty());
}

TEST(Dumps, AvxUnlockedPCoresWithGracemontECoresLoseAvx512) {
  // The same silicon with AVX-512 exposed on its P-cores, next to the E-cores of the hybrid
  // dump: the weakest core decides, and the reason names it.
  REQUIRE_SHARED_DUMPS(dir);
  std::vector<CpuidSnapshot> p = load(dir, "GenuineIntel0090672_AlderLake_01_BC_AVX512_CPUID.txt");
  std::vector<CpuidSnapshot> hybrid = load(dir, "GenuineIntel0090672_AlderLake_01_LC_BC_CPUID.txt");
  CpuInputs in;
  for (size_t i = 0; i < p.size(); ++i) {
    in.cpuid.push_back(p[i]);
    in.cpuid.back().set_cpu(static_cast<int>(i));
  }
  for (const CpuidSnapshot& s : hybrid)
    if (decode_cpuid(s).core_type == 0x20) {
      in.cpuid.push_back(s);
      in.cpuid.back().set_cpu(static_cast<int>(in.cpuid.size() - 1));
    }
  CpuReport r = judge(in);
  EXPECT_TRUE(verified_of(p).has(X86::AVX512F));
  EXPECT_FALSE(r.verified.has(X86::AVX512F));
  EXPECT_EQ(r.verdict(X86::AVX512F).reason, "CPUID says no on CPUs 16-23 (Atom)");
  EXPECT_TRUE(r.verified.has(X86::AVX2));
}

TEST(Dumps, GenoaUnderAKernelWithoutZmmState) {
  REQUIRE_SHARED_DUMPS(dir);
  CpuInputs in;
  in.cpuid = load(dir, "AuthenticAMD0A10F11_K19_Genoa_01_CPUID.txt");
  in.xcr = XcrState{true, 0x7};
  CpuReport r = judge(in);
  EXPECT_EQ(r.verdict(X86::AVX512F).describe(),
            "avx512f: dropped: CPUID says yes, XCR0 lacks opmask/ZMM state");
  EXPECT_TRUE(r.verified.has(X86::AVX2));
  // The conservative policy gives the same set as Genoa with full state.
  CpuInputs full;
  full.cpuid = in.cpuid;
  EXPECT_EQ(resolve_policy(Policy::Conservative, judge(full).verified).features, r.verified);
}

TEST(Dumps, ProfilesMatchTheirDumps) {
  REQUIRE_SHARED_DUMPS(dir);
  size_t checked = 0;
  for (const Profile& profile : profiles()) {
    if (profile.dump.empty()) continue;
    SCOPED_TRACE(std::string(profile.name));
    std::string path = dir + "/" + std::string(profile.dump);
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    std::vector<CpuidSnapshot> cpus = load(dir, std::string(profile.dump));
    // What CPUID reports on every logical CPU, before XCR0 or anything else.
    FeatureSet cpuid = FeatureSet::all_x86();
    for (const CpuidSnapshot& s : cpus) cpuid &= decode_cpuid(s).features;
    EXPECT_EQ(profile.features, cpuid)
        << "profile only: " << (profile.features - cpuid).llvm_names()
        << "\ndump only: " << (cpuid - profile.features).llvm_names();
    EXPECT_EQ(verified_of(cpus), profile.features);
    bool hybrid = false;
    for (const CpuidSnapshot& s : cpus) hybrid = hybrid || decode_cpuid(s).hybrid;
    EXPECT_EQ(profile.hybrid, hybrid);
    ++checked;
  }
  EXPECT_EQ(checked, 17u);
}
