// `ironclad run`'s JIT path and `ironclad ext call` keep compiled code in
// <data dir>/code-cache unless --no-code-cache; code loaded from the cache is still patched for
// CPU emulation (the cache holds the code as compiled), so an emulated crash reproduces after
// a normal run filled the cache.
#include <gtest/gtest.h>

#include "host_cli_support.h"

namespace ironclad::cli::testing {
namespace {

class CodeCacheCli : public HostCli {
 protected:
  size_t cached_files() const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir_ + "/code-cache", ec))
      if (entry.path().extension() == ".icwasm") ++n;
    return n;
  }
};

TEST_F(CodeCacheCli, RunKeepsTheCodeUnlessToldNot) {
  auto off = run_ironclad({"run", "--tier", "jit", "--no-code-cache", "--data-dir", data_dir_,
                           fixture("vechash_cmd.wasm")});
  ASSERT_EQ(off.status, 0) << off.err;
  EXPECT_EQ(cached_files(), 0u);

  auto first =
      run_ironclad({"run", "--tier", "jit", "--data-dir", data_dir_, fixture("vechash_cmd.wasm")});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(cached_files(), 1u);
  auto second =
      run_ironclad({"run", "--tier", "jit", "--data-dir", data_dir_, fixture("vechash_cmd.wasm")});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(second.out, off.out);
  EXPECT_EQ(cached_files(), 1u);
  EXPECT_FALSE(contains(second.err, "ironclad: note:")) << second.err;
}

TEST_F(CodeCacheCli, CachedCodeIsStillPatchedForAnEmulatedCpu) {
  SKIP_WITHOUT_AVX512();
  auto normal = run_ironclad({"run", "--tier", "jit", "--policy", "native", "--data-dir", data_dir_,
                              fixture("vechash_cmd.wasm")});
  ASSERT_EQ(normal.status, 0) << normal.err;
  ASSERT_EQ(cached_files(), 1u);
  auto emulated =
      run_ironclad({"run", "--tier", "jit", "--policy", "native", "--emulate-cpu", "alderlake-n",
                    "--data-dir", data_dir_, fixture("vechash_cmd.wasm")});
  EXPECT_EQ(emulated.status, 0) << emulated.err;
  EXPECT_EQ(emulated.out, normal.out);
  EXPECT_TRUE(contains(emulated.err, "cannot execute vpmullq")) << emulated.err;
}

TEST_F(CodeCacheCli, ExtCallKeepsTheCodeUnlessToldNot) {
  auto off = run_ironclad({"ext", "call", "--tier", "jit", "--no-code-cache", "--data-dir",
                           data_dir_, vechash_dir().string(), "hash", "42", "64"});
  ASSERT_EQ(off.status, 0) << off.err;
  EXPECT_EQ(cached_files(), 0u);
  auto first = run_ironclad({"ext", "call", "--tier", "jit", "--data-dir", data_dir_,
                             vechash_dir().string(), "hash", "42", "64"});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(cached_files(), 1u);
  auto second = run_ironclad({"ext", "call", "--tier", "jit", "--data-dir", data_dir_,
                              vechash_dir().string(), "hash", "42", "64"});
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(off.out, first.out);
  EXPECT_EQ(cached_files(), 1u);
}

}  // namespace
}  // namespace ironclad::cli::testing
