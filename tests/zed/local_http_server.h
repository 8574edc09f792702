// A tiny HTTP/1.1 server on 127.0.0.1 for tests: routes of path -> status, headers, body,
// one thread per connection (Connection: close). It can send
// redirects, chunked or slow bodies and any status, and records the requests it got.
// Started by the constructor (port 0: the kernel picks a free port), stopped by the
// destructor. No test touches the real network.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ironclad::testing {

struct HttpRoute {
  uint32_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Send the body with Transfer-Encoding: chunked (no Content-Length), in pieces of
  // chunk_size bytes.
  bool chunked = false;
  size_t chunk_size = 16 * 1024;
  // Wait this long before the headers and before each piece of the body (a slow server).
  std::chrono::milliseconds delay{0};

  static HttpRoute text(std::string body, uint32_t status = 200) {
    HttpRoute route;
    route.status = status;
    route.body = std::move(body);
    return route;
  }
  static HttpRoute redirect(std::string location, uint32_t status = 302) {
    HttpRoute route;
    route.status = status;
    route.headers.emplace_back("Location", std::move(location));
    return route;
  }
};

struct RecordedRequest {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;    // without the query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header of this name (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

class LocalHttpServer {
 public:
  explicit LocalHttpServer(std::map<std::string, HttpRoute> routes = {});
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  // False when the socket could not be set up (then port() is 0).
  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path) const;

  // Adds or replaces a route (path without query); unknown paths get 404 "not found", or
  // the fallback's answer when one is set (a server that answers by rule, not by table).
  void set_route(const std::string& path, HttpRoute route);
  void set_fallback(std::function<HttpRoute(const RecordedRequest&)> fallback);
  std::vector<RecordedRequest> requests() const;

 private:
  void serve();
  void handle(int client);
  bool wait_or_stop(std::chrono::milliseconds delay);

  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::map<std::string, HttpRoute> routes_;
  std::function<HttpRoute(const RecordedRequest&)> fallback_;
  std::vector<RecordedRequest> requests_;
  std::atomic<bool> stopping_{false};
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::thread thread_;
  std::vector<std::thread> connections_;
};

}  // namespace ironclad::testing
