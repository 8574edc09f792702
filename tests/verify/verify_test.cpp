// verify(): violations with offsets and functions, and the usage report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "encodings.h"
#include "verify/verifier.h"

namespace ironclad::verify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace test;

// x86-64-v3 as LLVM names it (with what its members imply).
const std::vector<std::string> kV3 = {"sse2", "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt",
                                      "cx16", "sahf", "avx",   "avx2",   "bmi",    "bmi2",
                                      "fma",  "f16c", "lzcnt", "movbe"};

TEST(Verify, BaselineCodePassesWithNoFeatures) {
  Bytes code = concat({kMovRaxRcx, kAddps, kPaddq, kNop5, kEndbr64, kRet});
  VerifyReport r = verify(code, 0, {});
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.usage.instructions, 6u);
  EXPECT_EQ(r.usage.baseline_instructions, 6u);
  EXPECT_THAT(r.usage.by_feature, IsEmpty());
  EXPECT_EQ(r.bytes_verified, code.size());
  EXPECT_EQ(r.describe(), "");
}

TEST(Verify, Avx512AgainstV3ReportsEachInstructionWithItsOffsetAndMissingFeatures) {
  //            0           3            9            15           21           25
  Bytes code = concat({kMovRaxRcx, kVpmullqZmm, kVpmullqYmm, kVaddpsZmm, kVpadddYmm, kKmovq, kRet});
  VerifyReport r = verify(code, 0x7000, kV3);
  ASSERT_EQ(r.violations.size(), 4u) << r.describe();

  const Violation& zmm = r.violations[0];
  EXPECT_EQ(zmm.kind, ViolationKind::MissingFeature);
  EXPECT_EQ(zmm.offset, 3u);
  EXPECT_EQ(zmm.address, 0x7003u);
  EXPECT_EQ(zmm.instruction, "vpmullq zmm0, zmm0, zmm1");
  EXPECT_EQ(zmm.isa_set, "AVX512DQ_512");
  EXPECT_THAT(zmm.missing_features, ElementsAre("avx512dq"));
  EXPECT_EQ(zmm.message,
            "offset 0x3: vpmullq zmm0, zmm0, zmm1 [AVX512DQ_512] needs avx512dq, which is not "
            "in the allowed feature set");

  EXPECT_EQ(r.violations[1].offset, 9u);
  EXPECT_THAT(r.violations[1].missing_features, UnorderedElementsAre("avx512dq", "avx512vl"));
  EXPECT_THAT(r.violations[1].message, HasSubstr("needs avx512dq+avx512vl, which are not"));
  EXPECT_EQ(r.violations[2].offset, 15u);
  EXPECT_THAT(r.violations[2].missing_features, ElementsAre("avx512f"));
  EXPECT_EQ(r.violations[3].offset, 25u);  // kmovq; vpaddd ymm at 21 is AVX2, allowed
  EXPECT_THAT(r.violations[3].missing_features, ElementsAre("avx512bw"));
  EXPECT_EQ(r.bytes_verified, code.size());
}

TEST(Verify, OnlyTheMissingPartOfARequirementIsReported) {
  VerifyReport r = verify(kVpmullqYmm, 0, {"avx512f", "avx512dq"});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_THAT(r.violations[0].missing_features, ElementsAre("avx512vl"));
  EXPECT_TRUE(verify(kVpmullqYmm, 0, {"avx512f", "avx512dq", "avx512vl"}).ok());
}

// LLVM without BMI1 emits count-trailing-zeros as rep bsf (f3 0f bc), which decodes as
// tzcnt; CPUs without BMI1 run it as bsf. It is accepted and counted, andn is not.
TEST(Verify, TzcntIsAcceptedAsRepBsfButOtherBmiInstructionsAreNot) {
  VerifyReport r = verify(concat({kTzcnt, kAndn, kTzcnt}), 0, {"sse2"});
  ASSERT_EQ(r.violations.size(), 1u) << r.describe();
  EXPECT_EQ(r.violations[0].offset, 4u);
  EXPECT_THAT(r.violations[0].instruction, HasSubstr("andn"));
  EXPECT_EQ(r.usage.tzcnt_accepted_as_bsf, 2u);
  EXPECT_EQ(r.usage.by_feature.at("bmi"), 3u);
  EXPECT_EQ(verify(kTzcnt, 0, {"bmi"}).usage.tzcnt_accepted_as_bsf, 0u);
}

// lzcnt gets no such pass: bsr's result differs, so code relying on lzcnt is wrong without it.
TEST(Verify, LzcntWithoutTheFeatureIsAViolationThatExplainsBsr) {
  VerifyReport r = verify(kLzcnt, 0, {"sse2"});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_THAT(r.violations[0].missing_features, ElementsAre("lzcnt"));
  EXPECT_THAT(r.violations[0].message,
              HasSubstr("a CPU without it runs these bytes as bsr: no fault, a different result"));
}

