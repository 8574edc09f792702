// What an extension may do beyond reading its worktree: denied unless granted, as Zed's
// capability granter does. Three kinds, each with a target:
//   process:exec:COMMAND   run COMMAND (its name as the extension passes it, or its base name)
//   download-file:HOST     download from HOST (the URL's host, without port)
//   npm:install:PACKAGE    npm-install PACKAGE
// A target may be `*` (anything), and may end in `*` (a prefix: `process:exec:python*`).
// A request no grant covers goes to the embedder's callback, when there is one.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "ironclad/zed.h"

namespace ironclad::zed {

using CapabilityKind = ZedCapabilityKind;
using CapabilityRequest = ZedCapabilityRequest;

struct CapabilityGrant {
  CapabilityKind kind = CapabilityKind::ProcessExec;
  std::string pattern;  // "*", "node", "python*"
  bool covers(const CapabilityRequest& request) const;
};

// "process:exec:node" -> a grant; Usage error saying the accepted forms otherwise.
Result<CapabilityGrant> parse_grant(const std::string& text);

// The host of an http(s) URL ("github.com" of "https://github.com:443/x"), "" if none.
std::string url_host(const std::string& url);

class CapabilityPolicy {
 public:
  using Ask = std::function<bool(const std::string& extension_id, const CapabilityRequest&)>;
  CapabilityPolicy() = default;
  CapabilityPolicy(std::vector<CapabilityGrant> grants, Ask ask)
      : grants_(std::move(grants)), ask_(std::move(ask)) {}
  bool allows(const std::string& extension_id, const CapabilityRequest& request) const;

 private:
  std::vector<CapabilityGrant> grants_;
  Ask ask_;
};

}  // namespace ironclad::zed
