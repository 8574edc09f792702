// GitHub's release API (REST, JSON) over the HTTP client: the calls behind the API's
// github.latest-github-release and github.github-release-by-tag-name.
#pragma once

#include <string>

#include "ironclad/error.h"
#include "zed/http_client.h"
#include "zed/network.h"

namespace ironclad::zed {

// Zed's semantics: the newest release of GET {api_base}/repos/{repo}/releases (the list,
// newest first) that has assets when `require_assets`, and whose `prerelease` flag equals
// `pre_release` (so asking for pre-releases gives only a pre-release, as in Zed).
Result<GithubRelease> fetch_latest_github_release(const std::string& api_base, const std::string& repo,
                                                  bool require_assets, bool pre_release,
                                                  const TransferLimits& limits);

// GET {api_base}/repos/{repo}/releases/tags/{tag}.
Result<GithubRelease> fetch_github_release_by_tag(const std::string& api_base, const std::string& repo,
                                                  const std::string& tag, const TransferLimits& limits);

// Exposed for tests: "owner/name" with GitHub's characters for each part.
bool is_valid_github_repo(const std::string& repo);

}  // namespace ironclad::zed
