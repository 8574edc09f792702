// find_unsupported_instructions: what an emulated CPU must refuse, with offset and length.
#include "verify/unsupported.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "encodings.h"

namespace ironclad::verify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using namespace test;

TEST(FindUnsupported, ListsOffsetLengthAndMissingFeatures) {
  Bytes code = concat({kMovRaxRcx, kVpmullqYmm, kVpadddYmm, kLahf, kRet});
  //                   0           3            9           13     14
  Result<std::vector<UnsupportedInstruction>> r =
      find_unsupported_instructions(code, 0, {"avx", "avx2", "avx512f", "avx512dq"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].offset, 3u);
  EXPECT_EQ((*r)[0].length, 6u);
  EXPECT_EQ((*r)[0].text, "vpmullq ymm0, ymm0, ymm1");
  EXPECT_EQ((*r)[0].isa_set, "AVX512DQ_256");
  EXPECT_THAT((*r)[0].missing_features, ElementsAre("avx512vl"));
  EXPECT_EQ((*r)[1].offset, 13u);
  EXPECT_EQ((*r)[1].length, 1u);
  EXPECT_THAT((*r)[1].missing_features, ElementsAre("sahf"));
}

// An emulated CPU must fault where the real one would, and nowhere else: without LZCNT and
// BMI1 a CPU runs lzcnt/tzcnt as bsr/bsf, but faults on andn.
TEST(FindUnsupported, LzcntAndTzcntAreNotListedAsTheyDoNotFault) {
  Bytes code = concat({kLzcnt, kTzcnt, kAndn});
  Result<std::vector<UnsupportedInstruction>> r = find_unsupported_instructions(code, 0, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].offset, 8u);
  EXPECT_THAT((*r)[0].missing_features, ElementsAre("bmi"));
}

TEST(FindUnsupported, NothingWhenEverythingIsAvailable) {
  Bytes code = concat({kVpmullqXmm, kPopcnt, kRet});
  Result<std::vector<UnsupportedInstruction>> r =
      find_unsupported_instructions(code, 0, {"avx512f", "avx512dq", "avx512vl", "popcnt"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(FindUnsupported, PatchingTheListedInstructionsWithUd2KeepsTheRestDecodable) {
  Bytes code = concat({kVpmullqZmm, kMovRaxRcx, kVaddpsYmmEvex, kRet});
  Result<std::vector<UnsupportedInstruction>> r =
      find_unsupported_instructions(code, 0, {"avx", "avx2"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  for (const UnsupportedInstruction& u : *r) {
    ASSERT_GE(u.length, 2);
    code[u.offset] = 0x0f;  // ud2
    code[u.offset + 1] = 0x0b;
  }
  // The bytes after each ud2 are not decoded by the CPU (it faults first); the unpatched
  // instructions are untouched.
  EXPECT_EQ(code[6], 0x48);
  EXPECT_EQ(code[6 + 3 + 6], 0xc3);
}

TEST(FindUnsupported, UndecodableCodeIsAnError) {
  Bytes code = concat({kRet, Bytes{0x06}});
  Result<std::vector<UnsupportedInstruction>> r = find_unsupported_instructions(code, 0, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_THAT(r.error().message, HasSubstr("offset 0x1 "));
}

}  // namespace
}  // namespace ironclad::verify
