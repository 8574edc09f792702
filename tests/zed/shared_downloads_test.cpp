// The shared Zed extensions' language servers against a local server playing GitHub
// (github_play.h: its release API and archives, started and stopped by each test) through
// the production network (libcurl, libarchive): an extension that downloads its server gets
// a real archive, unpacked into its own work directory, and answers a command that points at
// the executable there; with the download capability denied it answers the API's error
// string. Extensions that download nothing answer as in shared_extensions_test.cpp and must
// not touch the network here either.
#include <gtest/gtest.h>

#include <set>

#include "github_play.h"
#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

// The shared extensions whose language-server-command downloads its server from a GitHub
// release (found by running them all against GithubPlay): each must download here, and no
// other may. The rest find their server with `which`, run it with node, or fail with their
// own message when it is not installed.
const std::set<std::string> kDownloaders = {
    "0xgirish__zed_golangci_lint", "BaptisteRoseau__zed-typos", "Feel-ix-343__markdown-oxide-zed",
    "GeneaLabs__zed-phpcs-lsp", "GeneaLabs__zed-phpmd-lsp"};

bool inside(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec), d = fs::weakly_canonical(dir, ec);
  auto [end, unused] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return end == d.end() && p != d;
}

// Every path under `root`, relative, for failure messages.
std::vector<std::string> tree(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    out.push_back(fs::relative(it->path(), root, ec).string());
  std::sort(out.begin(), out.end());
  return out;
}

class SharedZedDownloads : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(SharedZedDownloads, DownloadsARealArchiveOrAnswersTheDenial) {
  auto dirs = shared_extension_dirs();
  if (dirs.empty())
    GTEST_SKIP() << "no Zed extensions: IRONCLAD_SHARED_DIR/zed-extensions is missing "
                    "(../shared is not there)";
  auto [tier, index] = GetParam();
  if (static_cast<size_t>(index) >= dirs.size())
    GTEST_SKIP() << "only " << dirs.size() << " shared extensions";
  const fs::path& dir = dirs[index];
  SCOPED_TRACE(dir.string());
  const bool downloader = kDownloaders.count(dir.filename().string()) > 0;
  // The JIT costs seconds per extension: it runs on the downloaders, where this test shows
  // something of its own (SharedZedExtensions runs every extension in both tiers).
  if (tier == "jit" && !downloader)
    GTEST_SKIP() << dir.filename() << " downloads nothing: its command is the interpreter run's";

  GithubPlay github;
  ASSERT_TRUE(github.ok());
  auto network = std::make_shared<ToLocalGithub>(github.base());
  wasi::testing::TempDir data, worktree, empty_bin;
  worktree.write_file("README.md", "# test worktree\n");
  // A PATH where `which` finds nothing: an extension must fetch its server, not find the
  // machine's.
  ZedEnvVars env = {{"PATH", empty_bin.path()}, {"HOME", worktree.path()}};
  bool allow_downloads = false;
  std::vector<ZedEvent> events;
  ZedHostConfig config;
  config.data_dir = data.path();
  config.tier = tier;
  config.call_timeout = std::chrono::milliseconds(20'000);
  config.worktrees.push_back({1, worktree.path(), env});
  config.network = network;
  config.code_cache = false;
  config.jit_opt_level = 0;
  // Denied first, then granted, on one instance: one load per extension and tier.
  config.on_capability_request = [&](const std::string&, const ZedCapabilityRequest& request) {
    return request.kind == ZedCapabilityKind::DownloadFile && allow_downloads;
  };
  config.on_event = [&](const ZedEvent& e) { events.push_back(e); };
  auto host = ZedHost::create(std::move(config));
  ASSERT_TRUE(host.ok()) << host.error().describe();
  auto ext = (*host)->load(dir);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  ASSERT_TRUE((*ext)->init().ok());
  fs::path work = fs::path(data.path()) / "zed" / (*ext)->id() / "work";

  for (const std::string& server : (*ext)->language_servers()) {
    SCOPED_TRACE(server);
    allow_downloads = false;
    auto denied = (*ext)->language_server_command(server, 1);
    ASSERT_TRUE(denied.ok()) << denied.error().describe();
    if (!downloader) {
      EXPECT_TRUE(network->downloads().empty()) << network->downloads().front();
      EXPECT_TRUE(github.paths().empty()) << "asked GitHub for " << github.paths().front();
      continue;
    }
    ASSERT_FALSE(denied->value) << "a command without its download: " << denied->value->command;
    EXPECT_NE(denied->extension_error.find("capability denied: download-file:"), std::string::npos)
        << denied->extension_error;
    EXPECT_GE(
        std::count_if(events.begin(), events.end(),
                      [](const ZedEvent& e) { return e.kind == ZedEventKind::CapabilityDenied; }),
        1);

    allow_downloads = true;
    auto granted = (*ext)->language_server_command(server, 1);
    ASSERT_TRUE(granted.ok()) << granted.error().describe();
    ASSERT_TRUE(granted->value) << granted->extension_error << "\ndownloaded "
                                << ::testing::PrintToString(network->downloads())
                                << "\nwork directory: " << ::testing::PrintToString(tree(work));
    ASSERT_FALSE(network->downloads().empty());
    fs::path command = granted->value->command;
    if (command.is_relative()) command = work / command;  // Zed resolves it in the work dir
    EXPECT_TRUE(inside(command, work)) << command << " is outside " << work;
    std::error_code ec;
    ASSERT_TRUE(fs::is_regular_file(command, ec))
        << command << " was not unpacked from " << network->downloads().back();
    std::ifstream in(command);
    std::string contents((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(contents, GithubPlay::kExecutable) << command;
    EXPECT_NE(fs::status(command, ec).permissions() & fs::perms::owner_exec, fs::perms::none)
        << command << " is not executable";
  }
  if (downloader) {
    // The archive came from the local server, asked for by the extension.
    bool served = false;
    for (const std::string& path : github.paths())
      served |= path.find("/download/") != std::string::npos;
    EXPECT_TRUE(served);
  }
}

INSTANTIATE_TEST_SUITE_P(Tiers, SharedZedDownloads,
                         ::testing::Combine(::testing::Values("interp", "jit"),
                                            ::testing::Range(0, 14)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace ironclad::zed::testing
