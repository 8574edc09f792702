#include "cpu/profiles.h"

#include <vector>

namespace ironclad::cpu {

namespace {

using X = X86;

std::vector<Profile> build() {
  // psABI levels (System V AMD64 psABI, "Micro-architecture levels"). CMOV, CX8, FXSR,
  // LAHF-SAHF, XSAVE and OSXSAVE are part of the levels but not code-generation features here.
  const FeatureSet v1{X::SSE2};
  const FeatureSet v2 =
      v1 | FeatureSet{X::CX16, X::POPCNT, X::SSE3, X::SSSE3, X::SSE4_1, X::SSE4_2};
  const FeatureSet v3 =
      v2 | FeatureSet{X::AVX, X::AVX2, X::BMI1, X::BMI2, X::F16C, X::FMA, X::LZCNT, X::MOVBE};
  const FeatureSet v4 =
      v3 | FeatureSet{X::AVX512F, X::AVX512BW, X::AVX512CD, X::AVX512DQ, X::AVX512VL};

  // Intel cores, each on top of its predecessor (as LLVM's X86.td builds them).
  const FeatureSet merom{X::SSE2, X::SSE3, X::SSSE3, X::CX16};
  const FeatureSet penryn = merom | FeatureSet{X::SSE4_1};
  const FeatureSet nehalem = penryn | FeatureSet{X::SSE4_2, X::POPCNT};
  const FeatureSet westmere = nehalem | FeatureSet{X::AES, X::PCLMULQDQ};
  const FeatureSet sandybridge = westmere | FeatureSet{X::AVX};
  const FeatureSet ivybridge = sandybridge | FeatureSet{X::F16C};
  const FeatureSet haswell =
      ivybridge | FeatureSet{X::AVX2, X::BMI1, X::BMI2, X::FMA, X::LZCNT, X::MOVBE};
  const FeatureSet skylake_avx512 =
      haswell | FeatureSet{X::AVX512F, X::AVX512CD, X::AVX512BW, X::AVX512DQ, X::AVX512VL};
  const FeatureSet icelake =
      skylake_avx512 |
      FeatureSet{X::AVX512IFMA, X::AVX512VBMI, X::AVX512VBMI2, X::AVX512BITALG, X::AVX512VPOPCNTDQ,
                 X::AVX512VNNI, X::GFNI,       X::VAES,        X::VPCLMULQDQ,   X::SHA};
  const FeatureSet sapphirerapids = icelake | FeatureSet{X::AVX_VNNI, X::AVX512BF16, X::AVX512FP16,
                                                         X::AMX_TILE, X::AMX_INT8,   X::AMX_BF16};
  // Gracemont-era client parts: Haswell's set plus the newer 128/256-bit extensions, no
  // AVX-512 (Alder Lake's P-cores have it fused off or disabled when E-cores are on).
  const FeatureSet alderlake =
      haswell | FeatureSet{X::AVX_VNNI, X::GFNI, X::VAES, X::VPCLMULQDQ, X::SHA};
  const FeatureSet goldmont = westmere | FeatureSet{X::SSE4_2, X::MOVBE, X::SHA};

  // AMD.
  const FeatureSet k10{X::SSE2, X::SSE3, X::SSE4A, X::POPCNT, X::LZCNT, X::CX16};
  const FeatureSet piledriver =
      k10 | FeatureSet{X::SSSE3, X::SSE4_1, X::SSE4_2, X::AES, X::PCLMULQDQ, X::AVX,
                       X::FMA4,  X::XOP,    X::F16C,   X::FMA, X::BMI1};
  const FeatureSet zen3 = k10 | FeatureSet{X::SSSE3, X::SSE4_1, X::SSE4_2, X::AES,  X::PCLMULQDQ,
                                           X::AVX,   X::AVX2,   X::BMI1,   X::BMI2, X::F16C,
                                           X::FMA,   X::MOVBE,  X::SHA,    X::VAES, X::VPCLMULQDQ};
  const FeatureSet zen4 =
      zen3 | FeatureSet{X::AVX512F,      X::AVX512CD,        X::AVX512BW,   X::AVX512DQ,
                        X::AVX512VL,     X::AVX512IFMA,      X::AVX512VBMI, X::AVX512VBMI2,
                        X::AVX512BITALG, X::AVX512VPOPCNTDQ, X::AVX512VNNI, X::AVX512BF16,
                        X::GFNI};
  const FeatureSet zen5 = zen4 | FeatureSet{X::AVX_VNNI, X::AVX512VP2INTERSECT};

  // clang-format off
  return {
      {"x86-64-v1", "psABI baseline: SSE2 (every x86-64 CPU)", v1, "", false},
      {"x86-64-v2", "psABI level 2: + CX16, POPCNT, SSE3, SSSE3, SSE4.1, SSE4.2", v2, "", false},
      {"x86-64-v3", "psABI level 3: + AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE", v3, "", false},
      {"x86-64-v4", "psABI level 4: + AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL", v4, "", false},
      {"merom", "Intel Core 2 (Merom, 65 nm): SSSE3, no SSE4.1", merom,
       "GenuineIntel00006F6_Merom_CPUID.txt", false},
      {"penryn", "Intel Core 2 (Penryn, 45 nm): SSE4.1, no SSE4.2/POPCNT", penryn,
       "GenuineIntel0010676_Penryn_CPUID.txt", false},
      {"nehalem", "Intel Nehalem: SSE4.2, POPCNT, no AES/AVX", nehalem,
       "GenuineIntel00106A1_Nehalem_CPUID.txt", false},
      {"sandybridge", "Intel Sandy Bridge: AVX, AES, PCLMULQDQ, no F16C/AVX2", sandybridge,
       "GenuineIntel00206A7_SandyBridge_CPUID.txt", false},
      {"haswell", "Intel Haswell: AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C", haswell,
       "GenuineIntel00306C3_Haswell_CPUID.txt", false},
      {"skylake-avx512", "Intel Skylake-SP/X: AVX-512 F/CD/BW/DQ/VL, no SHA", skylake_avx512,
       "GenuineIntel0050654_SkylakeX_CPUID.txt", false},
      {"icelake", "Intel Ice Lake: + AVX-512 IFMA/VBMI/VBMI2/BITALG/VPOPCNTDQ/VNNI, GFNI, VAES, SHA",
       icelake, "GenuineIntel00706E5_IceLakeY_CPUID.txt", false},
      {"sapphirerapids", "Intel Sapphire Rapids: + AVX-512 BF16/FP16, AVX-VNNI, AMX", sapphirerapids,
       "GenuineIntel00806F8_SapphireRapids_05_CPUID.txt", false},
      {"goldmont", "Intel Goldmont (Atom): SSE4.2, AES, SHA, MOVBE, no AVX", goldmont,
       "GenuineIntel00506C9_Goldmont_CPUID.txt", false},
      {"alderlake-n", "Intel Alder Lake-N (Gracemont E-cores only): AVX2, AVX-VNNI, GFNI, SHA; no AVX-512",
       alderlake, "GenuineIntel00B06E0_AlderLakeN_02_CPUID.txt", false},
      {"alderlake", "Intel Alder Lake (Golden Cove P + Gracemont E): what both cores run; no AVX-512",
       alderlake, "GenuineIntel0090672_AlderLake_01_LC_BC_CPUID.txt", true},
      {"lunarlake", "Intel Lunar Lake (Lion Cove P + Skymont E): AVX-VNNI, no AVX-512", alderlake,
       "GenuineIntel00B06D1_LunarLake_04_CPUID.txt", true},
      {"zen3", "AMD Zen 3 (Milan): AVX2, VAES, VPCLMULQDQ, SHA; no AVX-512, no GFNI", zen3,
       "AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt", false},
      {"zen4", "AMD Zen 4 (Genoa): + AVX-512 incl. VBMI2, BITALG, BF16, and GFNI", zen4,
       "AuthenticAMD0A10F11_K19_Genoa_01_CPUID.txt", false},
      {"zen5", "AMD Zen 5 (Turin): + AVX-VNNI, AVX512VP2INTERSECT", zen5,
       "AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt", false},
      {"k10", "AMD K10 (Phenom, Agena): SSE4A, POPCNT, LZCNT; no SSSE3/SSE4.1", k10,
       "AuthenticAMD0100F22_K10_Agena_CPUID.txt", false},
      {"piledriver", "AMD Piledriver (Vishera): AVX, FMA, FMA4, XOP, BMI1; no AVX2", piledriver,
       "AuthenticAMD0600F20_K15_Vishera_CPUID.txt", false},
  };
  // clang-format on
}

}  // namespace

std::span<const Profile> profiles() {
  static const std::vector<Profile> all = build();
  return all;
}

const Profile* find_profile(std::string_view name) {
  for (const Profile& p : profiles())
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace ironclad::cpu
