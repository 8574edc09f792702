// The 14 shared Zed extensions, as published: each loads (manifest, component, API version),
// instantiates against the real host API and runs init-extension in both tiers; each of
// its language servers answers language-server-command (a command, or the extension's own
// error string: never a trap or a host failure).
#include <gtest/gtest.h>

#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

class SharedZedExtensions : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(SharedZedExtensions, LoadInitAndAnswerLanguageServerCommand) {
  auto dirs = shared_extension_dirs();
  if (dirs.empty())
    GTEST_SKIP() << "no Zed extensions: IRONCLAD_SHARED_DIR/zed-extensions is missing "
                    "(../shared is not there)";
  auto [tier, index] = GetParam();
  if (static_cast<size_t>(index) >= dirs.size())
    GTEST_SKIP() << "only " << dirs.size() << " shared extensions";
  SCOPED_TRACE(dirs[index].string());
  TestHost t(tier);
  ASSERT_TRUE(t.host);
  auto ext = t.host->load(dirs[index]);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  EXPECT_EQ((*ext)->status().tier, tier);
  EXPECT_TRUE((*ext)->world_folder().rfind("since_v0.", 0) == 0) << (*ext)->world_folder();
  auto init = (*ext)->init();
  ASSERT_TRUE(init.ok()) << init.error().describe();
  for (const std::string& server : (*ext)->language_servers()) {
    SCOPED_TRACE(server);
    auto answer = (*ext)->language_server_command(server, 1);
    ASSERT_TRUE(answer.ok()) << answer.error().describe();
    if (answer->value) {
      EXPECT_FALSE(answer->value->command.empty());
    } else {
      EXPECT_FALSE(answer->extension_error.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tiers, SharedZedExtensions,
                         ::testing::Combine(::testing::Values("interp", "jit"),
                                            ::testing::Range(0, 14)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace ironclad::zed::testing
