// The code generator uses exactly the features it is given (DESIGN.md invariants 3 and 4),
// and the ISA verifier checks every instruction of the result: compiled with POPCNT, LZCNT
// and BMI1 the bit-counting operators become popcnt/lzcnt/tzcnt; compiled without, none
// appears; code compiled for more than the verifier is told is rejected; a tier asked for
// features the host has not verified refuses to compile.
#include "jit/module_compiler.h"
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

using cpu::X86;

Result<std::shared_ptr<CompiledModule>> compile_bits(CompileOptions options) {
  auto module = load_fixture("jit_bits");
  if (!module) return Error::make(ErrorKind::Io, "no fixture");
  IRONCLAD_TRY_ASSIGN(auto compiler, ModuleCompiler::create(options));
  return compiler->compile(module);
}

uint64_t uses(const CompiledModule& code, const std::string& feature) {
  auto it = code.usage.by_feature.find(feature);
  return it == code.usage.by_feature.end() ? 0 : it->second;
}

TEST(JitFeatures, FeatureStringNamesEveryFeaturePlusOrMinus) {
  CompileOptions options{baseline_features(), 2, true, std::nullopt};
  auto compiler = ModuleCompiler::create(options);
  ASSERT_TRUE(compiler.ok()) << compiler.error().describe();
  const std::string& features = (*compiler)->llvm_features();
  EXPECT_NE(features.find("+sse2"), std::string::npos);
  EXPECT_NE(features.find("-sse4.1"), std::string::npos);
  EXPECT_NE(features.find("-avx512f"), std::string::npos);
  EXPECT_NE(features.find("-popcnt"), std::string::npos);
}

TEST(JitFeatures, OptionalInstructionsAppearOnlyWhenTheirFeatureIsAllowed) {
  cpu::FeatureSet rich{X86::SSE2, X86::POPCNT, X86::LZCNT, X86::BMI1};
  auto with = compile_bits({rich, 2, true, std::nullopt});
  ASSERT_TRUE(with.ok()) << with.error().describe();
  EXPECT_GT((*with)->usage.instructions, 0u);
  EXPECT_GT(uses(**with, "popcnt"), 0u);
  EXPECT_GT(uses(**with, "lzcnt"), 0u);
  EXPECT_GT(uses(**with, "bmi"), 0u);

  auto without = compile_bits({baseline_features(), 2, true, std::nullopt});
  ASSERT_TRUE(without.ok()) << without.error().describe();
  EXPECT_EQ(uses(**without, "popcnt"), 0u);
  EXPECT_EQ(uses(**without, "lzcnt"), 0u);
  // (tzcnt may still appear: LLVM emits `rep bsf`, which runs as bsf without BMI1.)
  EXPECT_EQ((*without)->usage.vex_instructions + (*without)->usage.evex_instructions, 0u);
}

TEST(JitFeatures, CodeUsingMoreThanTheVerifierAllowsIsRejected) {
  cpu::FeatureSet rich{X86::SSE2, X86::POPCNT};
  auto r = compile_bits({rich, 2, true, baseline_features()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Internal);
  EXPECT_NE(r.error().message.find("popcnt"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("will not run"), std::string::npos) << r.error().message;
}

TEST(JitFeatures, FeaturesTheHostHasNotVerifiedAreRefused) {
  JitConfig config = test_config();
  config.features.add(X86::AVX512F);  // not in host_verified (SSE2 only)
  Harness h("jit_bits", config);
  ASSERT_TRUE(h.module);
  auto inst = h.linker.instantiate(h.store, h.module);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::CpuIncompatibility);
  EXPECT_NE(inst.error().message.find("AVX512F"), std::string::npos) << inst.error().message;
}

TEST(JitFeatures, BaselineCodeComputesTheSameBitCounts) {
  Harness h("jit_bits");
  h.instantiate();
  EXPECT_EQ(h.i64("popcnt", {I64(0xF0F0'0000'0000'0001ull)}), 9u);
  EXPECT_EQ(h.i64("clz", {I64(1)}), 63u);
  EXPECT_EQ(h.i64("clz", {I64(0)}), 64u);
  EXPECT_EQ(h.i64("ctz", {I64(0)}), 64u);
  EXPECT_EQ(h.i64("ctz", {I64(0x100)}), 8u);
  EXPECT_EQ(h.i32("sum_popcnt", {I32(0), I32(8)}), 12u);  // 0..7: 0+1+1+2+1+2+2+3
}

}  // namespace
}  // namespace ironclad::jit::testing
