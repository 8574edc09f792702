// Why curl's multi interface and no worker thread: next_chunk() drives the transfer itself
// (curl_multi_perform, then curl_multi_poll when nothing is ready), so the data arrives on
// the caller's thread, nothing runs while nobody reads (TCP pushes back on the server
// instead of a queue filling up), and there is no thread to stop, join or leak when the
// extension drops the stream half-way. curl enforces the whole-request timeout inside
// curl_multi_perform, so a stalled server cannot block a reader past it.
#include "zed/http_client.h"

#include "zed/curl_library.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <mutex>

namespace ironclad::zed {
namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// A header name or value may not carry CR or LF: it would let an extension add headers or
// a second request of its own choosing.
bool has_line_break(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

class CurlTransfer final : public HttpTransfer {
 public:
  CurlTransfer(const CurlLibrary& curl, std::string url, TransferLimits limits)
      : curl_(curl), url_(std::move(url)), limits_(std::move(limits)) {}

  ~CurlTransfer() override {
    if (multi_ && easy_) curl_.multi_remove_handle(multi_, easy_);
    if (easy_) curl_.easy_cleanup(easy_);
    if (multi_) curl_.multi_cleanup(multi_);
    if (header_list_) curl_.slist_free_all(header_list_);
  }

  Result<void> start(const HttpRequest& request) {
    easy_ = curl_.easy_init();
    multi_ = curl_.multi_init();
    if (!easy_ || !multi_) return fail_now("could not create a curl handle");

    for (const auto& [name, value] : request.headers) {
      if (name.empty() || has_line_break(name) || has_line_break(value) ||
          name.find(':') != std::string::npos)
        return Error::make(ErrorKind::Usage, describe_request() + ": invalid header name or value '" +
                                                 name + "'");
      // "Name;" is curl's way to send a header with an empty value.
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      header_list_ = curl_.slist_append(header_list_, line.c_str());
    }

    curl_.easy_setopt(easy_, CURLOPT_URL, url_.c_str());
    curl_.easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_.easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_.easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_.easy_setopt(easy_, CURLOPT_USERAGENT, limits_.user_agent.c_str());
    curl_.easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.timeout.count()));
    curl_.easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(limits_.timeout.count(), 30'000)));
    curl_.easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(std::min<uint64_t>(limits_.max_body_bytes, INT64_MAX)));
    if (header_list_) curl_.easy_setopt(easy_, CURLOPT_HTTPHEADER, header_list_);
    if (request.follow_redirects > 0) {
      curl_.easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 1L);
      curl_.easy_setopt(easy_, CURLOPT_MAXREDIRS, static_cast<long>(request.follow_redirects));
    }
    method_ = request.method;
    switch (request.method) {
      case HttpMethod::Get: break;
      case HttpMethod::Head: curl_.easy_setopt(easy_, CURLOPT_NOBODY, 1L); break;
      case HttpMethod::Post: curl_.easy_setopt(easy_, CURLOPT_POST, 1L); break;
      default: curl_.easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method_name(request.method)); break;
    }
    if (request.body) {
      body_ = *request.body;
      // POSTFIELDS sends a body with any method (CUSTOMREQUEST keeps the method name).
      curl_.easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
      curl_.easy_setopt(easy_, CURLOPT_POSTFIELDS, body_.empty() ? "" : reinterpret_cast<const char*>(body_.data()));
      if (request.method == HttpMethod::Get || request.method == HttpMethod::Head)
        curl_.easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method_name(request.method));
    } else if (request.method == HttpMethod::Post) {
      curl_.easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
      curl_.easy_setopt(easy_, CURLOPT_POSTFIELDS, "");
    }
    curl_.easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlTransfer::on_body);
    curl_.easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    curl_.easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &CurlTransfer::on_header);
    curl_.easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    curl_.easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
    error_buffer_[0] = '\0';
    if (curl_.multi_add_handle(multi_, easy_) != CURLM_OK) return fail_now("could not start the transfer");

    // Run until the final response's headers are in: the first body byte, or the end.
    while (pending_.empty() && !done_) IRONCLAD_TRY(drive());
    if (failure_) return *failure_;
    long code = 0;
    curl_.easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &code);
    status_ = static_cast<uint32_t>(code);
    char* effective = nullptr;
    curl_.easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &effective);
    effective_url_ = effective ? effective : url_;
    return {};
  }

  uint32_t status() const override { return status_; }
  const std::string& reason() const override { return reason_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const override { return headers_; }
  const std::string& effective_url() const override { return effective_url_; }

  Result<std::optional<std::vector<uint8_t>>> next_chunk() override {
    while (pending_.empty() && !done_) IRONCLAD_TRY(drive());
    if (!pending_.empty()) {
      std::vector<uint8_t> chunk = std::move(pending_.front());
      pending_.pop_front();
      return std::optional<std::vector<uint8_t>>(std::move(chunk));
    }
    if (failure_) return *failure_;
    return std::optional<std::vector<uint8_t>>();
  }

 private:
  std::string describe_request() const { return std::string(method_name(method_)) + " " + url_; }

  Error fail_now(const std::string& why) {
    failure_ = Error::make(ErrorKind::Io, describe_request() + ": " + why);
    done_ = true;
    return *failure_;
  }

  // One step of the transfer: perform what is ready, wait for the socket when nothing is.
  Result<void> drive() {
    int running = 0;
    if (curl_.multi_perform(multi_, &running) != CURLM_OK) return fail_now("curl multi failure");
    int queued = 0;
    while (CURLMsg* msg = curl_.multi_info_read(multi_, &queued)) {
      if (msg->msg == CURLMSG_DONE) finish(msg->data.result);
    }
    if (!done_ && pending_.empty() && running > 0) {
      if (curl_.multi_poll(multi_, nullptr, 0, 1000, nullptr) != CURLM_OK)
        return fail_now("curl poll failure");
    } else if (!done_ && running == 0) {
      // curl finished without a DONE message: should not happen; end instead of spinning.
      finish(CURLE_OK);
    }
    return {};
  }

  void finish(CURLcode code) {
    done_ = true;
    if (code == CURLE_OK) return;
    std::string why;
    if (body_limit_hit_ || code == CURLE_FILESIZE_EXCEEDED) {
      why = "the response body exceeds the limit of " + std::to_string(limits_.max_body_bytes) + " bytes";
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      why = "timed out after " + std::to_string(limits_.timeout.count()) + " ms";
    } else if (code == CURLE_TOO_MANY_REDIRECTS) {
      why = "too many redirects (more than the limit of the request)";
    } else if (code == CURLE_UNSUPPORTED_PROTOCOL) {
      why = "only http and https URLs are fetched" +
            (error_buffer_[0] ? std::string(" (") + error_buffer_ + ")" : std::string());
    } else {
      why = error_buffer_[0] ? std::string(error_buffer_) : std::string(curl_.easy_strerror(code));
    }
    failure_ = Error::make(ErrorKind::Io, describe_request() + ": " + why);
  }

  static size_t on_body(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<CurlTransfer*>(self_ptr);
    size_t n = size * count;
    self->body_bytes_ += n;
    if (self->body_bytes_ > self->limits_.max_body_bytes) {
      self->body_limit_hit_ = true;
      return 0;  // curl stops with CURLE_WRITE_ERROR
    }
    if (n > 0) self->pending_.emplace_back(data, data + n);
    return n;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<CurlTransfer*>(self_ptr);
    size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
      // A new response (a redirect hop, a 100 Continue): only the last one's headers count.
      self->headers_.clear();
      self->reason_.clear();
      size_t first_space = line.find(' ');
      size_t second_space = first_space == std::string::npos ? std::string::npos : line.find(' ', first_space + 1);
      if (second_space != std::string::npos) self->reason_ = trim(line.substr(second_space + 1));
      return n;
    }
    size_t colon = line.find(':');
    if (colon != std::string::npos && colon > 0)
      self->headers_.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    return n;
  }

  const CurlLibrary& curl_;
  std::string url_;
  TransferLimits limits_;
  HttpMethod method_ = HttpMethod::Get;
  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* header_list_ = nullptr;
  std::vector<uint8_t> body_;  // curl reads the request body from here during the transfer
  char error_buffer_[CURL_ERROR_SIZE] = {};
  std::deque<std::vector<uint8_t>> pending_;
  uint64_t body_bytes_ = 0;
  bool body_limit_hit_ = false;
  bool done_ = false;
  std::optional<Error> failure_;
  uint32_t status_ = 0;
  std::string reason_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string effective_url_;
};

}  // namespace

