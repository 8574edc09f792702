// An artifact is refused, with a reason naming the problem, when its code may not run here:
// features outside the host's verified set, another engine or LLVM version, another module.
#include <gtest/gtest.h>

#include "artifact_support.h"

namespace ironclad::jit::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Loads `a` (re-encoded, so its checksum is right: only the patched field is wrong).
Result<LoadedArtifact> load(const Artifact& a, const cpu::FeatureSet& host = host_verified()) {
  std::vector<uint8_t> bytes = encode_artifact(a, test_key());
  return load_artifact(std::span<const uint8_t>(bytes), host, test_key());
}

TEST(ArtifactRefused, FeaturesOutsideTheHostsVerifiedSet) {
  // Compiled for SSE2..SSE4.1 (compiling runs nothing, so this host need not have them),
  // loaded on a machine that verified only SSE2.
  CompileOptions options = test_options();
  options.features = cpu::FeatureSet{cpu::X86::SSE2, cpu::X86::SSE3, cpu::X86::SSSE3,
                                     cpu::X86::SSE4_1};
  Artifact a = compile_artifact(options);
  auto r = load(a, cpu::FeatureSet{cpu::X86::SSE2});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::CpuIncompatibility);
  EXPECT_TRUE(contains(r.error().message, "SSSE3")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "not verified")) << r.error().message;
}

TEST(ArtifactRefused, HeaderPatchedToAFeatureThisHostLacks) {
  std::optional<cpu::X86> lacking = feature_host_lacks();
  if (!lacking) GTEST_SKIP() << "this host verified every feature the model knows";
  Artifact a = compile_artifact(test_options());
  a.header.features.add(*lacking);
  auto r = load(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::CpuIncompatibility);
  EXPECT_TRUE(contains(r.error().message, cpu::FeatureSet{*lacking}.names())) << r.error().message;
}

TEST(ArtifactRefused, AnotherEngineVersion) {
  Artifact a = compile_artifact(test_options());
  a.header.engine_version = "0.0.1 (code abi 0)";
  auto r = load(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_TRUE(contains(r.error().message, "engine version 0.0.1")) << r.error().message;
}

TEST(ArtifactRefused, AnotherLlvmVersion) {
  Artifact a = compile_artifact(test_options());
  a.header.llvm_version = "17.0.0";
  auto r = load(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_TRUE(contains(r.error().message, "LLVM 17.0.0")) << r.error().message;
}

TEST(ArtifactRefused, ModuleHashMismatch) {
  Artifact a = compile_artifact(test_options());
  a.header.module_hash[0] ^= 1;
  auto r = load(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_TRUE(contains(r.error().message, "hash")) << r.error().message;
}

TEST(ArtifactRefused, AnotherFormatVersion) {
  Artifact a = compile_artifact(test_options());
  a.header.format_version = kArtifactFormatVersion + 1;
  auto r = load(a);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.error().message, "format version")) << r.error().message;
}

TEST(ArtifactRefused, TheTierCompilesInsteadAndSaysWhy) {
  CompileOptions options = test_options();
  Artifact a = compile_artifact(options);
  a.header.engine_version = "0.0.1 (code abi 0)";
  JitConfig config = jit_config(options);
  config.artifacts.push_back(std::make_shared<const Artifact>(a));
  FixtureRun run = run_fixture(config);
  EXPECT_EQ(run.results, run_fixture(jit_config(options)).results);
  ASSERT_EQ(run.notes.size(), 1u);
  EXPECT_TRUE(contains(run.notes[0], "engine version 0.0.1")) << run.notes[0];
}

}  // namespace
}  // namespace ironclad::jit::testing
