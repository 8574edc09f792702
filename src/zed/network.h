// The network side of the zed:extension host API: HTTP requests, GitHub's release API and
// file downloads unpacked into an extension's work directory. The host-API bindings
// (download-file, github.*, http-client.*, nodejs.*) call through this interface, so tests
// can give them a local server or a double, and nothing else in src/zed knows about libcurl
// or libarchive.
//
// Every function returns an error value for every failure (the extension sees its message as
// the API's error string); none may throw, abort or block past NetworkOptions' limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::zed {

struct NetworkOptions {
  // GitHub's REST API root; tests point it at a local server.
  std::string github_api_base = "https://api.github.com";
  // Whole-request time limit (connect, transfer) for one request.
  std::chrono::milliseconds request_timeout{60'000};
  // Largest response body or download kept, in bytes (a larger one is an error).
  uint64_t max_response_bytes = 512ull << 20;
  // Largest total of bytes written when unpacking one archive (a decompression bomb is an
  // error, and what it wrote is removed).
  uint64_t max_unpacked_bytes = 2ull << 30;
  // Most entries one archive may hold.
  uint64_t max_archive_entries = 200'000;
  // Redirects followed when a request asks to follow all of them.
  uint32_t max_redirects = 20;
  // Value of the User-Agent header.
  std::string user_agent = "ironclad-zed-host";
};

enum class HttpMethod : uint8_t { Get, Head, Post, Put, Delete, Options, Patch };

struct HttpRequest {
  HttpMethod method = HttpMethod::Get;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::vector<uint8_t>> body;
  // Redirects to follow: 0 = none (the API's no-follow), otherwise at most this many
  // (follow-all maps to NetworkOptions::max_redirects).
  uint32_t follow_redirects = 0;
};

struct HttpResponse {
  uint32_t status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<uint8_t> body;
};

// A response read chunk by chunk (http-client.fetch-stream).
class HttpResponseStream {
 public:
  virtual ~HttpResponseStream() = default;
  // The next chunk; nullopt at the end of the body.
  virtual Result<std::optional<std::vector<uint8_t>>> next_chunk() = 0;
};

// The API's downloaded-file-type.
enum class DownloadedFileType : uint8_t { Gzip, GzipTar, Zip, Uncompressed };

struct GithubReleaseAsset {
  std::string name;
  std::string download_url;
};

struct GithubRelease {
  std::string version;  // the release's tag name
  std::vector<GithubReleaseAsset> assets;
};

class Network {
 public:
  virtual ~Network() = default;

  // As Zed's host: fetch returns an error for a 4xx or 5xx status ("failed to fetch 'URL':
  // status code 404 Not Found"); fetch_stream streams the body of any status.
  virtual Result<HttpResponse> fetch(const HttpRequest& request) = 0;
  virtual Result<std::unique_ptr<HttpResponseStream>> fetch_stream(const HttpRequest& request) = 0;

  // GitHub's releases of "owner/name": the newest one matching the filters
  // (github-release-options), or the one with this tag.
  virtual Result<GithubRelease> latest_github_release(const std::string& repo, bool require_assets,
                                                      bool pre_release) = 0;
  virtual Result<GithubRelease> github_release_by_tag_name(const std::string& repo,
                                                           const std::string& tag) = 0;

  // Downloads `url` and stores it at `relative_path` inside `work_dir`, unpacked as
  // `type` says: Gzip and Uncompressed write one file there; GzipTar and Zip make it a
  // directory holding the archive's entries (replacing what was there). `relative_path` is
  // the extension's string: an absolute path outside work_dir (one inside is accepted, as
  // Zed does), `..` escaping work_dir, or an archive entry (or symlink target) that would
  // land outside the destination is refused. Nothing is left half-written on failure.
  virtual Result<void> download_file(const std::string& url, const std::filesystem::path& work_dir,
                                     const std::string& relative_path, DownloadedFileType type) = 0;
};

// The production implementation: libcurl for HTTP(S), libarchive for archives.
std::unique_ptr<Network> make_network(NetworkOptions options);

}  // namespace ironclad::zed
