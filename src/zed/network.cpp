// make_network: the production Network, libcurl for HTTP(S) and libarchive for archives.
// Every entry point catches what the standard library may still throw (allocation failure,
// filesystem errors) so nothing crosses the API as an exception (DESIGN.md invariant 1).
#include <exception>

#include "zed/download.h"
#include "zed/github_releases.h"
#include "zed/http_client.h"
#include "zed/network.h"

namespace ironclad::zed {
namespace {

template <typename F>
auto guarded(const std::string& what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Error::make(ErrorKind::Internal, what + ": " + e.what());
  } catch (...) {
    return Error::make(ErrorKind::Internal, what + ": unknown exception");
  }
}

class CurlNetwork final : public Network {
 public:
  explicit CurlNetwork(NetworkOptions options) : options_(std::move(options)) {}

  // Zed's http-client.fetch: a 4xx or 5xx status is an error (its message names the URL
  // and the status), other statuses are responses (a 3xx when redirects are not followed).
  Result<HttpResponse> fetch(const HttpRequest& request) override {
    return guarded("fetch " + request.url, [&]() -> Result<HttpResponse> {
      IRONCLAD_TRY_ASSIGN(auto transfer, open_transfer(with_redirect_cap(request), limits()));
      if (transfer->status() >= 400)
        return Error::make(ErrorKind::Io, "failed to fetch '" + request.url + "': status code " +
                                              status_text(transfer->status(), transfer->reason()));
      HttpResponse response;
      response.status = transfer->status();
      response.headers = transfer->headers();
      for (;;) {
        IRONCLAD_TRY_ASSIGN(auto chunk, transfer->next_chunk());
        if (!chunk) break;
        response.body.insert(response.body.end(), chunk->begin(), chunk->end());
      }
      return response;
    });
  }

  // Zed's http-client.fetch-stream does not look at the status: the body of any response
  // is streamed.
  Result<std::unique_ptr<HttpResponseStream>> fetch_stream(const HttpRequest& request) override {
    return guarded("fetch-stream " + request.url, [&]() -> Result<std::unique_ptr<HttpResponseStream>> {
      IRONCLAD_TRY_ASSIGN(auto transfer, open_transfer(with_redirect_cap(request), limits()));
      return std::unique_ptr<HttpResponseStream>(std::move(transfer));
    });
  }

  Result<GithubRelease> latest_github_release(const std::string& repo, bool require_assets,
                                              bool pre_release) override {
    return guarded("latest-github-release " + repo, [&] {
      return fetch_latest_github_release(options_.github_api_base, repo, require_assets, pre_release, limits());
    });
  }

  Result<GithubRelease> github_release_by_tag_name(const std::string& repo, const std::string& tag) override {
    return guarded("github-release-by-tag-name " + repo, [&] {
      return fetch_github_release_by_tag(options_.github_api_base, repo, tag, limits());
    });
  }

  Result<void> download_file(const std::string& url, const std::filesystem::path& work_dir,
                             const std::string& relative_path, DownloadedFileType type) override {
    return guarded("download-file " + url, [&] {
      return zed::download_file(options_, url, work_dir, relative_path, type);
    });
  }

 private:
  TransferLimits limits() const {
    return TransferLimits{options_.request_timeout, options_.max_response_bytes, options_.user_agent};
  }
  // follow-all and any larger limit are capped by NetworkOptions::max_redirects.
  HttpRequest with_redirect_cap(const HttpRequest& request) const {
    HttpRequest capped = request;
    if (capped.follow_redirects > options_.max_redirects) capped.follow_redirects = options_.max_redirects;
    return capped;
  }

  NetworkOptions options_;
};

}  // namespace

std::unique_ptr<Network> make_network(NetworkOptions options) {
  return std::make_unique<CurlNetwork>(std::move(options));
}

}  // namespace ironclad::zed
