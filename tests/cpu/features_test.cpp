#include "cpu/features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace ironclad::cpu;

TEST(Features, NamesAreUniqueAndFindable) {
  std::set<std::string_view> stable, llvm;
  for (const FeatureInfo& fi : x86_features()) {
    EXPECT_TRUE(stable.insert(fi.name).second) << fi.name;
    EXPECT_TRUE(llvm.insert(fi.llvm).second) << fi.llvm;
    EXPECT_EQ(find_x86_feature(fi.name), fi.id) << fi.name;
    EXPECT_EQ(find_x86_feature(fi.llvm), fi.id) << fi.llvm;
    EXPECT_FALSE(fi.kernel_flag.empty()) << fi.name;
  }
  EXPECT_EQ(x86_features().size(), 44u);
}

TEST(Features, LlvmSpellings) {
  // The names LLVM uses, as the JIT will hand them over.
  const char* names[] = {"sse2",
                         "sse3",
                         "ssse3",
                         "sse4.1",
                         "sse4.2",
                         "sse4a",
                         "popcnt",
                         "lzcnt",
                         "bmi",
                         "bmi2",
                         "movbe",
                         "cx16",
                         "aes",
                         "pclmul",
                         "sha",
                         "f16c",
                         "fma",
                         "fma4",
                         "xop",
                         "avx",
                         "avx2",
                         "avxvnni",
                         "gfni",
                         "vaes",
                         "vpclmulqdq",
                         "avx512f",
                         "avx512cd",
                         "avx512bw",
                         "avx512dq",
                         "avx512vl",
                         "avx512ifma",
                         "avx512vbmi",
                         "avx512vbmi2",
                         "avx512bitalg",
                         "avx512vpopcntdq",
                         "avx512vnni",
                         "avx512bf16",
                         "avx512fp16",
                         "avx512vp2intersect",
                         "avx512er",
                         "avx512pf",
                         "amx-tile",
                         "amx-int8",
                         "amx-bf16"};
  for (const char* n : names) {
    auto f = find_x86_feature(n);
    ASSERT_TRUE(f) << n;
    EXPECT_EQ(info(*f).llvm, n);
  }
  EXPECT_EQ(find_x86_feature("AVX512F"), X86::AVX512F);
  EXPECT_EQ(find_x86_feature("bmi1"), X86::BMI1);
  EXPECT_EQ(find_x86_feature("SSE4.1"), X86::SSE4_1);
  EXPECT_EQ(find_x86_feature("avx-vnni"), X86::AVX_VNNI);
  EXPECT_FALSE(find_x86_feature("avx1024"));
  EXPECT_EQ(info(X86::LZCNT).kernel_flag, "abm");
  EXPECT_EQ(info(X86::SSE3).kernel_flag, "pni");
}

TEST(Features, Implications) {
  EXPECT_TRUE(FeatureSet{X86::AVX2}.with_requirements().has(X86::AVX));
  EXPECT_TRUE(FeatureSet{X86::AVX512VL}.with_requirements().has(X86::AVX512F));
  FeatureSet bw = FeatureSet{X86::AVX512VBMI}.with_requirements();
  for (X86 f : {X86::AVX512BW, X86::AVX512F, X86::AVX2, X86::AVX, X86::FMA, X86::F16C, X86::SSE4_2,
                X86::SSE4_1, X86::SSSE3, X86::SSE3, X86::SSE2})
    EXPECT_TRUE(bw.has(f)) << info(f).llvm;
  EXPECT_FALSE(bw.has(X86::POPCNT));  // LLVM implies nothing about POPCNT from SSE4.2
  EXPECT_TRUE(FeatureSet{X86::XOP}.with_requirements().has(X86::SSE4A));
  // The whole table is consistent and requirements have no cycles.
  EXPECT_EQ(FeatureSet::all_x86().consistent(), FeatureSet::all_x86());
  for (const FeatureInfo& fi : x86_features())
    EXPECT_FALSE(FeatureSet::dependents_of(fi.id).has(fi.id)) << fi.name;
}

TEST(Features, DependentsAndConsistency) {
  FeatureSet d = FeatureSet::dependents_of(X86::AVX);
  for (X86 f : {X86::AVX2, X86::FMA, X86::F16C, X86::AVX512F, X86::AVX512VL, X86::VAES,
                X86::VPCLMULQDQ, X86::AVX_VNNI, X86::FMA4, X86::XOP})
    EXPECT_TRUE(d.has(f)) << info(f).llvm;
  for (X86 f : {X86::SSE4_2, X86::BMI1, X86::BMI2, X86::AES, X86::AMX_TILE, X86::AVX})
    EXPECT_FALSE(d.has(f)) << info(f).llvm;
  // Without avx, avx2 cannot stay.
  FeatureSet s{X86::SSE2, X86::AVX2, X86::BMI2};
  EXPECT_EQ(s.consistent(), (FeatureSet{X86::SSE2, X86::BMI2}));
}

TEST(Features, SetOperationsAndStrings) {
  FeatureSet a{X86::SSE2, X86::AVX, X86::AVX2};
  FeatureSet b{X86::AVX2, X86::BMI2};
  EXPECT_EQ(a & b, FeatureSet{X86::AVX2});
  EXPECT_EQ((a | b).size(), 4u);
  EXPECT_EQ(a - b, (FeatureSet{X86::SSE2, X86::AVX}));
  EXPECT_TRUE((FeatureSet{X86::AVX}).subset_of(a));
  EXPECT_FALSE(b.subset_of(a));
  EXPECT_EQ(a.names(), "SSE2,AVX,AVX2");
  EXPECT_EQ(a.llvm_names(), "sse2,avx,avx2");
  std::string fs = a.llvm_feature_string();
  EXPECT_NE(fs.find("+avx2"), std::string::npos);
  EXPECT_NE(fs.find("-avx512f"), std::string::npos);
  EXPECT_NE(fs.find("-amx-tile"), std::string::npos);
  EXPECT_EQ(std::count(fs.begin(), fs.end(), ',') + 1, 44);
  EXPECT_EQ(a.arch(), Arch::X86_64);
}

TEST(Features, Families) {
  EXPECT_EQ(FeatureSet::family(Family::Avx512).size(), 16u);
  EXPECT_EQ(FeatureSet::family(Family::Amx).size(), 3u);
  EXPECT_FALSE(FeatureSet::family(Family::Avx512).has(X86::GFNI));
}

TEST(Features, ParseList) {
  std::vector<std::string> unknown;
  FeatureSet s = parse_feature_list("avx2, BMI2 sse4.1,,nonsense", &unknown);
  EXPECT_EQ(s, (FeatureSet{X86::AVX2, X86::BMI2, X86::SSE4_1}));
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0], "nonsense");
  EXPECT_TRUE(parse_feature_list("").empty());
}
