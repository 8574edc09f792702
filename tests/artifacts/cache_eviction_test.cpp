// The artifact cache's size limit (JitConfig::artifact_cache_limit, docs/artifacts.md "Cache
// size"): after a write the directory is cut back to the limit, least recently used first, never
// removing the artifact just written; a hit marks its file used; a file that another process
// removes is a plain miss. `ironclad run` takes the limit from IRONCLAD_CODE_CACHE_LIMIT.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "artifact_support.h"
#include "jit/artifact_cache.h"
#include "run_process.h"

namespace ironclad::jit::testing {
namespace {

namespace fs = std::filesystem;

class ArtifactCacheLimit : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ironclad-evict-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // A file of `bytes` bytes last used (access time) `age` seconds ago.
  void make_file(const std::string& name, size_t bytes, time_t age) const {
    std::ofstream(path(name), std::ios::binary) << std::string(bytes, 'x');
    set_times(name, age, age);
  }
  void set_times(const std::string& name, time_t used_age, time_t modified_age) const {
    time_t now = std::time(nullptr);
    const timespec times[2] = {{now - used_age, 0}, {now - modified_age, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path(name).c_str(), times, 0), 0) << name;
  }
  time_t used_at(const std::string& file) const {
    struct stat st;
    return ::stat(file.c_str(), &st) == 0 ? st.st_atime : 0;
  }
  bool exists(const std::string& name) const { return fs::exists(path(name)); }

  JitConfig config(uint64_t limit) const {
    JitConfig c = jit_config(test_options());
    c.artifact_cache_dir = dir_;
    c.artifact_key = test_key();
    c.artifact_cache_limit = limit;
    return c;
  }
  std::string cached_path() const {
    return artifact_cache_path(dir_, *simd_module(), test_options());
  }

