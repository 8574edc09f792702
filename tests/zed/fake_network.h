// A Network double for the host-API tests: records every call, answers GitHub with one
// release, and "downloads" by writing a file (or fails, when told to).
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "zed/network.h"

namespace ironclad::zed::testing {

class FakeNetwork final : public Network {
 public:
  std::vector<std::string> calls;  // "fetch URL", "latest owner/name", "download URL -> PATH"
  bool fail_downloads = false;

  Result<HttpResponse> fetch(const HttpRequest& request) override {
    calls.push_back("fetch " + request.url);
    HttpResponse r;
    r.status = 200;
    r.body = {'o', 'k'};
    return r;
  }
  Result<std::unique_ptr<HttpResponseStream>> fetch_stream(const HttpRequest& request) override {
    calls.push_back("fetch-stream " + request.url);
    return Error::make(ErrorKind::Io, "fake network: no streams");
  }
  Result<GithubRelease> latest_github_release(const std::string& repo, bool, bool) override {
    calls.push_back("latest " + repo);
    return release(repo, "v1.2.3");
  }
  Result<GithubRelease> github_release_by_tag_name(const std::string& repo,
                                                   const std::string& tag) override {
    calls.push_back("tag " + repo + " " + tag);
    return release(repo, tag);
  }
  Result<void> download_file(const std::string& url, const std::filesystem::path& work_dir,
                             const std::string& relative_path, DownloadedFileType type) override {
    calls.push_back("download " + url + " -> " + relative_path);
    if (fail_downloads) return Error::make(ErrorKind::Io, "fake network: download refused");
    std::filesystem::path dest = work_dir / relative_path;
    std::error_code ec;
    if (type == DownloadedFileType::GzipTar || type == DownloadedFileType::Zip) {
      std::filesystem::create_directories(dest, ec);
      dest /= "unpacked";
    } else {
      std::filesystem::create_directories(dest.parent_path(), ec);
    }
    std::ofstream(dest) << "#!/bin/sh\n";
    return {};
  }

 private:
  // One asset per common platform name, so an extension finds the one it looks for.
  static GithubRelease release(const std::string& repo, const std::string& tag) {
    GithubRelease r;
    r.version = tag;
    for (const char* suffix :
         {"x86_64-unknown-linux-gnu.tar.gz", "x86_64-unknown-linux-musl.tar.gz",
          "linux-x64.tar.gz", "linux_amd64.tar.gz", "linux-amd64.tar.gz", "Linux_x86_64.tar.gz",
          "linux-x86_64.tar.gz", "x86_64-linux.tar.gz", "linux-x64.zip", "linux_amd64.zip"}) {
      std::string name = std::string(suffix);
      r.assets.push_back({name, "https://github.com/" + repo + "/releases/download/" + tag +
                                    "/" + name});
    }
    return r;
  }
};

}  // namespace ironclad::zed::testing
