// The mapping against the compiler's real encodings: fixtures/intrinsics.c (compiled by
// clang-19 for sapphirerapids) and intrinsics_amd.c (for bdver4) have one function per
// feature. The union of the features each
// function's instructions need must be exactly what its intrinsic needs (worked out from the
// Intel SDM, not from the verifier's output).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "code_fixtures.h"
#include "verify/instruction.h"
#include "verify/verifier.h"

namespace ironclad::verify {
namespace {

using Features = std::set<std::string>;

// function -> the features its code needs. Notes on the less obvious rows:
//   f_aes, f_pclmul: VEX xmm encodings (AVX machine), so avx besides aes/pclmul;
//   f_sha: sha256rnds2 is legacy SSE only, its operands moved with VEX vmovaps;
//   f_avx512vl: _mm256_mullo_epi64 is vpmullq ymm;
//   f_vaes/f_vpclmulqdq/f_gfni: 512-bit EVEX forms, which need avx512f on top.
const std::map<std::string, Features> kExpected = {
    {"f_sse4_2", {"sse4.2"}},
    {"f_popcnt", {"popcnt"}},
    {"f_lzcnt", {"lzcnt"}},
    {"f_bmi", {"bmi"}},
    {"f_bmi2", {"bmi2"}},
    {"f_rdrnd", {"rdrnd"}},
    {"f_rdseed", {"rdseed"}},
    {"f_serialize", {"serialize"}},
    {"f_aes", {"aes", "avx"}},
    {"f_pclmul", {"pclmul", "avx"}},
    {"f_sha", {"sha", "avx"}},
    {"f_fma", {"fma"}},
    {"f_avx2", {"avx2"}},
    {"f_avxvnni", {"avxvnni"}},
    {"f_avx512f", {"avx512f"}},
    {"f_avx512dq", {"avx512dq"}},
    {"f_avx512bw", {"avx512bw"}},
    {"f_avx512cd", {"avx512cd"}},
    {"f_avx512vl", {"avx512dq", "avx512vl"}},
    {"f_avx512vbmi", {"avx512vbmi"}},
    {"f_avx512vbmi2", {"avx512vbmi2"}},
    {"f_avx512bitalg", {"avx512bitalg"}},
    {"f_avx512vpopcntdq", {"avx512vpopcntdq"}},
    {"f_avx512ifma", {"avx512ifma"}},
    {"f_avx512vnni", {"avx512vnni"}},
    {"f_avx512bf16", {"avx512bf16"}},
    {"f_avx512fp16", {"avx512fp16"}},
    {"f_vaes", {"vaes", "avx512f"}},
    {"f_vpclmulqdq", {"vpclmulqdq", "avx512f"}},
    {"f_gfni", {"gfni", "avx512f"}},
    {"f_amx_tile", {"amx-tile"}},
};

// intrinsics_amd.c: extrq, vfmaddps (FMA4), vprotd (XOP), blcfill (TBM).
const std::map<std::string, Features> kExpectedAmd = {
    {"f_sse4a", {"sse4a"}},
    {"f_fma4", {"fma4"}},
    {"f_xop", {"xop"}},
    {"f_tbm", {"tbm"}},
};

struct Fixture {
  const char* name;
  const char* march;
  const std::map<std::string, Features>* expected;
};
const Fixture kFixtures[] = {{"intrinsics", "sapphirerapids", &kExpected},
                             {"intrinsics_amd", "bdver4", &kExpectedAmd}};

void expect_exact_features(const Fixture& fixture) {
  const std::map<std::string, Features>& kExpected = *fixture.expected;
  std::vector<uint8_t> code = test::read_code_fixture(fixture.name, fixture.march);
  std::vector<FunctionSymbol> symbols = test::read_fixture_symbols(fixture.name, fixture.march);
  ASSERT_FALSE(code.empty());
  ASSERT_EQ(symbols.size(), kExpected.size());

  for (const FunctionSymbol& fn : symbols) {
    ASSERT_LE(fn.offset + fn.size, code.size()) << fn.name;
    std::span<const uint8_t> body(code.data() + fn.offset, fn.size);
    Result<std::vector<LocatedInstruction>> all = decode_all(body, fn.offset);
    ASSERT_TRUE(all.ok()) << fn.name << ": " << all.error().message;
    Features needed;
    std::string listing;
    for (const LocatedInstruction& li : *all) {
      EXPECT_TRUE(li.instruction.isa_set_mapped) << fn.name << ": " << li.instruction.text;
      needed.insert(li.instruction.required_features.begin(),
                    li.instruction.required_features.end());
      listing += "  " + li.instruction.text + " [" + li.instruction.isa_set + "]\n";
    }
    auto expected = kExpected.find(fn.name);
    ASSERT_NE(expected, kExpected.end()) << "no expectation for " << fn.name;
    EXPECT_EQ(needed, expected->second) << fn.name << ":\n" << listing;
  }
}

void expect_each_feature_caught(const Fixture& fixture) {
  const std::map<std::string, Features>& kExpected = *fixture.expected;
  std::vector<uint8_t> code = test::read_code_fixture(fixture.name, fixture.march);
  std::vector<FunctionSymbol> symbols = test::read_fixture_symbols(fixture.name, fixture.march);
  // Everything every function needs: the whole .text verifies.
  std::vector<std::string> all;
  for (const auto& [fn, features] : kExpected)
    all.insert(all.end(), features.begin(), features.end());
  VerifyReport ok = verify(code, 0, all, symbols);
  EXPECT_TRUE(ok.ok()) << ok.describe();
  EXPECT_EQ(ok.bytes_verified, code.size());

  // Taking away one function's distinctive feature is caught in that function.
  for (const auto& [fn, features] : kExpected) {
    const std::string& feature = *features.begin();
    std::vector<std::string> fewer;
    for (const std::string& f : all)
      if (f != feature) fewer.push_back(f);
    VerifyReport r = verify(code, 0, fewer, symbols);
    bool caught = false;
    for (const Violation& v : r.violations) {
      EXPECT_THAT(v.missing_features, ::testing::ElementsAre(feature)) << v.message;
      caught |= v.function == fn;
    }
    EXPECT_TRUE(caught) << "without " << feature << ", nothing in " << fn << " was reported";
  }
}

TEST(CompiledIntrinsics, EachFunctionNeedsExactlyItsFeature) {
  for (const Fixture& fixture : kFixtures) {
    SCOPED_TRACE(fixture.name);
    expect_exact_features(fixture);
  }
}

TEST(CompiledIntrinsics, EveryFunctionIsCaughtWithoutItsFeature) {
  for (const Fixture& fixture : kFixtures) {
    SCOPED_TRACE(fixture.name);
    expect_each_feature_caught(fixture);
  }
}

}  // namespace
}  // namespace ironclad::verify
