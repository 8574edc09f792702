// parse_feature_names: the lists src/cpu writes become the verifier's allowed set.
#include "verify/feature_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cpu/features.h"
#include "encodings.h"
#include "verify/verifier.h"

namespace ironclad::verify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParseFeatureNames, PlainListsWithCommasAndSpaces) {
  EXPECT_THAT(parse_feature_names("avx2,bmi2 fma"), ElementsAre("avx2", "bmi2", "fma"));
  EXPECT_THAT(parse_feature_names("  SSE4.1 ,,\tAVX512VL\n"), ElementsAre("sse4.1", "avx512vl"));
  EXPECT_THAT(parse_feature_names(""), IsEmpty());
  EXPECT_THAT(parse_feature_names(", ,"), IsEmpty());
}

TEST(ParseFeatureNames, LlvmFeatureStringsKeepOnlyEnabledFeatures) {
  EXPECT_THAT(parse_feature_names("+sse2,-avx512f,+avx2,-avx512vl,+"), ElementsAre("sse2", "avx2"));
}

// What the JIT does: the feature string it gave LLVM becomes the allowed set.
TEST(ParseFeatureNames, CpuFeatureStringDrivesVerification) {
  cpu::FeatureSet avx2 = cpu::FeatureSet{cpu::X86::AVX2}.with_requirements();
  std::vector<std::string> allowed = parse_feature_names(avx2.llvm_feature_string());
  EXPECT_TRUE(verify(test::kVpadddYmm, 0, allowed).ok());
  VerifyReport r = verify(test::kVpmullqYmm, 0, allowed);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_THAT(r.violations[0].missing_features, ElementsAre("avx512dq", "avx512vl"));

  cpu::FeatureSet skx = cpu::FeatureSet{cpu::X86::AVX512DQ, cpu::X86::AVX512VL}.with_requirements();
  EXPECT_TRUE(verify(test::kVpmullqYmm, 0, parse_feature_names(skx.llvm_names())).ok());
}

}  // namespace
}  // namespace ironclad::verify
