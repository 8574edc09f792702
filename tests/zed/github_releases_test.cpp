// The GitHub release calls against a local server playing GitHub's REST API.
#include <gtest/gtest.h>

#include <string>

#include "local_http_server.h"
#include "zed/github_releases.h"
#include "zed/network.h"

namespace ironclad::zed {
namespace {

using ironclad::testing::HttpRoute;
using ironclad::testing::LocalHttpServer;

// The shape GitHub returns (trimmed: the fields Zed reads plus a few it ignores), newest first.
std::string release_json(const std::string& tag, bool prerelease, const std::vector<std::string>& assets) {
  std::string json = "{\"url\":\"https://api.github.com/repos/o/r/releases/1\",\"id\":1,\"tag_name\":\"" + tag +
                     "\",\"name\":\"" + tag + "\",\"draft\":false,\"prerelease\":" +
                     (prerelease ? "true" : "false") +
                     ",\"tarball_url\":\"https://api.github.com/repos/o/r/tarball/" + tag +
                     "\",\"zipball_url\":\"https://api.github.com/repos/o/r/zipball/" + tag + "\",\"assets\":[";
  for (size_t i = 0; i < assets.size(); ++i) {
    json += (i ? "," : "") + std::string("{\"id\":") + std::to_string(i + 10) + ",\"name\":\"" + assets[i] +
            "\",\"content_type\":\"application/gzip\",\"size\":1234,\"browser_download_url\":"
            "\"https://github.com/o/r/releases/download/" + tag + "/" + assets[i] + "\"}";
  }
  return json + "]}";
}

class GithubReleasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    std::string list = "[" + release_json("v3.0.0-rc1", true, {"tool-linux.tar.gz"}) + "," +
                       release_json("v2.1.0", false, {}) + "," +
                       release_json("v2.0.0", false, {"tool-linux.tar.gz", "tool-mac.zip"}) + "," +
                       release_json("v1.0.0-beta", true, {}) + "]";
    server_.set_route("/repos/owner/tool/releases", HttpRoute::text(list));
    server_.set_route("/repos/owner/tool/releases/tags/v2.0.0",
                      HttpRoute::text(release_json("v2.0.0", false, {"tool-linux.tar.gz", "tool-mac.zip"})));
    server_.set_route("/repos/owner/tool/releases/tags/release/2.3.5",
                      HttpRoute::text(release_json("release/2.3.5", false, {"a.zip"})));
    server_.set_route("/repos/owner/tool/releases/tags/v9",
                      HttpRoute::text("{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com\"}", 404));
    server_.set_route("/repos/owner/empty/releases", HttpRoute::text("[]"));
    server_.set_route("/repos/owner/garbage/releases", HttpRoute::text("<html>rate limited</html>"));
    server_.set_route("/repos/owner/oddshape/releases", HttpRoute::text("[{\"name\":\"no tag\"}]"));
    NetworkOptions options;
    options.github_api_base = server_.url("");
    network_ = make_network(options);
  }

  LocalHttpServer server_;
  std::unique_ptr<Network> network_;
};

TEST_F(GithubReleasesTest, LatestFiltersLikeZed) {
  // Neither filter: the newest non-pre-release, assets or not.
  auto plain = network_->latest_github_release("owner/tool", false, false);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->version, "v2.1.0");
  EXPECT_TRUE(plain->assets.empty());

  auto with_assets = network_->latest_github_release("owner/tool", true, false);
  ASSERT_TRUE(with_assets.ok()) << with_assets.error().message;
  EXPECT_EQ(with_assets->version, "v2.0.0");
  ASSERT_EQ(with_assets->assets.size(), 2u);
  EXPECT_EQ(with_assets->assets[0].name, "tool-linux.tar.gz");
  EXPECT_EQ(with_assets->assets[0].download_url, "https://github.com/o/r/releases/download/v2.0.0/tool-linux.tar.gz");
  EXPECT_EQ(with_assets->assets[1].name, "tool-mac.zip");

  // pre_release asks for a pre-release (Zed matches the flag exactly).
  auto pre = network_->latest_github_release("owner/tool", true, true);
  ASSERT_TRUE(pre.ok()) << pre.error().message;
  EXPECT_EQ(pre->version, "v3.0.0-rc1");

  auto requests = server_.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].path, "/repos/owner/tool/releases");
  EXPECT_EQ(requests[0].header("Accept"), "application/vnd.github+json");
}

TEST_F(GithubReleasesTest, LatestWithNoMatchSaysWhy) {
  auto none = network_->latest_github_release("owner/empty", false, false);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "latest-github-release owner/empty: none of its 0 releases is a release");
}

TEST_F(GithubReleasesTest, ByTag) {
  auto release = network_->github_release_by_tag_name("owner/tool", "v2.0.0");
  ASSERT_TRUE(release.ok()) << release.error().message;
  EXPECT_EQ(release->version, "v2.0.0");
  EXPECT_EQ(release->assets.size(), 2u);

  auto slashed = network_->github_release_by_tag_name("owner/tool", "release/2.3.5");
  ASSERT_TRUE(slashed.ok()) << slashed.error().message;
  EXPECT_EQ(slashed->version, "release/2.3.5");

  auto missing = network_->github_release_by_tag_name("owner/tool", "v9");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("returned status 404: Not Found"), std::string::npos)
      << missing.error().message;
}

TEST_F(GithubReleasesTest, MalformedAnswersAreErrors) {
  auto garbage = network_->latest_github_release("owner/garbage", false, false);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("not JSON"), std::string::npos);
  auto odd = network_->latest_github_release("owner/oddshape", false, false);
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message.find("tag_name"), std::string::npos);
}

TEST_F(GithubReleasesTest, RepositoryMustBeOwnerSlashName) {
  for (const char* repo : {"", "tool", "owner/", "/tool", "a/b/c", "../tool", "owner/..", "owner/t?x", "o wner/t"}) {
    auto release = network_->latest_github_release(repo, false, false);
    ASSERT_FALSE(release.ok()) << repo;
    EXPECT_NE(release.error().message.find("must be 'owner/name'"), std::string::npos) << repo;
    EXPECT_FALSE(network_->github_release_by_tag_name(repo, "v1").ok()) << repo;
  }
  EXPECT_TRUE(is_valid_github_repo("rust-lang/rust-analyzer"));
  EXPECT_TRUE(is_valid_github_repo("zed-industries/zed.dev"));
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(GithubReleasesTest, TagCannotReachAnotherApiPath) {
  for (const char* tag : {"", "..", "../../../user", "v1/../../x", "a//b"}) {
    auto release = network_->github_release_by_tag_name("owner/tool", tag);
    EXPECT_FALSE(release.ok()) << tag;
  }
  EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace ironclad::zed
