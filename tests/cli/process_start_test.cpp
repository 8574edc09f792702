// What an `ironclad` process loads before it runs anything: the libraries the dynamic
// loader maps at start cost every run (docs/tiering.md, "Process start"). LLVM is linked
// from its static components (only what the JIT uses), and libcurl and libarchive, which
// bring some 35 libraries of their own, are opened only when a download needs them.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "run_process.h"

namespace ironclad::cli {
namespace {

using testing::fixture;
using testing::run_ironclad;

// glibc's dynamic loader names every library it loads on stderr under LD_DEBUG=libs.
class LoadedLibraries : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("LD_DEBUG", "libs", 1); }
  void TearDown() override { ::unsetenv("LD_DEBUG"); }
};

TEST_F(LoadedLibraries, AnInterpretedRunLoadsNeitherLLVMNorTheDownloadLibraries) {
  auto r = run_ironclad({"run", "--tier", "interp", fixture("wasi_args_env.wasm")});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_NE(r.err.find("libstdc++"), std::string::npos)
      << "LD_DEBUG=libs printed nothing; the checks below would prove nothing:\n" << r.err;
  EXPECT_EQ(r.err.find("libironclad_llvm"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libLLVM"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libcurl"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libarchive"), std::string::npos) << r.err;
}

// The tiered tier opens LLVM only once something warms up (a quarter of the heat threshold):
// a program that runs briefly never loads it.
TEST_F(LoadedLibraries, ATieredRunOfAShortProgramDoesNotOpenLLVM) {
  auto r = run_ironclad(
      {"run", "--tier", "tiered", "--no-code-cache", fixture("wasi_args_env.wasm")});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_NE(r.err.find("libstdc++"), std::string::npos)
      << "LD_DEBUG=libs printed nothing; the check below would prove nothing:\n" << r.err;
  EXPECT_EQ(r.err.find("libironclad_llvm"), std::string::npos) << r.err;
}

TEST_F(LoadedLibraries, TheJitOpensItsLLVMBackendWhenItCompiles) {
  auto r = run_ironclad({"run", "--tier", "jit", "--no-code-cache", fixture("wasi_args_env.wasm")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("libironclad_llvm.so"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libLLVM"), std::string::npos) << r.err;  // LLVM is inside it
}

// Without its backend the JIT is an error value like any other: the run says why and goes on
// in the interpreter, with the program's own output and status.
TEST(LlvmBackend, AMissingBackendLeavesTheRunToTheInterpreterWithAWarning) {
  ::setenv("IRONCLAD_LLVM_BACKEND", "/nonexistent/libironclad_llvm.so", 1);
  auto r = run_ironclad({"run", "--tier", "jit", "--no-code-cache", "--env", "GREETING=hi",
                         fixture("wasi_args_env.wasm")});
  ::unsetenv("IRONCLAD_LLVM_BACKEND");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("GREETING=hi"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("the LLVM backend libironclad_llvm.so was not found: "
                       "/nonexistent/libironclad_llvm.so (missing)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("running it in the interpreter"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ironclad::cli
