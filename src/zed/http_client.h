// HTTP(S) through libcurl for the zed:extension network API: one request at a time, read
// chunk by chunk, with the limits of NetworkOptions (whole-request timeout, body size cap,
// redirect limit, http and https only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "zed/network.h"

namespace ironclad::zed {

// The limits one transfer runs under.
struct TransferLimits {
  std::chrono::milliseconds timeout{60'000};
  uint64_t max_body_bytes = 512ull << 20;
  std::string user_agent;
};

// One HTTP transfer in progress. The status and headers are those of the last response
// (after the redirects that were followed); they are known once open_transfer() returns.
class HttpTransfer : public HttpResponseStream {
 public:
  virtual uint32_t status() const = 0;
  // The reason phrase of the status line ("Not Found"), possibly empty (HTTP/2 has none).
  virtual const std::string& reason() const = 0;
  virtual const std::vector<std::pair<std::string, std::string>>& headers() const = 0;
  // The URL the last response came from (differs from the request's after redirects).
  virtual const std::string& effective_url() const = 0;
};

// Starts `request` and returns once the final response's headers have arrived (or the
// transfer failed). The body is then read with next_chunk(); more than
// limits.max_body_bytes of it is an error.
Result<std::unique_ptr<HttpTransfer>> open_transfer(const HttpRequest& request,
                                                    const TransferLimits& limits);

// The whole response, body included (at most limits.max_body_bytes).
Result<HttpResponse> perform_request(const HttpRequest& request, const TransferLimits& limits);

// "GET", "POST", ...
const char* method_name(HttpMethod method);

// "404 Not Found" or "404" when the reason phrase is unknown.
std::string status_text(uint32_t status, const std::string& reason);

}  // namespace ironclad::zed
