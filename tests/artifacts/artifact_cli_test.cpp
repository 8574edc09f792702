// `ironclad compile` and `ironclad run FILE.icwasm`, as a user runs them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "artifact_support.h"
#include "run_process.h"

namespace ironclad::cli::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ArtifactCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("IRONCLAD_CPU_FEATURES");
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ironclad-icwasm-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string out(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

TEST_F(ArtifactCli, WasiProgramRunsFromItsArtifactAsFromTheModule) {
  std::string wasm = jit::testing::fixture("wasi_args_env.wasm");
  std::string icwasm = out("args.icwasm");
  auto compiled = run_ironclad({"compile", wasm, "-o", icwasm, "--timings"});
  ASSERT_EQ(compiled.status, 0) << compiled.err;
  EXPECT_TRUE(contains(compiled.err, "kib_per_s=")) << compiled.err;

  auto fresh = run_ironclad({"run", "--tier", "jit", "--env", "GREETING=hi", wasm, "a", "b c"});
  auto loaded = run_ironclad({"run", "--env", "GREETING=hi", icwasm, "a", "b c"});
  ASSERT_EQ(fresh.status, 0) << fresh.err;
  EXPECT_EQ(loaded.status, fresh.status) << loaded.err;
  // argv[0] is the file as given; everything after it is the same.
  EXPECT_EQ(loaded.out.substr(loaded.out.find("argv[1]")),
            fresh.out.substr(fresh.out.find("argv[1]")));
  EXPECT_TRUE(contains(loaded.out, "GREETING=hi"));
  EXPECT_EQ(loaded.err, "");  // the artifact's code ran: no warning, no recompile note

  auto interp =
      run_ironclad({"run", "--tier", "interp", "--env", "GREETING=hi", icwasm, "a", "b c"});
  EXPECT_EQ(interp.status, 0) << interp.err;
  EXPECT_EQ(interp.out, loaded.out);
}

TEST_F(ArtifactCli, SimdInvokeFromTheArtifact) {
  std::string wasm = jit::testing::fixture("artifact_simd.wasm");
  std::string icwasm = out("simd.icwasm");
  ASSERT_EQ(run_ironclad({"compile", "--threads", "2", wasm, "-o", icwasm}).status, 0);
  auto fresh = run_ironclad({"run", "--tier", "jit", "--invoke", "fill_and_sum", wasm, "1000"});
  auto loaded = run_ironclad({"run", "--invoke", "fill_and_sum", icwasm, "1000"});
  EXPECT_EQ(fresh.status, 0) << fresh.err;
  EXPECT_EQ(loaded.status, 0) << loaded.err;
  EXPECT_EQ(loaded.out, fresh.out);
  auto trap = run_ironclad({"run", "--invoke", "oob", icwasm});
  EXPECT_EQ(trap.status, 1);
  EXPECT_TRUE(contains(trap.err, "out of bounds")) << trap.err;
}

// An artifact's code runs only under the key of the data directory that compiled it: made with
// another (another user or machine, a forger), it is refused with a warning and its module
// compiled, giving the same result.
TEST_F(ArtifactCli, AnArtifactSignedWithAnotherDataDirectorysKeyIsCompiledInstead) {
  std::string wasm = jit::testing::fixture("artifact_simd.wasm");
  std::string icwasm = out("simd.icwasm");
  ASSERT_EQ(run_ironclad({"compile", wasm, "-o", icwasm, "--data-dir", out("mine")}).status, 0);
  auto mine = run_ironclad(
      {"run", "--data-dir", out("mine"), "--invoke", "fill_and_sum", icwasm, "1000"});
  EXPECT_EQ(mine.status, 0) << mine.err;
  EXPECT_EQ(mine.err, "") << "signed with this data directory's key: its code runs";
  auto theirs = run_ironclad(
      {"run", "--data-dir", out("theirs"), "--invoke", "fill_and_sum", icwasm, "1000"});
  EXPECT_EQ(theirs.status, 0) << theirs.err;
  EXPECT_EQ(theirs.out, mine.out);
  EXPECT_TRUE(contains(theirs.err, "not signed with this data directory's key")) << theirs.err;
  EXPECT_TRUE(contains(theirs.err, "compiling its module instead")) << theirs.err;
}

TEST_F(ArtifactCli, TruncatedArtifactIsAnErrorNotACrash) {
  std::string icwasm = out("t.icwasm");
  ASSERT_EQ(
      run_ironclad({"compile", jit::testing::fixture("artifact_simd.wasm"), "-o", icwasm}).status,
      0);
  std::filesystem::resize_file(icwasm, std::filesystem::file_size(icwasm) - 100);
  auto r = run_ironclad({"run", "--invoke", "oob", icwasm});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "truncated")) << r.err;
}

TEST_F(ArtifactCli, CompileRefusesTheInterpreterPolicyAndBadInput) {
  std::string wasm = jit::testing::fixture("artifact_simd.wasm");
  EXPECT_EQ(run_ironclad({"compile", "--policy", "interpreter", wasm, "-o", out("x")}).status, 2);
  EXPECT_EQ(run_ironclad({"compile", "-O", "7", wasm, "-o", out("x")}).status, 2);
  EXPECT_EQ(run_ironclad({"compile", out("missing.wasm"), "-o", out("x")}).status, 66);
  EXPECT_FALSE(std::filesystem::exists(out("x")));
}

}  // namespace
}  // namespace ironclad::cli::testing
