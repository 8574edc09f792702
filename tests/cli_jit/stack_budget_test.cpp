// The native stack is bounded by a budget of its own, not only by the size the system reports:
// under `ulimit -s unlimited` glibc reports a main-thread stack of 43,231 GiB, and a recursion
// of large frames in the JIT grew to 9 GB and on. Both tiers must end such a recursion with
// the same "call stack exhausted" trap.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "../wasi/temp_dir.h"
#include "run_process.h"
#include "support/big_frame_module.h"

namespace ironclad::cli::testing {
namespace {

using wasi::testing::TempDir;

std::string write_module(const TempDir& dir, const std::vector<uint8_t>& bytes) {
  std::string path = dir.path() + "/big.wasm";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return path;
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

TEST(StackBudget, DeepLargeFramesTrapInEveryTierUnderAnUnlimitedStack) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IRONCLAD_STACK_BUDGET_TEST_ASAN 1
#endif
#endif
#if defined(IRONCLAD_STACK_BUDGET_TEST_ASAN) || defined(__SANITIZE_ADDRESS__)
  // An ASan binary maps terabytes of shadow memory at start, which the address-space limit
  // below (the point of the test) forbids: it cannot start at all.
  GTEST_SKIP() << "the ironclad binary is built with ASan, which cannot run under RLIMIT_AS";
#endif
  TempDir dir;
  // 4,000 live i64 locals: >= 32 KB a frame in either tier; 1,000 deep is 32 MB of stack,
  // twice the budget (StoreLimits::max_stack_bytes, 16 MiB in both tiers).
  const std::string wasm = write_module(dir, ironclad::testing::big_frame_module(4'000));
  for (const char* tier : {"jit", "interp"}) {
    SCOPED_TRACE(tier);
    auto r = run_ironclad({"run", "--tier", tier, "--invoke", "big", wasm, "1000"},
                          {{RLIMIT_STACK, RLIM_INFINITY}, {RLIMIT_AS, rlim_t{24} << 30}});
    if (r.status == kCannotSetLimit) GTEST_SKIP() << "cannot lift the stack limit here";
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("trap: call stack exhausted"), std::string::npos) << r.err;
  }
  // A shallow recursion of the same frames fits the budget in both.
  for (const char* tier : {"jit", "interp"}) {
    auto r = run_ironclad({"run", "--tier", tier, "--invoke", "big", wasm, "10"});
    EXPECT_EQ(r.status, 0) << tier << ": " << r.err;
    EXPECT_EQ(r.out, "0\n") << tier;
  }
}

}  // namespace
}  // namespace ironclad::cli::testing
