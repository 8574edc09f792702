// The host API through real extensions: a download is denied unless granted (the extension
// gets the API's error string, the embedder an event), granted it goes through the Network;
// installation status arrives as events; settings reach the extension.
#include <gtest/gtest.h>

#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

fs::path shared_extension(const std::string& name) {
  for (const fs::path& d : shared_extension_dirs())
    if (d.filename() == name) return d;
  return {};
}

#define REQUIRE_SHARED_EXTENSION(var, name)                                                  \
  fs::path var = shared_extension(name);                                                     \
  if (var.empty())                                                                           \
    GTEST_SKIP() << "shared Zed extension " << name << " is missing (../shared is not there)";

TEST(ZedHostApi, DownloadDeniedUnlessGranted) {
  REQUIRE_SHARED_EXTENSION(dir, "GeneaLabs__zed-phpcs-lsp");
  {
    TestHost t("interp");
    auto ext = t.host->load(dir);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    auto answer = (*ext)->language_server_command("phpcs", 1);
    ASSERT_TRUE(answer.ok()) << answer.error().describe();
    ASSERT_FALSE(answer->value);
    EXPECT_NE(answer->extension_error.find(
                  "capability denied: download-file:github.com (not granted to extension 'phpcs')"),
              std::string::npos)
        << answer->extension_error;
    EXPECT_EQ(t.count(ZedEventKind::CapabilityDenied), 1u);
    for (const std::string& call : t.network->calls)
      EXPECT_EQ(call.rfind("download", 0), std::string::npos) << call;
  }
  {
    TestHost t("interp", {"download-file:github.com"});
    t.network->fail_downloads = true;
    auto ext = t.host->load(dir);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    auto answer = (*ext)->language_server_command("phpcs", 1);
    ASSERT_TRUE(answer.ok()) << answer.error().describe();
    ASSERT_FALSE(answer->value);
    // Granted, the download reached the network, whose error the extension reports.
    EXPECT_NE(answer->extension_error.find("fake network: download refused"), std::string::npos)
        << answer->extension_error;
    EXPECT_EQ(t.count(ZedEventKind::CapabilityDenied), 0u);
    bool downloaded = false;
    for (const std::string& call : t.network->calls)
      downloaded |= call.rfind("download https://github.com/", 0) == 0;
    EXPECT_TRUE(downloaded);
  }
}

TEST(ZedHostApi, InstallationStatusIsAnEvent) {
  REQUIRE_SHARED_EXTENSION(dir, "0xgirish__zed_golangci_lint");
  TestHost t("interp");
  auto ext = t.host->load(dir);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  auto answer = (*ext)->language_server_command("golangci-lint", 1);
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  bool checking = false;
  for (const ZedEvent& e : t.events)
    checking |= e.kind == ZedEventKind::InstallationStatus && e.subject == "golangci-lint" &&
                e.detail == "checking-for-update";
  EXPECT_TRUE(checking);
  EXPECT_FALSE(t.network->calls.empty());  // it asked GitHub for its latest release
}

TEST(ZedHostApi, UnknownLanguageServerIsAUsageError) {
  REQUIRE_SHARED_EXTENSION(dir, "hurou927__vscode-graphql-jump");
  TestHost t("interp");
  auto ext = t.host->load(dir);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  auto answer = (*ext)->language_server_command("no-such-server", 1);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().kind, ErrorKind::Usage);
  auto good = (*ext)->language_server_command("graphql-jump", 1);
  ASSERT_TRUE(good.ok()) << good.error().describe();
  ASSERT_TRUE(good->value) << good->extension_error;
  EXPECT_NE(good->value->args.at(0).find("server.bundle.js"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::zed::testing
