// `ironclad zed check --policy native --emulate-cpu alderlake-n` on the demo's extension
// (examples/zed/vecmul, `make run`'s Zed step): its init-extension's vpmullq faults on the
// emulated CPU, the extension restarts in safe mode and the check passes; the next start goes
// straight to the remembered safe configuration.
#include <gtest/gtest.h>

#include <filesystem>

#include "component/test_env.h"
#include "cpu/host.h"
#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

using component::testing::run;

TEST(ZedCliRecovery, AnEmulatedAlderLakeNFaultInInitExtensionIsSurvivedAndRemembered) {
  if (!cpu::host_cpu().verified.has(cpu::X86::AVX512DQ) ||
      !cpu::host_cpu().verified.has(cpu::X86::AVX512VL))
    GTEST_SKIP() << "this host does not verify AVX512DQ+AVX512VL: no vpmullq can be compiled "
                    "to fault";
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  wasi::testing::TempDir ext, data;
  std::filesystem::copy_file(std::string(IRONCLAD_ZED_EXAMPLES) + "/vecmul/extension.toml",
                             ext / "extension.toml");
  auto parsed = run({modules + "/.bin/jco", "parse",
                     std::string(IRONCLAD_ZED_EXAMPLES) + "/vecmul/extension.wat", "-o",
                     ext / "extension.wasm"});
  ASSERT_EQ(parsed.status, 0) << parsed.err;
  const std::vector<std::string> check = {
      IRONCLAD_BINARY, "zed",    "check",         ext.path(),    "--tier",     "jit",
      "--policy",      "native", "--emulate-cpu", "alderlake-n", "--data-dir", data.path()};
  auto first = run(check);
  EXPECT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.out.find("id: vecmul\n"), std::string::npos) << first.out;
  EXPECT_NE(first.err.find("restarted in safe mode"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("vpmullq"), std::string::npos) << first.err;

  auto second = run(check);
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.err.find("restarted"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("starts in safe mode"), std::string::npos) << second.err;
}

}  // namespace
}  // namespace ironclad::zed::testing