  std::string dir_;
};

TEST_F(ArtifactCacheLimit, RemovesTheLeastRecentlyUsedUntilTheRestFit) {
  make_file("a.icwasm", 100, 400);  // used longest ago
  make_file("b.icwasm", 100, 300);
  make_file("c.icwasm", 100, 200);
  make_file("d.icwasm", 100, 100);
  // Modification times in the opposite order: only the access time decides.
  set_times("a.icwasm", 400, 10);
  set_times("d.icwasm", 100, 1000);
  jit::CacheEviction pass = evict_artifact_cache(dir_, 250, path("d.icwasm"));
  EXPECT_EQ(pass.bytes_before, 400u);
  EXPECT_EQ(pass.bytes_after, 200u);
  EXPECT_EQ(pass.removed, 2u);
  EXPECT_FALSE(exists("a.icwasm"));
  EXPECT_FALSE(exists("b.icwasm"));
  EXPECT_TRUE(exists("c.icwasm"));
  EXPECT_TRUE(exists("d.icwasm"));
}

TEST_F(ArtifactCacheLimit, UnderTheLimitOrWithoutOneNothingIsRemoved) {
  make_file("a.icwasm", 100, 400);
  make_file("b.icwasm", 100, 300);
  jit::CacheEviction at_limit = evict_artifact_cache(dir_, 200, path("b.icwasm"));
  EXPECT_EQ(at_limit.removed, 0u);
  EXPECT_EQ(at_limit.bytes_after, 200u);
  jit::CacheEviction unlimited = evict_artifact_cache(dir_, 0, path("b.icwasm"));
  EXPECT_EQ(unlimited.removed, 0u);
  EXPECT_TRUE(exists("a.icwasm"));
  EXPECT_TRUE(exists("b.icwasm"));
  jit::CacheEviction no_dir = evict_artifact_cache(dir_ + "/missing", 1, "");
  EXPECT_EQ(no_dir.bytes_before, 0u);
}

TEST_F(ArtifactCacheLimit, TheArtifactJustWrittenStaysEvenIfOldestAndOverTheLimitAlone) {
  make_file("new.icwasm", 500, 1000);  // e.g. written with a clock set back
  make_file("other.icwasm", 100, 10);
  jit::CacheEviction pass = evict_artifact_cache(dir_, 50, path("new.icwasm"));
  EXPECT_TRUE(exists("new.icwasm"));
  EXPECT_FALSE(exists("other.icwasm"));
  EXPECT_EQ(pass.bytes_after, 500u);
  EXPECT_EQ(pass.removed, 1u);
}

TEST_F(ArtifactCacheLimit, OnlyArtifactsCountAndStaleTemporaryFilesGo) {
  make_file("a.icwasm", 100, 100);
  make_file("notes.txt", 5000, 5000);  // not ours: neither counted nor removed
  fs::create_directory(path("sub.icwasm"));
  make_file("b.icwasm.tmp140001", 5000, 10);    // a write in progress elsewhere
  make_file("c.icwasm.tmp140002", 5000, 7200);  // a write that died two hours ago
  jit::CacheEviction pass = evict_artifact_cache(dir_, 1000, "");
  EXPECT_EQ(pass.bytes_before, 100u);
  EXPECT_EQ(pass.removed, 0u);
  EXPECT_TRUE(exists("a.icwasm"));
  EXPECT_TRUE(exists("notes.txt"));
  EXPECT_TRUE(exists("sub.icwasm"));
  EXPECT_TRUE(exists("b.icwasm.tmp140001"));
  EXPECT_FALSE(exists("c.icwasm.tmp140002"));
}

// End to end through the tier: writing the fixture's artifact evicts older artifacts in LRU
// order down to the limit, and keeps the new one.
TEST_F(ArtifactCacheLimit, WritingAnArtifactCutsTheCacheBackToTheLimit) {
  FixtureRun measure = run_fixture(config(0));
  ASSERT_TRUE(measure.notes.empty());
  uint64_t artifact_bytes = fs::file_size(cached_path());
  fs::remove(cached_path());
  make_file("old.icwasm", 1000, 300);
  make_file("older.icwasm", 1000, 400);
  make_file("recent.icwasm", 1000, 200);

  FixtureRun run = run_fixture(config(artifact_bytes + 1500));
  EXPECT_EQ(run.results, measure.results);
  EXPECT_TRUE(run.notes.empty());
  EXPECT_TRUE(fs::exists(cached_path()));
  EXPECT_FALSE(exists("older.icwasm"));
  EXPECT_FALSE(exists("old.icwasm"));
  EXPECT_TRUE(exists("recent.icwasm"));
}

TEST_F(ArtifactCacheLimit, AHitMarksTheArtifactUsedWithoutRewritingIt) {
  FixtureRun first = run_fixture(config(0));
  ASSERT_TRUE(fs::exists(cached_path()));
  const std::string name = fs::path(cached_path()).filename().string();
  // Used after it was written and within a day: under relatime, reading it alone would not
  // move the access time; only the hit's touch does.
  set_times(name, 3600, 7200);
  auto written_at = fs::last_write_time(cached_path());
  time_t before = std::time(nullptr);

  FixtureRun second = run_fixture(config(0));
  EXPECT_EQ(second.results, first.results);
  EXPECT_TRUE(second.notes.empty());
  EXPECT_GE(used_at(cached_path()), before);
  EXPECT_EQ(fs::last_write_time(cached_path()), written_at);
}

TEST_F(ArtifactCacheLimit, AnArtifactRemovedByAnotherProcessIsAPlainMiss) {
  FixtureRun first = run_fixture(config(0));
  ASSERT_TRUE(fs::remove(cached_path()));
  FixtureRun second = run_fixture(config(0));
  EXPECT_EQ(second.results, first.results);
  EXPECT_TRUE(second.notes.empty()) << second.notes[0];
  EXPECT_TRUE(fs::exists(cached_path())) << "written again";
}

// Another process evicting everything, all the time, while this one loads and writes: every
// load is a hit or a clean miss (never a refused, partial file) and the results stay right.
TEST_F(ArtifactCacheLimit, LoadsRaceWithAnotherEvictorWithoutNotesOrWrongResults) {
  FixtureRun reference = run_fixture(config(0));
  std::atomic<bool> stop{false};
  std::atomic<long> removed{0};
  std::thread evictor([&] {
    while (!stop.load()) {
      removed += static_cast<long>(evict_artifact_cache(dir_, 1, "").removed);
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < 20; ++i) {
    FixtureRun run = run_fixture(config(0));
    EXPECT_EQ(run.results, reference.results) << "run " << i;
    EXPECT_TRUE(run.notes.empty()) << "run " << i << ": " << run.notes[0];
  }
  stop = true;
  evictor.join();
  EXPECT_GT(removed.load(), 0) << "the race never happened";
}

}  // namespace
}  // namespace ironclad::jit::testing

namespace ironclad::cli::testing {
namespace {

namespace fs = std::filesystem;

class CodeCacheLimitCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ironclad-cachecli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fresh_cache();
  }
  // A code cache that holds only another module's code, 1000 bytes used long ago.
  void fresh_cache() const {
    fs::remove_all(old_artifact().parent_path());
    fs::create_directories(old_artifact().parent_path());
    std::ofstream(old_artifact(), std::ios::binary) << std::string(1000, 'x');
    const timespec long_ago[2] = {{1000000000, 0}, {1000000000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, old_artifact().c_str(), long_ago, 0), 0);
  }
  void TearDown() override {
    ::unsetenv("IRONCLAD_CODE_CACHE_LIMIT");
    fs::remove_all(dir_);
  }
  fs::path old_artifact() const { return fs::path(dir_) / "code-cache" / "old.icwasm"; }
  size_t artifacts() const {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(dir_) / "code-cache"))
      n += entry.path().extension() == ".icwasm";
    return n;
  }
  ProcessResult run() const {
    return run_ironclad({"run", "--tier", "jit", "--data-dir", dir_, "--invoke", "fill_and_sum",
                         jit::testing::fixture("artifact_simd.wasm"), "4"});
  }
  std::string dir_;
};

