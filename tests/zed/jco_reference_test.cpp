// The reference for two shared extensions: the same init-extension + language-server-command
// through npm's jco (`jco transpile`, node as the host, jco/zed_host.mjs as the zed:extension
// host) and through Ironclad in both tiers, with the same fixed host answers (a JSON file both
// read): the command JSON and the network calls the extension made must be the same.
// - markdown-oxide (API 0.0.4, top-level imports): current-platform, latest-github-release,
//   download-file, set-language-server-installation-status, worktree.which;
// - graphql-jump (API 0.3.0, zed:extension/* interfaces): nodejs.node-binary-path and the
//   extension's current directory (WASI: PWD, the work directory).
// Skipped without ../shared, node or the npm tools. The transpiled JS is cached under the
// build directory (fixtures/zed-jco/), redone when the extension or the mock host changes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "component/test_env.h"
#include "github_play.h"
#include "support/fixture_dir.h"
#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

using component::testing::RunResult;
using json = nlohmann::json;

const char* kTag = "v0.4.2";

// The release every GitHub call answers (for any repository): assets named as GithubPlay
// names markdown-oxide's, pointing at github.com.
GithubRelease fixed_release(const std::string& version) {
  GithubRelease r;
  r.version = version;
  for (const std::string& name : GithubPlay::asset_names("markdown-oxide", kTag))
    r.assets.push_back({name, "https://github.com/o/r/releases/download/" + version + "/" + name});
  return r;
}

const char* type_name(DownloadedFileType type) {
  switch (type) {
    case DownloadedFileType::Gzip:
      return "gzip";
    case DownloadedFileType::GzipTar:
      return "gzip-tar";
    case DownloadedFileType::Zip:
      return "zip";
    case DownloadedFileType::Uncompressed:
      return "uncompressed";
  }
  return "?";
}

// Answers as zed_host.mjs does, and logs the calls in its words.
class FixedAnswersNetwork final : public Network {
 public:
  std::vector<std::string> log;
  Result<HttpResponse> fetch(const HttpRequest& request) override {
    log.push_back("fetch " + request.url);
    return Error::make(ErrorKind::Io, "fetch: not in this test");
  }
  Result<std::unique_ptr<HttpResponseStream>> fetch_stream(const HttpRequest& request) override {
    log.push_back("fetch " + request.url);
    return Error::make(ErrorKind::Io, "fetch: not in this test");
  }
  Result<GithubRelease> latest_github_release(const std::string& repo, bool, bool) override {
    log.push_back("latest " + repo);
    return fixed_release(kTag);
  }
  Result<GithubRelease> github_release_by_tag_name(const std::string& repo,
                                                   const std::string& tag) override {
    log.push_back("tag " + repo + " " + tag);
    return fixed_release(tag);
  }
  // Nothing is written, as in zed_host.mjs.
  Result<void> download_file(const std::string& url, const std::filesystem::path&,
                             const std::string& path, DownloadedFileType type) override {
    log.push_back("download " + url + " -> " + path + " (" + type_name(type) + ")");
    return {};
  }
};

