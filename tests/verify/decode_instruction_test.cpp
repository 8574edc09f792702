// decode_instruction: text, ISA set and the features each hand-encoded instruction needs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "encodings.h"
#include "verify/instruction.h"

namespace ironclad::verify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace test;

DecodedInstruction decode(const Bytes& bytes) {
  Result<DecodedInstruction> r = decode_instruction(bytes, 0x1000);
  EXPECT_TRUE(r.ok()) << r.error().message;
  if (!r.ok()) return {};
  EXPECT_EQ(r->length, bytes.size()) << r->text;
  EXPECT_TRUE(r->isa_set_mapped) << r->isa_set;
  return std::move(r).value();
}

TEST(DecodeInstruction, VpmullqZmmNeedsAvx512dqOnly) {
  DecodedInstruction d = decode(kVpmullqZmm);
  EXPECT_EQ(d.text, "vpmullq zmm0, zmm0, zmm1");
  EXPECT_EQ(d.mnemonic, "vpmullq");
  EXPECT_EQ(d.isa_set, "AVX512DQ_512");
  EXPECT_EQ(d.isa_ext, "AVX512EVEX");
  EXPECT_EQ(d.category, "AVX512");
  EXPECT_TRUE(d.uses_evex);
  EXPECT_FALSE(d.uses_vex);
  EXPECT_EQ(d.encoding, Encoding::Evex);
  EXPECT_EQ(d.vector_length, 512);
  EXPECT_THAT(d.required_features, ElementsAre("avx512dq"));
}

TEST(DecodeInstruction, VpmullqYmmAndXmmNeedAvx512vlToo) {
  DecodedInstruction ymm = decode(kVpmullqYmm);
  EXPECT_EQ(ymm.isa_set, "AVX512DQ_256");
  EXPECT_EQ(ymm.vector_length, 256);
  EXPECT_THAT(ymm.required_features, UnorderedElementsAre("avx512dq", "avx512vl"));
  DecodedInstruction xmm = decode(kVpmullqXmm);
  EXPECT_EQ(xmm.text, "vpmullq xmm0, xmm0, xmm1");
  EXPECT_EQ(xmm.vector_length, 128);
  EXPECT_THAT(xmm.required_features, UnorderedElementsAre("avx512dq", "avx512vl"));
}

TEST(DecodeInstruction, EvexFoundationByVectorLength) {
  EXPECT_THAT(decode(kVaddpsZmm).required_features, ElementsAre("avx512f"));
  EXPECT_THAT(decode(kVaddpsYmmEvex).required_features,
              UnorderedElementsAre("avx512f", "avx512vl"));
  // 128-bit-only forms (XED's _128N) exist without AVX512VL.
  EXPECT_THAT(decode(kVmovqEvex).required_features, ElementsAre("avx512f"));
  // EVEX GFNI needs AVX512F besides GFNI: gfni alone only enables the SSE/VEX forms.
  EXPECT_THAT(decode(kVgf2p8mulbZmm).required_features, UnorderedElementsAre("gfni", "avx512f"));
}

TEST(DecodeInstruction, VexIntegerAt256BitsNeedsAvx2) {
  DecodedInstruction ymm = decode(kVpadddYmm);
  EXPECT_TRUE(ymm.uses_vex);
  EXPECT_FALSE(ymm.uses_evex);
  EXPECT_EQ(ymm.vector_length, 256);
  EXPECT_THAT(ymm.required_features, ElementsAre("avx2"));
  EXPECT_THAT(decode(kVpadddXmm).required_features, ElementsAre("avx"));
}

TEST(DecodeInstruction, SseGenerations) {
  EXPECT_THAT(decode(kPshufb).required_features, ElementsAre("ssse3"));
  EXPECT_THAT(decode(kRoundps).required_features, ElementsAre("sse4.1"));
  EXPECT_THAT(decode(kPblendvb).required_features, ElementsAre("sse4.1"));
  EXPECT_THAT(decode(kCrc32).required_features, ElementsAre("sse4.2"));
}