TEST_F(CodeCacheLimitCli, TheEnvironmentSetsTheLimitOfRunsCodeCache) {
  ::setenv("IRONCLAD_CODE_CACHE_LIMIT", "1", 1);
  ProcessResult r = run();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(fs::exists(old_artifact()));
  EXPECT_EQ(artifacts(), 1u) << "the code just written stays";
}

TEST_F(CodeCacheLimitCli, UnsetTheDefaultLimitKeepsASmallCache) {
  ::unsetenv("IRONCLAD_CODE_CACHE_LIMIT");
  ProcessResult r = run();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(old_artifact()));
  EXPECT_EQ(artifacts(), 2u);
}

TEST_F(CodeCacheLimitCli, AMalformedValueIsAWarningAndTheDefault) {
  ::setenv("IRONCLAD_CODE_CACHE_LIMIT", "lots", 1);
  ProcessResult r = run();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: IRONCLAD_CODE_CACHE_LIMIT=lots is not a size"), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(old_artifact()));
}

TEST_F(CodeCacheLimitCli, SizesTakeBinaryUnits) {
  // Seen through what stays: under 1G both files fit, under 1K (1024 bytes) the new artifact
  // and the 1000 old bytes do not.
  ::setenv("IRONCLAD_CODE_CACHE_LIMIT", "1G", 1);
  ASSERT_EQ(run().status, 0);
  EXPECT_TRUE(fs::exists(old_artifact()));
  fresh_cache();  // without the new artifact, so the next run writes it again
  ::setenv("IRONCLAD_CODE_CACHE_LIMIT", "1K", 1);
  ASSERT_EQ(run().status, 0);
  EXPECT_FALSE(fs::exists(old_artifact()));
}

}  // namespace
}  // namespace ironclad::cli::testing
