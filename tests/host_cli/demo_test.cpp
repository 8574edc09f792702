// `make run` is scripts/demo.sh on the build directory: it must run to the end, and on a host
// whose native code uses AVX-512 tell the whole story. The embed example on its own, too.
#include <gtest/gtest.h>

#include <algorithm>

#include "host_cli_support.h"

namespace ironclad::cli::testing {
namespace {

class Demo : public HostCli {};

TEST_F(Demo, MakeRunTellsTheStoryToTheEnd) {
  auto r = run_shell(std::string("bash ") + IRONCLAD_SOURCE_DIR + "/scripts/demo.sh " +
                     IRONCLAD_BUILD_DIR);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "ironclad cpu")) << r.out;
  EXPECT_TRUE(contains(r.out, "ironclad ext status")) << r.out;
  if (!native_code_uses_avx512()) {
    EXPECT_TRUE(contains(r.out, "needs a host whose native code uses AVX-512")) << r.out;
    return;
  }
  EXPECT_TRUE(contains(r.out, "restarted in safe mode")) << r.out;
  EXPECT_TRUE(contains(r.out, "same result as on the native configuration")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"mnemonic\": \"vpmullq\"")) << "the crash report: " << r.out;
  EXPECT_TRUE(contains(r.out, "starts in safe mode")) << "the second start: " << r.out;
  EXPECT_TRUE(contains(r.out, "rung             conservative")) << "ext status: " << r.out;
}

// The demo extension is what the story needs: compiled for Alder Lake-N it has no AVX-512;
// compiled for this host's native policy (with AVX-512DQ+VL) its hot loop is vpmullq.
TEST_F(Demo, TheExampleExtensionNeedsAvx512OnlyWhenCompiledNatively) {
  auto adl = run_ironclad({"verify", "--cpu", "alderlake-n", vechash_wasm()});
  EXPECT_EQ(adl.status, 0) << adl.err;
  // The usage table (the LLVM feature string above it names -avx512f and the like).
  std::string table =
      adl.out.substr(std::min(adl.out.find("by required feature:"), adl.out.size()));
  EXPECT_FALSE(table.empty()) << adl.out;
  EXPECT_FALSE(contains(table, "avx512")) << adl.out;
  SKIP_WITHOUT_AVX512();
  auto native =
      run_ironclad({"verify", "--policy", "native", "--verify-for", "alderlake-n", vechash_wasm()});
  EXPECT_EQ(native.status, 1);
  EXPECT_TRUE(contains(native.err, "vpmullq")) << native.err;
}

TEST_F(Demo, TheEmbeddingExampleSurvivesTheFaultAndKeepsTheResult) {
  std::string embed = std::string(IRONCLAD_EMBED_BINARY) + " " + example_extensions().string() +
                      " --data-dir " + data_dir_;
  auto planned = run_shell(embed);
  ASSERT_EQ(planned.status, 0) << planned.out;
  EXPECT_TRUE(contains(planned.out, "vechash 1.0.0: running")) << planned.out;
  SKIP_WITHOUT_AVX512();
  auto emulated = run_shell(embed + " --policy native --emulate-cpu alderlake-n");
  ASSERT_EQ(emulated.status, 0) << emulated.out;
  EXPECT_TRUE(contains(emulated.out, "[host event: restarted]")) << emulated.out;
  EXPECT_TRUE(contains(emulated.out, "degraded, rung conservative")) << emulated.out;
  // Same hash and absorb results as without the fault.
  auto results = [](const std::string& out) { return out.substr(out.find("calling vechash:")); };
  auto first_lines = [](const std::string& s) { return s.substr(0, s.find("after the calls")); };
  EXPECT_EQ(first_lines(results(emulated.out)), first_lines(results(planned.out)));
}

}  // namespace
}  // namespace ironclad::cli::testing
