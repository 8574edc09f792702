// Compile → write → load gives code that behaves as a fresh compile does, and is that code.
#include <gtest/gtest.h>

#include "artifact_support.h"
#include "interp/interpreter.h"

namespace ironclad::jit::testing {
namespace {

std::string joined(const std::vector<std::string>& notes) {
  std::string out;
  for (const std::string& n : notes) out += n + "\n";
  return out;
}

TEST(ArtifactRoundTrip, SimdModuleRunsFromTheArtifactAsFromAFreshCompile) {
  for (unsigned threads : {1u, 2u}) {
    CompileOptions options = test_options(threads);
    Artifact written = compile_artifact(options);
    EXPECT_EQ(written.objects.size(), threads);
    auto decoded = decode_artifact(encode_artifact(written, test_key()), test_key());
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();

    std::string interpreted = run_exports(interp::make_interpreter(), simd_module());
    FixtureRun fresh = run_fixture(jit_config(options));
    JitConfig from_artifact = jit_config(options);
    from_artifact.artifacts.push_back(std::make_shared<const Artifact>(std::move(*decoded)));
    FixtureRun loaded = run_fixture(from_artifact);
    EXPECT_EQ(fresh.results, interpreted);
    EXPECT_EQ(loaded.results, fresh.results) << "threads " << threads;
    EXPECT_NE(loaded.results.find("out of bounds"), std::string::npos) << loaded.results;
    // A used artifact sends no note; a skipped one says why.
    EXPECT_TRUE(loaded.notes.empty()) << joined(loaded.notes);
  }
}

TEST(ArtifactRoundTrip, LoadedCodeIsTheCodeThatWasCompiled) {
  CompileOptions options = test_options(2);
  auto compiler = ModuleCompiler::create(options);
  ASSERT_TRUE(compiler.ok());
  auto code = (*compiler)->compile(simd_module());
  ASSERT_TRUE(code.ok()) << code.error().describe();
  auto artifact = make_artifact(**code, options.opt_level, "test");
  ASSERT_TRUE(artifact.ok());
  std::vector<uint8_t> bytes = encode_artifact(*artifact, test_key());

  auto loaded = load_artifact(std::span<const uint8_t>(bytes), host_verified(), test_key());
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  const CompiledModule& again = *loaded->code;
  EXPECT_EQ(again.compiled_for, options.features);
  EXPECT_EQ(again.objects, (*code)->objects);
  EXPECT_EQ(again.entries.size(), (*code)->entries.size());
  // The verifier saw the same instructions again: an artifact is verified like fresh code.
  EXPECT_GT(again.usage.instructions, 0u);
  EXPECT_EQ(again.usage.instructions, (*code)->usage.instructions);
  EXPECT_EQ(again.usage.by_feature, (*code)->usage.by_feature);
  EXPECT_EQ(loaded->module->bytes, simd_module()->bytes);
}

TEST(ArtifactRoundTrip, SameModuleAndOptionsGiveTheSameArtifact) {
  // Reproducible: the partitions and objects depend only on the module and options.
  EXPECT_EQ(encode_artifact(compile_artifact(test_options(2)), test_key()),
            encode_artifact(compile_artifact(test_options(2)), test_key()));
}

TEST(ArtifactRoundTrip, HeaderRecordsWhatTheCodeNeeds) {
  Artifact a = compile_artifact(test_options());
  EXPECT_EQ(a.header.engine_version, engine_version());
  EXPECT_EQ(a.header.llvm_version, llvm_version());
  EXPECT_EQ(a.header.features, test_features());
  EXPECT_EQ(a.header.module_hash, module_hash(simd_module()->bytes));
  EXPECT_TRUE(a.header.explicit_bounds_checks);
  EXPECT_FALSE(a.header.fuel);
  EXPECT_EQ(a.header.opt_level, 2);
}

TEST(ArtifactRoundTrip, FuelModeIsRecordedAndMustMatch) {
  CompileOptions fueled = test_options();
  fueled.fuel = true;
  auto decoded = decode_artifact(encode_artifact(compile_artifact(fueled), test_key()), test_key());
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_TRUE(decoded->header.fuel);
  EXPECT_TRUE(artifact_matches(decoded->header, fueled));
  // Code without the counter is never used for a store with a fuel limit, nor the reverse.
  EXPECT_FALSE(artifact_matches(decoded->header, test_options()));
  EXPECT_FALSE(artifact_matches(compile_artifact(test_options()).header, fueled));
  auto loaded = load_artifact(encode_artifact(*decoded, test_key()), host_verified(), test_key());
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  EXPECT_TRUE(loaded->code->fuel);
}

TEST(ArtifactRoundTrip, InterruptModeIsRecordedAndMustMatch) {
  CompileOptions interrupt = test_options();
  interrupt.interrupt = true;
  CompileOptions fueled = test_options();
  fueled.fuel = true;
  auto decoded =
      decode_artifact(encode_artifact(compile_artifact(interrupt), test_key()), test_key());
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_TRUE(decoded->header.interrupt);
  EXPECT_FALSE(decoded->header.fuel);
  EXPECT_TRUE(artifact_matches(decoded->header, interrupt));
  // Code that reads the flag is used for a deadline alone: neither for a store with no
  // deadline (it would call the runtime for nothing) nor for one with fuel (no counter).
  EXPECT_FALSE(artifact_matches(decoded->header, test_options()));
  EXPECT_FALSE(artifact_matches(decoded->header, fueled));
  EXPECT_FALSE(artifact_matches(compile_artifact(test_options()).header, interrupt));
  auto loaded = load_artifact(encode_artifact(*decoded, test_key()), host_verified(), test_key());
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  EXPECT_TRUE(loaded->code->interrupt);
  EXPECT_FALSE(loaded->code->fuel);
}

}  // namespace
}  // namespace ironclad::jit::testing
