// `ironclad run --tier jit` goes through the host's recovery ladder; the JIT's notes (e.g.
// why the code checks memory bounds explicitly) reach stderr as "ironclad: note: ...", as they
// do for `spectest` and artifact runs. The address-space limit is set by the shell of the
// child process (`ulimit -v`), so this test process keeps its own.
#include <gtest/gtest.h>

#include "host_cli_support.h"
#include "support/sanitizers.h"

namespace ironclad::cli::testing {
namespace {

class JitNotes : public HostCli {};

// 3 GiB: enough for the engine and LLVM, too little for a wasm32 memory's guard region.
constexpr const char* kLimitKiB = "3145728";

TEST_F(JitNotes, RunUnderAnAddressSpaceLimitSaysWhyBoundsAreCheckedExplicitly) {
  if (ironclad::testing::kUnderAddressSanitizer)
    GTEST_SKIP() << "an AddressSanitizer build cannot start under ulimit -v (its shadow memory "
                    "needs terabytes of address space)";
  const std::string run = std::string(IRONCLAD_BINARY) + " run --tier jit --data-dir " + data_dir_ +
                          " " + fixture("vechash_cmd.wasm");
  auto reference = run_shell(run);
  ASSERT_EQ(reference.status, 0) << reference.out;
  EXPECT_FALSE(contains(reference.out, "ironclad: note:")) << reference.out;

  auto limited = run_shell("ulimit -v " + std::string(kLimitKiB) + " && " + run);
  ASSERT_EQ(limited.status, 0) << limited.out;
  EXPECT_TRUE(contains(limited.out, "ironclad: note: jit: explicit bounds checks for"))
      << limited.out;
  EXPECT_TRUE(contains(limited.out, "has no guard region")) << limited.out;
  // The note is the only difference: the program's output is the same.
  std::string without_notes;
  size_t start = 0;
  while (start < limited.out.size()) {
    size_t end = limited.out.find('\n', start);
    if (end == std::string::npos) end = limited.out.size() - 1;
    std::string line = limited.out.substr(start, end - start + 1);
    if (line.rfind("ironclad: note:", 0) != 0) without_notes += line;
    start = end + 1;
  }
  EXPECT_EQ(without_notes, reference.out);
}

}  // namespace
}  // namespace ironclad::cli::testing
