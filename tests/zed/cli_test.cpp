// `ironclad zed check` and `ironclad zed lsp-command` on shared extensions: what they print
// and their exit statuses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "component/test_env.h"
#include "github_play.h"
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

// --show-start: the host's start up to the extension's first instruction (issue 15 measures
// it), on stderr after what check prints; without it, nothing of the kind.
TEST(ZedCli, CheckShowStartReportsTheFirstInstruction) {
  fs::path dir = find_shared("hurou927__vscode-graphql-jump");
  if (dir.empty()) GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  wasi::testing::TempDir data;
  for (const char* tier : {"interp", "auto"}) {
    auto r = run({IRONCLAD_BINARY, "zed", "check", dir.string(), "--tier", tier, "--data-dir",
                  data.path(), "--show-start"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("id: graphql-jump\n"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("ironclad: start: instantiate "), std::string::npos) << tier << r.err;
    EXPECT_NE(r.err.find("ironclad: start: first instruction at "), std::string::npos)
        << tier << r.err;
  }
  auto quiet = run({IRONCLAD_BINARY, "zed", "check", dir.string(), "--tier", "interp",
                    "--data-dir", data.path()});
  EXPECT_EQ(quiet.err.find("ironclad: start:"), std::string::npos) << quiet.err;
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

TEST(ZedCli, LspCommandGithubApiPointsReleaseCallsAtAnotherServer) {
  // markdown-oxide asks GitHub's API for its latest release, then downloads the asset the
  // release names: with --github-api at a local server both come from 127.0.0.1.
  fs::path dir = find_shared("Feel-ix-343__markdown-oxide-zed");
  if (dir.empty()) GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  GithubPlay github;
  ASSERT_TRUE(github.ok());
  wasi::testing::TempDir data, worktree;
  std::vector<std::string> args = {IRONCLAD_BINARY, "zed", "lsp-command", dir.string(),
                                   "markdown-oxide", "--worktree", worktree.path(), "--tier",
                                   "interp", "--data-dir", data.path(), "--github-api",
                                   github.base()};
  auto denied = run(args);
  EXPECT_EQ(denied.status, 1) << denied.out;
  EXPECT_NE(denied.err.find("capability denied: download-file:127.0.0.1"), std::string::npos)
      << denied.err;

  args.insert(args.end(), {"--grant", "download-file:127.0.0.1"});
  auto r = run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object() && j["command"].is_string()) << r.out;
  fs::path command = j["command"].get<std::string>();
  fs::path work = fs::path(data.path()) / "zed" / "markdown-oxide" / "work";
  if (command.is_relative()) command = work / command;
  EXPECT_TRUE(fs::is_regular_file(command)) << command;
  EXPECT_EQ(command.string().rfind(work.string(), 0), 0u) << command;
  bool asked_api = false;
  for (const std::string& path : github.paths())
    asked_api |= path.rfind("/repos/", 0) == 0;
  EXPECT_TRUE(asked_api);

  auto bad = run({IRONCLAD_BINARY, "zed", "lsp-command", dir.string(), "markdown-oxide",
                  "--worktree", worktree.path(), "--github-api", "file:///etc"});
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("--github-api"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ironclad::zed::testing
