#include "local_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace ironclad::testing {
namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string trim(const std::string& s) {
  size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  return s.substr(start, s.find_last_not_of(" \t\r\n") - start + 1);
}

const char* reason_phrase(uint32_t status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Status";
}

// Sends everything; false when the client went away (MSG_NOSIGNAL: no SIGPIPE) or the
// server is stopping (a client that stopped reading cannot hold the destructor).
bool send_all(int fd, const std::string& data, const std::atomic<bool>& stopping) {
  size_t done = 0;
  while (done < data.size()) {
    pollfd pfd{fd, POLLOUT, 0};
    if (stopping) return false;
    int ready = ::poll(&pfd, 1, 100);
    if (ready < 0) return false;
    if (ready == 0) continue;
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return "";
}

LocalHttpServer::LocalHttpServer(std::map<std::string, HttpRoute> routes) : routes_(std::move(routes)) {
  // A machine with http_proxy set would send the clients' requests for 127.0.0.1 to its
  // proxy: the local server is reached directly (curl reads no_proxy at each request).
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0 || ::pipe2(wake_pipe_, O_CLOEXEC) != 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return;
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

LocalHttpServer::~LocalHttpServer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (wake_pipe_[1] >= 0) {
    char byte = 1;
    (void)!::write(wake_pipe_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (auto& connection : connections_) connection.join();  // the accept thread is gone: no more
  for (int fd : {listen_fd_, wake_pipe_[0], wake_pipe_[1]})
    if (fd >= 0) ::close(fd);
}

std::string LocalHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void LocalHttpServer::set_route(const std::string& path, HttpRoute route) {
  std::lock_guard<std::mutex> lock(mutex_);
  routes_[path] = std::move(route);
}

void LocalHttpServer::set_fallback(std::function<HttpRoute(const RecordedRequest&)> fallback) {
  std::lock_guard<std::mutex> lock(mutex_);
  fallback_ = std::move(fallback);
}

std::vector<RecordedRequest> LocalHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

bool LocalHttpServer::wait_or_stop(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !stop_signal_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void LocalHttpServer::serve() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) break;
    if (!(fds[0].revents & POLLIN)) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    // One thread per connection: a test holding a stream open does not block the next request.
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.emplace_back([this, client] {
      handle(client);
      ::close(client);
    });
  }
}

void LocalHttpServer::handle(int client) {
  // Read the head, then Content-Length bytes of body; give up on a silent client.
  std::string data;
  size_t head_end = std::string::npos;
  size_t content_length = 0;
  bool sent_continue = false;
  RecordedRequest request;
  for (;;) {
    if (head_end != std::string::npos && data.size() >= head_end + 4 + content_length) break;
    pollfd pfd{client, POLLIN, 0};
    int ready = 0;
    for (int waited = 0; ready == 0 && waited < 5000 && !stopping_; waited += 100) ready = ::poll(&pfd, 1, 100);
    if (ready <= 0 || stopping_) return;
    char buffer[16384];
    ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    data.append(buffer, static_cast<size_t>(n));
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      std::string head = data.substr(0, head_end);
      size_t line_end = head.find("\r\n");
      std::string request_line = head.substr(0, line_end);
      size_t sp1 = request_line.find(' ');
      size_t sp2 = request_line.find(' ', sp1 + 1);
      request.method = request_line.substr(0, sp1);
      request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
      request.path = request.target.substr(0, request.target.find('?'));
      size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(pos, end - pos);
        size_t colon = line.find(':');
        if (colon != std::string::npos)
          request.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
        pos = end + 2;
      }
      std::string length = request.header("Content-Length");
      content_length = length.empty() ? 0 : std::stoul(length);
      if (!sent_continue && iequals(request.header("Expect"), "100-continue")) {
        sent_continue = true;
        send_all(client, "HTTP/1.1 100 Continue\r\n\r\n", stopping_);
      }
    }
  }
  request.body = data.substr(head_end + 4, content_length);

  HttpRoute route;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    auto it = routes_.find(request.path);
    route = it != routes_.end() ? it->second
            : fallback_        ? fallback_(request)
                               : HttpRoute::text("not found", 404);
  }
  if (route.delay.count() > 0 && !wait_or_stop(route.delay)) return;
  std::string head = "HTTP/1.1 " + std::to_string(route.status) + " " + reason_phrase(route.status) + "\r\n";
  for (const auto& [name, value] : route.headers) head += name + ": " + value + "\r\n";
  head += route.chunked ? "Transfer-Encoding: chunked\r\n"
                        : "Content-Length: " + std::to_string(route.body.size()) + "\r\n";
  head += "Connection: close\r\n\r\n";
  if (!send_all(client, head, stopping_) || request.method == "HEAD") return;
  size_t piece = std::max<size_t>(route.chunk_size, 1);
  for (size_t offset = 0; offset < route.body.size(); offset += piece) {
    if (offset > 0 && route.delay.count() > 0 && !wait_or_stop(route.delay)) return;
    std::string part = route.body.substr(offset, piece);
    if (route.chunked) {
      char size_line[32];
      std::snprintf(size_line, sizeof size_line, "%zx\r\n", part.size());
      part = size_line + part + "\r\n";
    }
    if (!send_all(client, part, stopping_)) return;
  }
  if (route.chunked) send_all(client, "0\r\n\r\n", stopping_);
}

}  // namespace ironclad::testing
