// `ironclad run --tier tiered` keeps its compiled batches in <data dir>/code-cache: the second
// run of a program loads them before its first call (docs/tiering.md, "Code cache"), and
// --no-code-cache turns that off. Run as a user would: the built binary as a child process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "../wasi/temp_dir.h"
#include "run_process.h"

namespace ironclad::cli::testing {
namespace {

using wasi::testing::TempDir;

// The counts of --show-tier's code cache line: functions loaded, batches loaded, batches
// written; {-1, -1, -1} when the line is missing.
struct CacheLine {
  long loaded = -1, batches = -1, written = -1;
};
CacheLine cache_line(const std::string& err) {
  std::smatch m;
  static const std::regex line(
      "ironclad: tier: tiered: code cache: ([0-9]+) functions loaded \\(([0-9]+) batches, "
      "[0-9.]+ ms\\), ([0-9]+) batches written");
  if (!std::regex_search(err, m, line)) return {};
  return {std::stol(m[1]), std::stol(m[2]), std::stol(m[3])};
}

class TieredCacheCli : public ::testing::Test {
 protected:
  // Deterministic compiles: each function at its first call, so the first run writes its
  // batches whatever the machine's load (a background batch may still be queued at exit).
  void SetUp() override { ::setenv("IRONCLAD_TIERED_SYNC", "1", 1); }
  void TearDown() override { ::unsetenv("IRONCLAD_TIERED_SYNC"); }

  ProcessResult run(const TempDir& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run",         "--tier",     "tiered",
                                     "--show-tier", "--data-dir", dir.path() + "/data"};
    args.insert(args.end(), extra.begin(), extra.end());
    for (const char* a : {"--invoke", "bits"}) args.push_back(a);
    args.push_back(fixture("clijit_scalar.wasm"));
    args.push_back("1000");
    return run_ironclad(args);
  }

  // Runs until a run has written a batch: the first, with IRONCLAD_TIERED_SYNC=1; a path
  // that compiled in the background anyway may end before its first batch, so it runs again
  // (at most 10 times). That run's result; `attempts` counts the runs.
  ProcessResult fill(const TempDir& dir, int& attempts) {
    ProcessResult r;
    for (attempts = 1; attempts <= 10; ++attempts) {
      r = run(dir);
      if (r.status != 0 || cache_line(r.err).written >= 1) break;
    }
    return r;
  }
};

TEST_F(TieredCacheCli, TheSecondRunLoadsWhatTheFirstCompiled) {
  TempDir dir;
  int attempts = 0;
  ProcessResult first = fill(dir, attempts);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, "88102\n");
  EXPECT_GE(cache_line(first.err).written, 1) << first.err;
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/data/code-cache"))
    files += e.path().extension() == ".icbatch";

  ProcessResult second = run(dir);
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  CacheLine b = cache_line(second.err);
  EXPECT_GE(b.loaded, 1) << second.err;
  EXPECT_EQ(static_cast<size_t>(b.batches), files) << second.err;
  // Every function the first run called was compiled in it (IRONCLAD_TIERED_SYNC=1, when the
  // first attempt wrote): none is queued, compiled or written again.
  if (attempts == 1) EXPECT_EQ(b.written, 0) << second.err;
  EXPECT_EQ(second.err.find("note:"), std::string::npos) << second.err;

  // --no-code-cache: nothing read, nothing written.
  ProcessResult off = run(dir, {"--no-code-cache"});
  ASSERT_EQ(off.status, 0) << off.err;
  EXPECT_EQ(off.out, first.out);
  CacheLine c = cache_line(off.err);
  EXPECT_EQ(c.loaded, 0) << off.err;
  EXPECT_EQ(c.written, 0) << off.err;
}

// Without background compiles too (the default mode): a run that finds its code cached runs
// it from the first call, with the same results.
TEST_F(TieredCacheCli, ABackgroundRunLoadsTheCacheToo) {
  TempDir dir;
  int attempts = 0;
  ASSERT_EQ(fill(dir, attempts).status, 0);
  ::unsetenv("IRONCLAD_TIERED_SYNC");
  ProcessResult second = run(dir);
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, "88102\n");
  EXPECT_GE(cache_line(second.err).loaded, 1) << second.err;
}

// A run that finds its module's code cached opens LLVM on a thread while the module is
// decoded (open_llvm_backend_early): a run that ends before it needs it (here at once, its
// export unknown) still ends as it should, never in the middle of LLVM's start-up.
TEST_F(TieredCacheCli, ARunEndingBeforeItsCachedCodeIsNeededEndsCleanly) {
  TempDir dir;
  int attempts = 0;
  ASSERT_EQ(fill(dir, attempts).status, 0);
  for (int i = 0; i < 5; ++i) {
    ProcessResult r = run_ironclad({"run", "--tier", "tiered", "--data-dir", dir.path() + "/data",
                                    "--invoke", "no_such_export", fixture("clijit_scalar.wasm")});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("unknown export"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace ironclad::cli::testing
