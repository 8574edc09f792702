// The `ironclad zed` commands' network until the libcurl/libarchive implementation of
// src/zed/network.h (make_network) is part of the build: every call answers that network
// access is not available, so extensions that download get that as the API's error string.
#pragma once

#include <memory>

#include "zed/network.h"

namespace ironclad::cli {

class ZedNetworkUnavailable final : public zed::Network {
 public:
  Result<zed::HttpResponse> fetch(const zed::HttpRequest&) override { return unavailable(); }
  Result<std::unique_ptr<zed::HttpResponseStream>> fetch_stream(const zed::HttpRequest&) override {
    return unavailable();
  }
  Result<zed::GithubRelease> latest_github_release(const std::string&, bool, bool) override {
    return unavailable();
  }
  Result<zed::GithubRelease> github_release_by_tag_name(const std::string&,
                                                        const std::string&) override {
    return unavailable();
  }
  Result<void> download_file(const std::string&, const std::filesystem::path&, const std::string&,
                             zed::DownloadedFileType) override {
    return unavailable();
  }

 private:
  static Error unavailable() {
    return Error::make(ErrorKind::Io, "network access is not available in this build");
  }
};

}  // namespace ironclad::cli