TEST(DecodeInstruction, ScalarExtensions) {
  EXPECT_THAT(decode(kPopcnt).required_features, ElementsAre("popcnt"));
  EXPECT_THAT(decode(kLzcnt).required_features, ElementsAre("lzcnt"));
  EXPECT_THAT(decode(kTzcnt).required_features, ElementsAre("bmi"));
  EXPECT_THAT(decode(kAndn).required_features, ElementsAre("bmi"));
  EXPECT_THAT(decode(kShlx).required_features, ElementsAre("bmi2"));
  EXPECT_THAT(decode(kPdep).required_features, ElementsAre("bmi2"));
  EXPECT_THAT(decode(kMovbe).required_features, ElementsAre("movbe"));
  EXPECT_THAT(decode(kCmpxchg16b).required_features, ElementsAre("cx16"));
  EXPECT_THAT(decode(kLahf).required_features, ElementsAre("sahf"));
}

TEST(DecodeInstruction, LzcntAndTzcntRunAsOlderInstructionsWithoutTheirFeature) {
  EXPECT_EQ(decode(kTzcnt).runs_as_without_features, "bsf");
  EXPECT_EQ(decode(kLzcnt).runs_as_without_features, "bsr");
  EXPECT_EQ(decode(kPopcnt).runs_as_without_features, "");
  EXPECT_EQ(decode(kAndn).runs_as_without_features, "");
  EXPECT_EQ(decode(kVpmullqZmm).runs_as_without_features, "");
}

TEST(DecodeInstruction, VexExtensionsAndOpmasks) {
  EXPECT_THAT(decode(kVfmadd231psYmm).required_features, ElementsAre("fma"));
  EXPECT_THAT(decode(kVcvtph2ps).required_features, ElementsAre("f16c"));
  EXPECT_THAT(decode(kKmovw).required_features, ElementsAre("avx512f"));
  EXPECT_THAT(decode(kKmovb).required_features, ElementsAre("avx512dq"));
  EXPECT_THAT(decode(kKmovq).required_features, ElementsAre("avx512bw"));
  // XED files VEX vpclmulqdq xmm under AVX; it needs PCLMULQDQ as well.
  EXPECT_THAT(decode(kVpclmulqdqXmm).required_features, UnorderedElementsAre("avx", "pclmul"));
}

TEST(DecodeInstruction, BaselineNeedsNothing) {
  for (const Bytes& b : {kMovRaxRcx, kRet, kAddps, kPaddq, kNop5, kEndbr64}) {
    DecodedInstruction d = decode(b);
    EXPECT_THAT(d.required_features, IsEmpty()) << d.text << " [" << d.isa_set << "]";
    EXPECT_FALSE(d.uses_vex);
    EXPECT_FALSE(d.uses_evex);
    EXPECT_EQ(d.vector_length, 0);
  }
  EXPECT_EQ(decode(kMovRaxRcx).text, "mov rax, rcx");
}

TEST(DecodeInstruction, RelativeBranchTextUsesRuntimeAddress) {
  const Bytes call = {0xe8, 0x00, 0x00, 0x00, 0x00};  // call next instruction
  Result<DecodedInstruction> r = decode_instruction(call, 0x401000);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->text, ::testing::HasSubstr("0x0000000000401005"));
}

TEST(DecodeInstruction, EmptyAndTruncatedAndInvalidAreErrors) {
  Result<DecodedInstruction> empty = decode_instruction({}, 0);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::Malformed);
  EXPECT_THAT(empty.error().message, ::testing::HasSubstr("empty"));

  Bytes truncated(kVpmullqZmm.begin(), kVpmullqZmm.end() - 1);
  Result<DecodedInstruction> t = decode_instruction(truncated, 0);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.error().message, ::testing::HasSubstr("truncated"));
  EXPECT_THAT(t.error().message, ::testing::HasSubstr("62 f2 fd 48 40"));

  const Bytes invalid = {0x06};  // push es: invalid in 64-bit mode
  Result<DecodedInstruction> i = decode_instruction(invalid, 0);
  ASSERT_FALSE(i.ok());
  EXPECT_THAT(i.error().message, ::testing::HasSubstr("not a valid x86-64 instruction"));
}

}  // namespace
}  // namespace ironclad::verify
