// A local server on 127.0.0.1 that plays GitHub for the shared extensions' downloads: its
// release API answers any repository, and any asset it lists downloads as a real archive.
// It answers by rule, never by extension:
// - GET /repos/OWNER/NAME/releases and /repos/OWNER/NAME/releases/tags/TAG: one release
//   (tag kTag, or TAG) whose assets are NAME joined to the release's version and to every
//   common spelling of "linux on x86-64" (Rust target triples, Go's GOOS_GOARCH, node's
//   linux-x64, ...), each as .tar.gz, .zip, .gz and bare: an extension computes its asset's
//   name from current-platform and the version, and finds it among them. The assets point
//   back at this server.
// - GET of an asset (/download/OWNER/NAME/TAG/ASSET, or GitHub's own
//   /OWNER/NAME/releases/download/TAG/ASSET path for extensions that build the URL of
//   github.com themselves: ToLocalGithub sends those here): an archive of the type the
//   name says, holding an executable named NAME at its root and under the asset's stem
//   (STEM/NAME), the layouts release archives use, or at STEM when the asset is not named
//   after the repository (then it is named after its executable); .gz and bare assets are
//   the executable itself.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "local_http_server.h"
#include "test_archives.h"
#include "zed/network.h"

namespace ironclad::zed::testing {

class GithubPlay {
 public:
  static constexpr const char* kTag = "v0.4.2";
  static constexpr const char* kExecutable = "#!/bin/sh\necho 'a language server'\n";

  GithubPlay() {
    server_.set_fallback([this](const ironclad::testing::RecordedRequest& r) { return answer(r); });
  }
  bool ok() const { return server_.ok(); }
  std::string base() const { return server_.url(""); }
  ironclad::testing::LocalHttpServer& server() { return server_; }
  // The request paths served, in order ("/repos/o/n/releases", "/download/...").
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& r : server_.requests()) out.push_back(r.path);
    return out;
  }

  // Every asset name listed for repository NAME at `tag`.
  static std::vector<std::string> asset_names(const std::string& name, const std::string& tag) {
    std::string bare_version = tag.size() > 1 && tag[0] == 'v' ? tag.substr(1) : tag;
    const char* platforms[] = {"x86_64-unknown-linux-gnu",
                               "x86_64-unknown-linux-musl",
                               "x86_64-linux-gnu",
                               "x86_64-linux",
                               "linux-x86_64",
                               "Linux_x86_64",
                               "linux_x86_64",
                               "linux-x64",
                               "linux_x64",
                               "linux-amd64",
                               "linux_amd64",
                               "Linux-x86_64",
                               "linux"};
    std::vector<std::string> out;
    for (const std::string& version : {std::string(), tag, bare_version})
      for (const char* sep : {"-", "_"})
        for (const char* platform : platforms)
          for (const char* ext : {".tar.gz", ".zip", ".gz", ""}) {
            std::string prefix = version.empty() ? name : name + sep + version;
            out.push_back(prefix + sep + platform + ext);
          }
    return out;
  }

 private:
  static std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> parts;
    size_t start = 1;
    while (start <= path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      parts.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    return parts;
  }

  std::string release(const std::string& owner, const std::string& name,
                      const std::string& tag) const {
    nlohmann::json assets = nlohmann::json::array();
    for (const std::string& asset : asset_names(name, tag))
      assets.push_back({{"name", asset},
                        {"browser_download_url", server_.url("/download/" + owner + "/" + name +
                                                             "/" + tag + "/" + asset)}});
    return nlohmann::json{{"tag_name", tag}, {"prerelease", false}, {"assets", assets}}.dump();
  }

  static ironclad::testing::HttpRoute archive(const std::string& name, const std::string& asset) {
    using ironclad::testing::ArchiveEntry;
    auto strip = [&](const std::string& suffix, std::string* stem) {
      if (asset.size() <= suffix.size() ||
          asset.compare(asset.size() - suffix.size(), suffix.size(), suffix) != 0)
        return false;
      *stem = asset.substr(0, asset.size() - suffix.size());
      return true;
    };
    std::string stem;
    std::vector<ArchiveEntry> entries;
    bool tar = strip(".tar.gz", &stem) || strip(".tgz", &stem);
    bool zip = !tar && strip(".zip", &stem);
    if (tar || zip) {
      // An asset named after its repository (markdown-oxide-v1-x86_64-...tar.gz of
      // markdown-oxide) holds the executable NAME, at the root and in a folder named as the
      // asset; one named otherwise is named after its executable (phpmd-lsp-server-linux-x64
      // of zed-phpmd-lsp, whose extension builds the URL itself), which sits at the root.
      entries = {ArchiveEntry::file(name, kExecutable, 0755)};
      if (stem.rfind(name, 0) == 0) {
        entries.push_back(ArchiveEntry::directory(stem));
        entries.push_back(ArchiveEntry::file(stem + "/" + name, kExecutable, 0755));
      } else {
        entries.push_back(ArchiveEntry::file(stem, kExecutable, 0755));
      }
      return ironclad::testing::HttpRoute::text(tar ? ironclad::testing::make_tar_gz(entries)
                                                    : ironclad::testing::make_zip(entries));
    }
    if (strip(".gz", &stem))
      return ironclad::testing::HttpRoute::text(ironclad::testing::make_gzip(kExecutable));
    return ironclad::testing::HttpRoute::text(kExecutable);
  }

  ironclad::testing::HttpRoute answer(const ironclad::testing::RecordedRequest& r) const {
    std::vector<std::string> p = split(r.path);
    if (p.size() == 4 && p[0] == "repos" && p[3] == "releases")
      return ironclad::testing::HttpRoute::text("[" + release(p[1], p[2], kTag) + "]");
    if (p.size() == 6 && p[0] == "repos" && p[3] == "releases" && p[4] == "tags")
      return ironclad::testing::HttpRoute::text(release(p[1], p[2], p[5]));
    if (p.size() == 5 && p[0] == "download") return archive(p[2], p[4]);
    if (p.size() == 6 && p[2] == "releases" && p[3] == "download") return archive(p[1], p[5]);
    return ironclad::testing::HttpRoute::text("{\"message\":\"Not Found\"}", 404);
  }

  ironclad::testing::LocalHttpServer server_;
};

