// The worktree resource's reads stay inside the worktree; capabilities; settings shapes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wasi/temp_dir.h"
#include "zed/capabilities.h"
#include "zed/settings.h"
#include "zed/worktree.h"

namespace ironclad::zed {
namespace {

using wasi::testing::TempDir;

TEST(ZedWorktree, ReadsFilesInsideAndRefusesEverythingOutside) {
  TempDir outside;
  outside.write_file("secret", "password");
  TempDir root;
  std::filesystem::create_directories(root / "sub");
  root.write_file("sub/a.toml", "x = 1\n");
  std::filesystem::create_symlink(outside / "secret", root / "escape");
  std::filesystem::create_symlink(root / "sub/a.toml", root / "inner-link");
  Worktree w{7, root.path(), {}};

  auto ok = read_worktree_file(w, "sub/a.toml");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, "x = 1\n");
  auto link = read_worktree_file(w, "inner-link");
  ASSERT_TRUE(link.ok()) << link.error().message;

  for (const std::string& bad : {std::string("../") + std::filesystem::path(outside.path())
                                                          .filename()
                                                          .string() +
                                    "/secret",
                                std::string("sub/../../x"), outside / "secret",
                                std::string("escape"), std::string("missing")}) {
    auto r = read_worktree_file(w, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("cannot read '" + bad + "'"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("password"), std::string::npos);
  }
  EXPECT_NE(read_worktree_file(w, "escape").error().message.find("outside the worktree"),
            std::string::npos);
}

TEST(ZedWorktree, WhichSearchesTheWorktreesPath) {
  TempDir bin;
  bin.write_file("my-tool", "#!/bin/sh\n");
  std::filesystem::permissions(bin / "my-tool", std::filesystem::perms::owner_all);
  Worktree w{1, bin.path(), {{"PATH", "/nonexistent:" + bin.path()}}};
  EXPECT_EQ(worktree_which(w, "my-tool").value_or(""), bin / "my-tool");
  EXPECT_FALSE(worktree_which(w, "no-such-tool-here").has_value());
  Worktree no_path{1, bin.path(), {}};
  EXPECT_FALSE(worktree_which(no_path, "my-tool").has_value());
}

CapabilityRequest req(CapabilityKind k, std::string target) { return {k, std::move(target)}; }

TEST(ZedCapabilities, DeniedUnlessGranted) {
  std::vector<CapabilityGrant> grants;
  for (const char* g : {"process:exec:node", "download-file:github.com", "npm:install:pyright*"})
    grants.push_back(*parse_grant(g));
  CapabilityPolicy policy(grants, nullptr);
  EXPECT_TRUE(policy.allows("x", req(CapabilityKind::ProcessExec, "node")));
  EXPECT_TRUE(policy.allows("x", req(CapabilityKind::ProcessExec, "/usr/bin/node")));
  EXPECT_FALSE(policy.allows("x", req(CapabilityKind::ProcessExec, "sh")));
  EXPECT_TRUE(policy.allows("x", req(CapabilityKind::DownloadFile, "github.com")));
  EXPECT_FALSE(policy.allows("x", req(CapabilityKind::DownloadFile, "evil.example")));
  EXPECT_TRUE(policy.allows("x", req(CapabilityKind::NpmInstall, "pyright-langserver")));
  EXPECT_FALSE(policy.allows("x", req(CapabilityKind::NpmInstall, "left-pad")));
  EXPECT_FALSE(CapabilityPolicy().allows("x", req(CapabilityKind::ProcessExec, "node")));
  CapabilityPolicy asking({}, [](const std::string& id, const CapabilityRequest& r) {
    return id == "trusted" && r.target == "go";
  });
  EXPECT_TRUE(asking.allows("trusted", req(CapabilityKind::ProcessExec, "go")));
  EXPECT_FALSE(asking.allows("other", req(CapabilityKind::ProcessExec, "go")));
  EXPECT_FALSE(parse_grant("exec:node").ok());
  EXPECT_FALSE(parse_grant("process:exec:").ok());
}

TEST(ZedCapabilities, UrlHost) {
  EXPECT_EQ(url_host("https://github.com/a/b"), "github.com");
  EXPECT_EQ(url_host("https://user@GitHub.com:443/x?y"), "github.com");
  EXPECT_EQ(url_host("http://[::1]:8080/x"), "::1");
  EXPECT_EQ(url_host("no-scheme"), "");
}

TEST(ZedSettings, ZedsShapesForLspAndContextServers) {
  auto settings = nlohmann::json::parse(R"({
    "lsp": {"typos": {"binary": {"path": "/opt/typos-lsp", "arguments": ["--x"]},
                      "initialization_options": {"diagnosticSeverity": "Hint"}}},
    "context_servers": {"mcp": {"settings": {"k": 1}}}})");
  auto lsp = settings_for(settings, "lsp", "typos");
  ASSERT_TRUE(lsp.ok());
  auto j = nlohmann::json::parse(*lsp);
  EXPECT_EQ(j["binary"]["path"], "/opt/typos-lsp");
  EXPECT_EQ(j["binary"]["arguments"][0], "--x");
  EXPECT_TRUE(j["binary"]["env"].is_null());
  EXPECT_EQ(j["initialization_options"]["diagnosticSeverity"], "Hint");
  EXPECT_TRUE(j["settings"].is_null());
  auto none = nlohmann::json::parse(*settings_for(settings, "lsp", "other"));
  EXPECT_TRUE(none["binary"].is_null());
  auto ctx = nlohmann::json::parse(*settings_for(settings, "context_servers", "mcp"));
  EXPECT_EQ(ctx["settings"]["k"], 1);
  EXPECT_TRUE(ctx["command"].is_null());
  auto lang = nlohmann::json::parse(*settings_for(settings, "language", "Rust"));
  EXPECT_EQ(lang["tab_size"], 4);
  EXPECT_FALSE(settings_for(settings, "colours", std::nullopt).ok());
}

}  // namespace
}  // namespace ironclad::zed
