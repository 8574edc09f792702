#include "zed/github_releases.h"

#include <nlohmann/json.hpp>

namespace ironclad::zed {
namespace {

bool is_repo_part_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool is_valid_repo_part(const std::string& part) {
  if (part.empty() || part.size() > 100 || part == "." || part == "..") return false;
  for (char c : part)
    if (!is_repo_part_char(c)) return false;
  return true;
}

// A tag goes into the URL path: keep unreserved characters and '/', escape the rest.
// Dot segments would let curl's path normalization reach another API path.
Result<std::string> encode_tag(const std::string& what, const std::string& tag) {
  if (tag.empty()) return Error::make(ErrorKind::Usage, what + ": the tag is empty");
  size_t start = 0;
  while (start <= tag.size()) {
    size_t end = tag.find('/', start);
    if (end == std::string::npos) end = tag.size();
    std::string segment = tag.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..")
      return Error::make(ErrorKind::Usage, what + ": the tag '" + tag + "' has an empty, '.' or '..' segment");
    start = end + 1;
  }
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : tag) {
    if (is_repo_part_char(static_cast<char>(c)) || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string trim_trailing_slashes(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// GitHub's error bodies are {"message": "..."}; anything else is summarized by its size.
std::string github_error_detail(const std::vector<uint8_t>& body) {
  auto json = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (json.is_object() && json.contains("message") && json["message"].is_string())
    return ": " + json["message"].get<std::string>();
  return "";
}

Result<nlohmann::json> get_json(const std::string& what, const std::string& url,
                                const TransferLimits& limits) {
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/vnd.github+json"}};
  request.follow_redirects = 10;  // GitHub redirects renamed repositories
  auto response = perform_request(request, limits);
  if (!response) {
    Error error = std::move(response).error();
    error.message = what + ": " + error.message;
    return error;
  }
  if (response->status < 200 || response->status > 299)
    return Error::make(ErrorKind::Io, what + ": GET " + url + " returned status " +
                                          std::to_string(response->status) +
                                          github_error_detail(response->body));
  auto json = nlohmann::json::parse(response->body.begin(), response->body.end(), nullptr, false);
  if (json.is_discarded())
    return Error::make(ErrorKind::Malformed, what + ": GET " + url + " returned a body that is not JSON");
  return json;
}

// The fields Zed reads (tag_name, prerelease, assets[].name, assets[].browser_download_url);
// others are ignored.
Result<GithubRelease> parse_release(const std::string& what, const nlohmann::json& json, bool* prerelease) {
  auto bad = [&](const std::string& why) {
    return Error::make(ErrorKind::Malformed, what + ": unexpected release JSON: " + why);
  };
  if (!json.is_object()) return bad("a release is not an object");
  if (!json.contains("tag_name") || !json["tag_name"].is_string()) return bad("no string tag_name");
  GithubRelease release;
  release.version = json["tag_name"].get<std::string>();
  if (prerelease) {
    *prerelease = false;
    if (json.contains("prerelease")) {
      if (!json["prerelease"].is_boolean()) return bad("prerelease of " + release.version + " is not a boolean");
      *prerelease = json["prerelease"].get<bool>();
    }
  }
  if (!json.contains("assets") || !json["assets"].is_array())
    return bad("release " + release.version + " has no assets array");
  for (const auto& asset : json["assets"]) {
    if (!asset.is_object() || !asset.contains("name") || !asset["name"].is_string() ||
        !asset.contains("browser_download_url") || !asset["browser_download_url"].is_string())
      return bad("an asset of " + release.version + " lacks a string name or browser_download_url");
    release.assets.push_back({asset["name"].get<std::string>(), asset["browser_download_url"].get<std::string>()});
  }
  return release;
}

}  // namespace

bool is_valid_github_repo(const std::string& repo) {
  size_t slash = repo.find('/');
  if (slash == std::string::npos) return false;
  return is_valid_repo_part(repo.substr(0, slash)) && is_valid_repo_part(repo.substr(slash + 1));
}

Result<GithubRelease> fetch_latest_github_release(const std::string& api_base, const std::string& repo,
                                                  bool require_assets, bool pre_release,
                                                  const TransferLimits& limits) {
  std::string what = "latest-github-release " + repo;
  if (!is_valid_github_repo(repo))
    return Error::make(ErrorKind::Usage, what + ": the repository must be 'owner/name'");
  std::string url = trim_trailing_slashes(api_base) + "/repos/" + repo + "/releases";
  IRONCLAD_TRY_ASSIGN(auto json, get_json(what, url, limits));
  if (!json.is_array())
    return Error::make(ErrorKind::Malformed, what + ": GET " + url + " did not return a list of releases");
  for (const auto& entry : json) {
    bool is_prerelease = false;
    IRONCLAD_TRY_ASSIGN(auto release, parse_release(what, entry, &is_prerelease));
    if (require_assets && release.assets.empty()) continue;
    if (is_prerelease != pre_release) continue;
    return release;
  }
  return Error::make(ErrorKind::Io, what + ": none of its " + std::to_string(json.size()) +
                                        " releases is a " + (pre_release ? "pre-release" : "release") +
                                        (require_assets ? " with assets" : ""));
}

Result<GithubRelease> fetch_github_release_by_tag(const std::string& api_base, const std::string& repo,
                                                  const std::string& tag, const TransferLimits& limits) {
  std::string what = "github-release-by-tag-name " + repo + " " + tag;
  if (!is_valid_github_repo(repo))
    return Error::make(ErrorKind::Usage, what + ": the repository must be 'owner/name'");
  IRONCLAD_TRY_ASSIGN(auto encoded, encode_tag(what, tag));
  std::string url = trim_trailing_slashes(api_base) + "/repos/" + repo + "/releases/tags/" + encoded;
  IRONCLAD_TRY_ASSIGN(auto json, get_json(what, url, limits));
  return parse_release(what, json, nullptr);
}

}  // namespace ironclad::zed