// The production network (libcurl, libarchive) with GitHub's API at a GithubPlay, and
// downloads from github.com itself (extensions that build a release URL by hand) sent to it
// too, since a test never touches the real network. Records the URLs downloaded.
class ToLocalGithub final : public Network {
 public:
  explicit ToLocalGithub(std::string base) : base_(std::move(base)) {
    NetworkOptions options;
    options.github_api_base = base_;
    options.request_timeout = std::chrono::milliseconds(20'000);
    inner_ = make_network(options);
  }
  std::vector<std::string> downloads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return downloads_;
  }

  Result<HttpResponse> fetch(const HttpRequest& request) override { return inner_->fetch(request); }
  Result<std::unique_ptr<HttpResponseStream>> fetch_stream(const HttpRequest& request) override {
    return inner_->fetch_stream(request);
  }
  Result<GithubRelease> latest_github_release(const std::string& repo, bool require_assets,
                                              bool pre_release) override {
    return inner_->latest_github_release(repo, require_assets, pre_release);
  }
  Result<GithubRelease> github_release_by_tag_name(const std::string& repo,
                                                   const std::string& tag) override {
    return inner_->github_release_by_tag_name(repo, tag);
  }
  Result<void> download_file(const std::string& url, const std::filesystem::path& work_dir,
                             const std::string& relative_path, DownloadedFileType type) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      downloads_.push_back(url);
    }
    std::string local = url;
    const std::string github = "https://github.com/";
    if (local.rfind(github, 0) == 0) local = base_ + "/" + local.substr(github.size());
    return inner_->download_file(local, work_dir, relative_path, type);
  }

 private:
  std::string base_;
  std::unique_ptr<Network> inner_;
  mutable std::mutex mutex_;
  std::vector<std::string> downloads_;
};

}  // namespace ironclad::zed::testing
