// `ironclad zed check` and `ironclad zed lsp-command` on shared extensions: what they print
// and their exit statuses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "component/test_env.h"
#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

using component::testing::run;

fs::path find_shared(const std::string& name) {
  for (const fs::path& d : shared_extension_dirs())
    if (d.filename() == name) return d;
  return {};
}

TEST(ZedCli, CheckPrintsIdApiVersionWorldAndTier) {
  fs::path dir = find_shared("hurou927__vscode-graphql-jump");
  if (dir.empty()) GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  wasi::testing::TempDir data;
  auto r = run({IRONCLAD_BINARY, "zed", "check", dir.string(), "--tier", "interp", "--data-dir",
                data.path()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("id: graphql-jump\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("api version: 0.3.0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("world: since_v0.3.0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tier: interp\n"), std::string::npos) << r.out;
}

TEST(ZedCli, LspCommandPrintsJsonOrTheExtensionsError) {
  fs::path good = find_shared("hurou927__vscode-graphql-jump");
  fs::path denied = find_shared("GeneaLabs__zed-phpcs-lsp");
  if (good.empty() || denied.empty())
    GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  wasi::testing::TempDir data, worktree;
  auto r = run({IRONCLAD_BINARY, "zed", "lsp-command", good.string(), "graphql-jump",
                "--worktree", worktree.path(), "--tier", "interp", "--data-dir", data.path()});
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_TRUE(j["command"].is_string());
  EXPECT_TRUE(j["args"].is_array());
  EXPECT_TRUE(j["env"].is_object());

  auto d = run({IRONCLAD_BINARY, "zed", "lsp-command", denied.string(), "phpcs", "--worktree",
                worktree.path(), "--tier", "interp", "--data-dir", data.path()});
  EXPECT_EQ(d.status, 1);
  EXPECT_TRUE(d.out.empty()) << d.out;
  EXPECT_NE(d.err.find("capability denied: download-file:github.com"), std::string::npos)
      << d.err;
}

}  // namespace
}  // namespace ironclad::zed::testing
