// JitConfig::artifact_cache_dir: the first compile writes an artifact, the next tier links it,
// and a refused or broken artifact in the cache is recompiled (and replaced), never fatal.
#include "jit/artifact_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "artifact_support.h"

namespace ironclad::jit::testing {
namespace {

class ArtifactCache : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ironclad-cache-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  JitConfig config() const {
    JitConfig c = jit_config(test_options());
    c.artifact_cache_dir = dir_;
    c.artifact_key = test_key();
    return c;
  }
  std::string cached_path() const {
    return artifact_cache_path(dir_, *simd_module(), test_options());
  }

  std::string dir_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(ArtifactCache, FirstRunWritesTheArtifactTheSecondLinksIt) {
  FixtureRun first = run_fixture(config());
  EXPECT_TRUE(first.notes.empty());
  ASSERT_TRUE(std::filesystem::exists(cached_path()));
  auto cached = read_artifact(cached_path(), test_key());
  ASSERT_TRUE(cached.ok()) << cached.error().describe();
  EXPECT_TRUE(check_artifact(*cached, host_verified()).ok());
  auto written_at = std::filesystem::last_write_time(cached_path());

  FixtureRun second = run_fixture(config());
  EXPECT_EQ(second.results, first.results);
  EXPECT_TRUE(second.notes.empty());
  EXPECT_EQ(std::filesystem::last_write_time(cached_path()), written_at);  // not rewritten
}

TEST_F(ArtifactCache, ARefusedArtifactIsRecompiledAndReplaced) {
  FixtureRun first = run_fixture(config());
  auto cached = read_artifact(cached_path(), test_key());
  ASSERT_TRUE(cached.ok());
  cached->header.engine_version = "0.0.1 (code abi 0)";
  ASSERT_TRUE(write_artifact(cached_path(), *cached, test_key()).ok());

  FixtureRun second = run_fixture(config());
  EXPECT_EQ(second.results, first.results);
  ASSERT_EQ(second.notes.size(), 1u);
  EXPECT_TRUE(contains(second.notes[0], "recompiling")) << second.notes[0];
  EXPECT_TRUE(contains(second.notes[0], "engine version 0.0.1")) << second.notes[0];
  auto replaced = read_artifact(cached_path(), test_key());
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->header.engine_version, engine_version());
}

TEST_F(ArtifactCache, ATruncatedArtifactIsRecompiled) {
  FixtureRun first = run_fixture(config());
  std::filesystem::resize_file(cached_path(), std::filesystem::file_size(cached_path()) / 2);
  FixtureRun second = run_fixture(config());
  EXPECT_EQ(second.results, first.results);
  ASSERT_EQ(second.notes.size(), 1u);
  EXPECT_TRUE(contains(second.notes[0], "truncated")) << second.notes[0];
  EXPECT_TRUE(read_artifact(cached_path(), test_key()).ok());
}

TEST_F(ArtifactCache, KeyDependsOnTheFeatureSetAndOptions) {
  CompileOptions a = test_options();
  CompileOptions b = a;
  // One feature more or less than `a` (whatever the host verified, so also under the
  // sse2-only host view, where `a` has SSE2 alone).
  b.features.set(cpu::X86::SSE3, !a.features.has(cpu::X86::SSE3));
  CompileOptions c = a;
  c.opt_level = 1;
  CompileOptions d = a;
  d.explicit_bounds_checks = false;
  CompileOptions e = a;
  e.fuel = true;
  std::string pa = artifact_cache_path(dir_, *simd_module(), a);
  EXPECT_NE(pa, artifact_cache_path(dir_, *simd_module(), b));
  EXPECT_NE(pa, artifact_cache_path(dir_, *simd_module(), c));
  EXPECT_NE(pa, artifact_cache_path(dir_, *simd_module(), d));
  EXPECT_NE(pa, artifact_cache_path(dir_, *simd_module(), e));
  EXPECT_EQ(pa, artifact_cache_path(dir_, *simd_module(), test_options(2)));  // threads: same code
}

}  // namespace
}  // namespace ironclad::jit::testing