const char* method_name(HttpMethod method) {
  switch (method) {
    case HttpMethod::Get: return "GET";
    case HttpMethod::Head: return "HEAD";
    case HttpMethod::Post: return "POST";
    case HttpMethod::Put: return "PUT";
    case HttpMethod::Delete: return "DELETE";
    case HttpMethod::Options: return "OPTIONS";
    case HttpMethod::Patch: return "PATCH";
  }
  return "GET";
}

std::string status_text(uint32_t status, const std::string& reason) {
  return reason.empty() ? std::to_string(status) : std::to_string(status) + " " + reason;
}

Result<std::unique_ptr<HttpTransfer>> open_transfer(const HttpRequest& request,
                                                    const TransferLimits& limits) {
  if (request.url.empty()) return Error::make(ErrorKind::Usage, "fetch: the URL is empty");
  IRONCLAD_TRY_ASSIGN(const CurlLibrary* curl, curl_library());
  auto transfer = std::make_unique<CurlTransfer>(*curl, request.url, limits);
  IRONCLAD_TRY(transfer->start(request));
  return std::unique_ptr<HttpTransfer>(std::move(transfer));
}

Result<HttpResponse> perform_request(const HttpRequest& request, const TransferLimits& limits) {
  IRONCLAD_TRY_ASSIGN(auto transfer, open_transfer(request, limits));
  HttpResponse response;
  response.status = transfer->status();
  response.headers = transfer->headers();
  for (;;) {
    IRONCLAD_TRY_ASSIGN(auto chunk, transfer->next_chunk());
    if (!chunk) break;
    response.body.insert(response.body.end(), chunk->begin(), chunk->end());
  }
  return response;
}

}  // namespace ironclad::zed
