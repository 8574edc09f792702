#include "zed/capabilities.h"

#include <filesystem>

namespace ironclad {

const char* to_string(ZedCapabilityKind kind) {
  using CapabilityKind = ZedCapabilityKind;
  switch (kind) {
    case CapabilityKind::ProcessExec: return "process:exec";
    case CapabilityKind::DownloadFile: return "download-file";
    case CapabilityKind::NpmInstall: return "npm:install";
  }
  return "unknown";
}

std::string to_string(const ZedCapabilityRequest& request) {
  return std::string(to_string(request.kind)) + ":" + request.target;
}

}  // namespace ironclad

namespace ironclad::zed {

bool CapabilityGrant::covers(const CapabilityRequest& request) const {
  if (request.kind != kind) return false;
  auto matches = [&](const std::string& target) {
    if (pattern == "*") return true;
    if (!pattern.empty() && pattern.back() == '*')
      return target.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    return target == pattern;
  };
  if (matches(request.target)) return true;
  // A command granted by name covers the same command given as a path ("/usr/bin/node").
  if (kind == CapabilityKind::ProcessExec && request.target.find('/') != std::string::npos)
    return matches(std::filesystem::path(request.target).filename().string());
  return false;
}

Result<CapabilityGrant> parse_grant(const std::string& text) {
  for (CapabilityKind kind :
       {CapabilityKind::ProcessExec, CapabilityKind::DownloadFile, CapabilityKind::NpmInstall}) {
    std::string prefix = std::string(to_string(kind)) + ":";
    if (text.rfind(prefix, 0) == 0 && text.size() > prefix.size())
      return CapabilityGrant{kind, text.substr(prefix.size())};
  }
  return Error::make(ErrorKind::Usage,
                     "capability '" + text +
                         "': expected process:exec:COMMAND, download-file:HOST or "
                         "npm:install:PACKAGE (a target may be * or end in *)");
}

std::string url_host(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (!authority.empty() && authority[0] == '[') {  // [::1]:8080
    size_t close = authority.find(']');
    return close == std::string::npos ? "" : authority.substr(1, close - 1);
  }
  if (size_t colon = authority.find(':'); colon != std::string::npos) authority.erase(colon);
  for (char& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return authority;
}

bool CapabilityPolicy::allows(const std::string& extension_id,
                              const CapabilityRequest& request) const {
  for (const CapabilityGrant& g : grants_)
    if (g.covers(request)) return true;
  return ask_ && ask_(extension_id, request);
}

}  // namespace ironclad::zed