TEST(Verify, AllowedNamesAreCaseInsensitive) {
  EXPECT_TRUE(verify(concat({kPshufb, kVpadddYmm}), 0, {"SSSE3", "AVX2"}).ok());
}

TEST(Verify, ViolationsNameTheEnclosingFunction) {
  Bytes code = concat({kMovRaxRcx, kRet, kPopcnt, kCrc32, kRet, kLzcnt});
  //                   f: 0..4               g: 4..14           (no symbol) 14
  std::vector<FunctionSymbol> symbols = {{"g", 4, 10}, {"f", 0, 4}};
  VerifyReport r = verify(code, 0, {"sse2"}, symbols);
  ASSERT_EQ(r.violations.size(), 3u) << r.describe();
  EXPECT_EQ(r.violations[0].function, "g");
  EXPECT_THAT(r.violations[0].message, HasSubstr("offset 0x4 (g+0x0): popcnt eax, eax"));
  EXPECT_EQ(r.violations[1].function, "g");
  EXPECT_THAT(r.violations[1].message, HasSubstr("(g+0x4): crc32"));
  EXPECT_EQ(r.violations[2].offset, 14u);
  EXPECT_EQ(r.violations[2].function, "");  // past g's 10 bytes
  EXPECT_THAT(r.violations[2].message, HasSubstr("offset 0xe: lzcnt"));
}

TEST(Verify, SymbolWithoutSizeExtendsToTheNextOne) {
  Bytes code = concat({kRet, kRet, kPopcnt});
  VerifyReport r = verify(code, 0, {}, {{"a", 0, 0}, {"b", 1, 0}});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].function, "b");
}

TEST(Verify, UndecodableBytesAreAViolationAndStopTheWalk) {
  Bytes code = concat({kPopcnt, kRet});
  code.insert(code.end(), kVpmullqZmm.begin(), kVpmullqZmm.begin() + 4);
  VerifyReport r = verify(code, 0, {"popcnt"});
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].kind, ViolationKind::Undecodable);
  EXPECT_EQ(r.violations[0].offset, 5u);
  EXPECT_THAT(r.violations[0].message, HasSubstr("62 f2 fd 48"));
  EXPECT_THAT(r.violations[0].message, HasSubstr("truncated"));
  EXPECT_THAT(r.violations[0].message, HasSubstr("4 bytes from here on are unverified"));
  EXPECT_EQ(r.bytes_verified, 5u);
  EXPECT_EQ(r.usage.instructions, 2u);
}

TEST(Verify, UsageCountsPerExtensionSetAndFeature) {
  Bytes code = concat({kVpmullqZmm, kVpmullqYmm, kVpmullqXmm, kVpadddYmm, kVpadddYmm, kPopcnt,
                       kMovRaxRcx, kRet, kKmovw});
  VerifyReport r = verify(code, 0, {});
  const UsageReport& u = r.usage;
  EXPECT_EQ(u.instructions, 9u);
  EXPECT_EQ(u.baseline_instructions, 2u);
  EXPECT_EQ(u.evex_instructions, 3u);
  EXPECT_EQ(u.vex_instructions, 3u);  // two vpaddd, kmovw
  EXPECT_EQ(u.by_isa_ext.at("AVX512EVEX"), 3u);
  EXPECT_EQ(u.by_isa_ext.at("AVX512VEX"), 1u);
  EXPECT_EQ(u.by_isa_ext.at("AVX2"), 2u);
  EXPECT_EQ(u.by_isa_ext.at("BASE"), 2u);
  EXPECT_EQ(u.by_isa_set.at("AVX512DQ_512"), 1u);
  EXPECT_EQ(u.by_isa_set.at("AVX512DQ_256"), 1u);
  EXPECT_EQ(u.by_isa_set.at("AVX512DQ_128"), 1u);
  EXPECT_EQ(u.by_feature.at("avx512dq"), 3u);
  EXPECT_EQ(u.by_feature.at("avx512vl"), 2u);
  EXPECT_EQ(u.by_feature.at("avx2"), 2u);
  EXPECT_EQ(u.by_feature.at("popcnt"), 1u);
  EXPECT_EQ(u.by_feature.at("avx512f"), 1u);
  EXPECT_EQ(u.by_feature.count("sse2"), 0u);
  EXPECT_EQ(r.violations.size(), 7u);  // everything but mov and ret

  std::string table = u.table();
  EXPECT_THAT(table, HasSubstr("instructions: 9 (baseline 2, VEX 3, EVEX 3)"));
  EXPECT_THAT(table, HasSubstr("  AVX512EVEX"));
  EXPECT_THAT(table, HasSubstr("  avx512dq"));
  // Largest count first.
  EXPECT_LT(table.find("AVX512EVEX"), table.find("AVX512VEX"));
}

}  // namespace
}  // namespace ironclad::verify
