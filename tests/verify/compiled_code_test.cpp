// The verifier on real compiler output (fixtures/vector_loops.c, built by CMake with clang-19
// for x86-64, x86-64-v2 and skylake-avx512): proves it is not vacuous. The AVX-512 build must
// be caught by a v3 policy, the v2 build must pass it, the x86-64 build must pass baseline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "code_fixtures.h"
#include "verify/instruction.h"
#include "verify/unsupported.h"
#include "verify/verifier.h"

namespace ironclad::verify {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// x86-64-v3 in LLVM names, with what its members imply; v2 is its SSE4.2 + POPCNT part.
const std::vector<std::string> kV2 = {"sse2",   "sse3",   "ssse3", "sse4.1",
                                      "sse4.2", "popcnt", "cx16",  "sahf"};
const std::vector<std::string> kV3 = {"sse2", "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt",
                                      "cx16", "sahf", "avx",   "avx2",   "bmi",    "bmi2",
                                      "fma",  "f16c", "lzcnt", "movbe",  "xsave"};

std::vector<uint8_t> read_text(const std::string& march) {
  return test::read_code_fixture("vector_loops", march);
}

std::vector<FunctionSymbol> read_symbols(const std::string& march) {
  return test::read_fixture_symbols("vector_loops", march);
}

TEST(CompiledCode, Avx512BuildUsesEvexThatNeedsAvx512FDqAndVl) {
  std::vector<uint8_t> code = read_text("skylake-avx512");
  ASSERT_FALSE(code.empty());
  Result<std::vector<LocatedInstruction>> all = decode_all(code, 0);
  ASSERT_TRUE(all.ok()) << all.error().message;
  bool vpmullq = false;
  for (const LocatedInstruction& li : *all)
    if (li.instruction.mnemonic == "vpmullq") {
      vpmullq = true;
      EXPECT_TRUE(li.instruction.uses_evex);
      EXPECT_THAT(li.instruction.required_features, Contains("avx512dq"));
    }
  EXPECT_TRUE(vpmullq) << "clang no longer vectorises mul_i64 to vpmullq";

  VerifyReport r = verify(code, 0, {});
  EXPECT_GT(r.usage.evex_instructions, 0u);
  EXPECT_GT(r.usage.by_isa_ext["AVX512EVEX"], 0u);
  EXPECT_GT(r.usage.by_feature["avx512f"], 0u);
  EXPECT_GT(r.usage.by_feature["avx512dq"], 0u);
  EXPECT_GT(r.usage.by_feature["avx512vl"], 0u);
}

TEST(CompiledCode, Avx512BuildFailsAgainstV3NamingFunctionsAndFeatures) {
  std::vector<uint8_t> code = read_text("skylake-avx512");
  std::vector<FunctionSymbol> symbols = read_symbols("skylake-avx512");
  ASSERT_FALSE(symbols.empty());
  VerifyReport r = verify(code, 0x10000, kV3, symbols);
  ASSERT_FALSE(r.ok());
  bool mul_reported = false;
  for (const Violation& v : r.violations) {
    EXPECT_EQ(v.kind, ViolationKind::MissingFeature) << v.message;
    EXPECT_FALSE(v.function.empty()) << v.message;
    EXPECT_FALSE(v.missing_features.empty());
    for (const std::string& f : v.missing_features)
      EXPECT_EQ(f.rfind("avx512", 0), 0u) << "only AVX-512 should be missing: " << v.message;
    if (v.function == "mul_i64" && v.instruction.rfind("vpmullq", 0) == 0) {
      mul_reported = true;
      EXPECT_THAT(v.message, HasSubstr("(mul_i64+0x"));
      EXPECT_THAT(v.message, HasSubstr("avx512dq"));
    }
  }
  EXPECT_TRUE(mul_reported) << r.describe();
  // All of it decoded: the whole .text was checked.
  EXPECT_EQ(r.bytes_verified, code.size());

  // The same code is accepted with the features it was compiled for.
  std::vector<std::string> skx = kV3;
  for (const char* f : {"avx512f", "avx512dq", "avx512vl", "avx512bw", "avx512cd"})
    skx.push_back(f);
  EXPECT_TRUE(verify(code, 0, skx).ok()) << verify(code, 0, skx).describe();
}

TEST(CompiledCode, V2BuildPassesV3AndV2ButNotBaseline) {
  std::vector<uint8_t> code = read_text("x86-64-v2");
  ASSERT_FALSE(code.empty());
  VerifyReport v3 = verify(code, 0, kV3);
  EXPECT_TRUE(v3.ok()) << v3.describe();
  EXPECT_EQ(v3.usage.evex_instructions, 0u);
  EXPECT_EQ(v3.usage.vex_instructions, 0u);
  EXPECT_TRUE(verify(code, 0, kV2).ok());
  // Not vacuous either: against baseline x86-64, popcount_sum's popcnt and the SSE4 blends
  // and 64-bit compares of the vectorised loops are caught.
  VerifyReport baseline = verify(code, 0, {"sse2"}, read_symbols("x86-64-v2"));
  ASSERT_FALSE(baseline.ok());
  std::map<std::string, std::set<std::string>> missing_by_function;
  for (const Violation& v : baseline.violations)
    missing_by_function[v.function].insert(v.missing_features.begin(), v.missing_features.end());
  EXPECT_THAT(missing_by_function["popcount_sum"], Contains("popcnt")) << baseline.describe();
  EXPECT_THAT(missing_by_function["min_i64"], Contains("sse4.2")) << baseline.describe();
  EXPECT_THAT(missing_by_function["abs_i64"], Contains("sse4.1")) << baseline.describe();
}

// No false alarms on baseline code: the x86-64 build passes with SSE2 alone, including
// the rep bsf (decoded as tzcnt) LLVM emits for __builtin_ctzll in lowest_set_bit.
TEST(CompiledCode, BaselineBuildPassesBaseline) {
  std::vector<uint8_t> code = read_text("x86-64");
  ASSERT_FALSE(code.empty());
  VerifyReport r = verify(code, 0, {"sse2"}, read_symbols("x86-64"));
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_GT(r.usage.tzcnt_accepted_as_bsf, 0u);
  EXPECT_EQ(r.usage.instructions, r.usage.baseline_instructions + r.usage.tzcnt_accepted_as_bsf);
}

TEST(CompiledCode, EmulatingAV3CpuListsEveryAvx512Instruction) {
  std::vector<uint8_t> code = read_text("skylake-avx512");
  Result<std::vector<UnsupportedInstruction>> r = find_unsupported_instructions(code, 0, kV3);
  ASSERT_TRUE(r.ok()) << r.error().message;
  VerifyReport report = verify(code, 0, kV3);
  ASSERT_EQ(r->size(), report.violations.size());
  for (size_t i = 0; i < r->size(); ++i) {
    EXPECT_EQ((*r)[i].offset, report.violations[i].offset);
    EXPECT_GE((*r)[i].length, 6) << "EVEX instructions are at least 6 bytes: room for ud2";
  }
}

}  // namespace
}  // namespace ironclad::verify