std::string first_node_on_path() {
  const char* path = std::getenv("PATH");
  std::string rest = path ? path : "";
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find(':', start);
    if (end == std::string::npos) end = rest.size();
    std::string candidate = rest.substr(start, end - start) + "/node";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// `jco transpile` of `wasm` into the build directory with zed_host.mjs as its host; the
// directory holds ext.js, the two .mjs files and a node_modules link to tools/npm's.
Result<fs::path> transpiled(const std::string& modules, const fs::path& wasm,
                            const std::string& name) {
  fs::path src = IRONCLAD_ZED_JCO_DIR;
  fs::path out = fs::path(ironclad::testing::fixture_dir()) / "zed-jco" / name;
  std::error_code ec;
  auto newest_input =
      std::max({fs::last_write_time(wasm, ec), fs::last_write_time(src / "zed_host.mjs", ec),
                fs::last_write_time(src / "run_lsp_command.mjs", ec)});
  // The two tiers' runs of one extension start together (ctest -j2): one transpiles while
  // the other waits, then finds it done (nothing is replaced under a running node).
  fs::create_directories(out.parent_path(), ec);
  int lock = ::open((out.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return Error::make(ErrorKind::Io, out.string() + ".lock: cannot open");
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing drops the flock
  } unlock{lock};
  ::flock(lock, LOCK_EX);
  if (fs::exists(out / "ext.js", ec) && fs::last_write_time(out / "ext.js", ec) >= newest_input)
    return out;
  fs::path tmp = out.string() + "." + std::to_string(::getpid());
  fs::remove_all(tmp, ec);
  std::vector<std::string> args = {modules + "/.bin/jco", "transpile", wasm.string(), "-o",
                                   tmp.string(),          "--name",    "ext",         "-q",
                                   "--no-typescript"};
  // Worlds up to 0.0.4 import functions and resources at the top level; later ones import
  // zed:extension/<interface>, which zed_host.mjs exports by the interface's name.
  const std::pair<const char*, const char*> top_level[] = {
      {"current-platform", "currentPlatform"},
      {"download-file", "downloadFile"},
      {"latest-github-release", "latestGithubRelease"},
      {"github-release-by-tag-name", "githubReleaseByTagName"},
      {"set-language-server-installation-status", "setLanguageServerInstallationStatus"},
      {"make-file-executable", "makeFileExecutable"},
      {"node-binary-path", "nodeBinaryPath"},
      {"npm-package-latest-version", "npmPackageLatestVersion"},
      {"npm-package-installed-version", "npmPackageInstalledVersion"},
      {"npm-install-package", "npmInstallPackage"},
      {"worktree", "Worktree"},
      {"project", "Project"},
      {"key-value-store", "KeyValueStore"}};
  for (const auto& [import, exported] : top_level)
    args.insert(args.end(), {"-M", std::string(import) + "=./zed_host.mjs#" + exported});
  args.insert(args.end(), {"-M", "zed:extension/*=./zed_host.mjs#*"});
  RunResult t = component::testing::run(args);
  if (t.status != 0)
    return Error::make(ErrorKind::Io, "jco transpile " + wasm.string() + ": " + t.err);
  for (const char* file : {"zed_host.mjs", "run_lsp_command.mjs"})
    fs::copy_file(src / file, tmp / file, fs::copy_options::overwrite_existing, ec);
  fs::create_directory_symlink(modules, tmp / "node_modules", ec);
  if (ec) return Error::make(ErrorKind::Io, "node_modules link: " + ec.message());
  fs::remove_all(out, ec);
  fs::rename(tmp, out, ec);
  if (ec) return Error::make(ErrorKind::Io, "rename to " + out.string() + ": " + ec.message());
  return out;
}

json command_json(const ZedAnswer<ZedCommand>& answer) {
  if (!answer.value) return {{"error", answer.extension_error}};
  json env = json::object();
  for (const auto& [k, v] : answer.value->env) env[k] = v;
  return {{"command", answer.value->command}, {"args", answer.value->args}, {"env", env}};
}

struct Case {
  const char* dir;
  const char* server;
  const char* language;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.dir;
}

class ZedJcoReference : public ::testing::TestWithParam<std::tuple<std::string, Case>> {};

TEST_P(ZedJcoReference, LanguageServerCommandMatchesJcoTranspileOnNode) {
  auto [tier, c] = GetParam();
  fs::path dir;
  for (const fs::path& d : shared_extension_dirs())
    if (d.filename() == c.dir) dir = d;
  if (dir.empty()) GTEST_SKIP() << "shared Zed extension " << c.dir << " missing (../shared)";
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string node = first_node_on_path();
  ASSERT_FALSE(node.empty());

  wasi::testing::TempDir data, worktree, empty_bin;
  worktree.write_file("README.md", "# test worktree\n");
  ZedEnvVars env = {{"PATH", empty_bin.path()}};

  // Ironclad.
  auto network = std::make_shared<FixedAnswersNetwork>();
  ZedHostConfig config;
  config.data_dir = data.path();
  config.tier = tier;
  config.call_timeout = std::chrono::milliseconds(20'000);
  config.worktrees.push_back({1, worktree.path(), env});
  config.network = network;
  config.code_cache = false;
  config.jit_opt_level = 0;
  config.grants = {"download-file:*"};
  auto host = ZedHost::create(std::move(config));
  ASSERT_TRUE(host.ok()) << host.error().describe();
  auto ext = (*host)->load(dir);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  ASSERT_TRUE((*ext)->init().ok());
  auto answer = (*ext)->language_server_command(c.server, 1);
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  json ironclad = command_json(*answer);
  // As Ironclad names it (its PWD): graphql-jump puts it in its command.
  fs::path work = fs::path(data.path()) / "zed" / (*ext)->id() / "work";

  // jco + node, with the same answers.
  auto out = transpiled(modules, dir / "extension.wasm", c.dir);
  ASSERT_TRUE(out.ok()) << out.error().message;
  json release = {{"version", kTag}, {"assets", json::array()}};
  for (const auto& asset : fixed_release(kTag).assets)
    release["assets"].push_back({{"name", asset.name}, {"downloadUrl", asset.download_url}});
  json answers = {{"platform", {"linux", "x86-64"}},
                  {"release", release},
                  {"node", node},
                  {"worktree",
                   {{"id", 1},
                    {"root", worktree.path()},
                    {"env", json::array({json::array({"PATH", empty_bin.path()})})}}}};
  fs::path answers_file = fs::path(data.path()) / "answers.json";
  std::ofstream(answers_file) << answers.dump();
  RunResult r = component::testing::run(
      {"node", (*out / "run_lsp_command.mjs").string(), (*out / "ext.js").string(),
       answers_file.string(), work.string(), (*ext)->world_folder(), c.server, c.language});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string first;
  std::getline(lines, first);
  json reference = json::parse(first, nullptr, false);
  ASSERT_FALSE(reference.is_discarded()) << r.out;
  std::vector<std::string> reference_log;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("latest ", 0) == 0 || line.rfind("tag ", 0) == 0 ||
        line.rfind("download ", 0) == 0)
      reference_log.push_back(line);

  EXPECT_EQ(ironclad, reference) << "Ironclad (" << tier << "): " << ironclad.dump()
                                 << "\njco: " << reference.dump();
  EXPECT_EQ(network->log, reference_log);
  EXPECT_TRUE(ironclad.contains("command")) << ironclad.dump();  // both answered a command
}

INSTANTIATE_TEST_SUITE_P(
    Extensions, ZedJcoReference,
    ::testing::Combine(
        ::testing::Values("interp", "jit"),
        ::testing::Values(Case{"Feel-ix-343__markdown-oxide-zed", "markdown-oxide", "Markdown"},
                          Case{"hurou927__vscode-graphql-jump", "graphql-jump", "GraphQL"})),
    [](const auto& info) {
      std::string name = std::get<1>(info.param).server;
      for (char& ch : name)
        if (ch == '-') ch = '_';
      return std::get<0>(info.param) + "_" + name;
    });

}  // namespace
}  // namespace ironclad::zed::testing
