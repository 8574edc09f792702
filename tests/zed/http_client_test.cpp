// http-client.fetch and fetch-stream through make_network() against a local server.
#include <gtest/gtest.h>

#include <string>

#include "local_http_server.h"
#include "zed/network.h"

namespace ironclad::zed {
namespace {

using ironclad::testing::HttpRoute;
using ironclad::testing::LocalHttpServer;

std::string as_string(const std::vector<uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }

std::string header_value(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return "";
}

// A body no two offsets of which look alike for long: a reassembly mistake shows.
std::string patterned_body(size_t size) {
  std::string body(size, '\0');
  for (size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return body;
}

TEST(ZedHttpClient, GetSendsHeadersAndReturnsStatusHeadersBody) {
  HttpRoute route = HttpRoute::text("hello, extension");
  route.headers.emplace_back("X-Served-By", "local");
  LocalHttpServer server({{"/hello", route}});
  ASSERT_TRUE(server.ok());
  auto network = make_network({});
  HttpRequest request;
  request.url = server.url("/hello?x=1");
  request.headers = {{"X-Extension", "gleam"}, {"Accept", "text/plain"}};
  auto response = network->fetch(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(as_string(response->body), "hello, extension");
  EXPECT_EQ(header_value(*response, "X-Served-By"), "local");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/hello?x=1");
  EXPECT_EQ(requests[0].header("X-Extension"), "gleam");
  EXPECT_EQ(requests[0].header("Accept"), "text/plain");
  EXPECT_EQ(requests[0].header("User-Agent"), "ironclad-zed-host");
}

TEST(ZedHttpClient, EveryMethodIsSentByNameWithItsBody) {
  LocalHttpServer server({{"/echo", HttpRoute::text("done")}});
  ASSERT_TRUE(server.ok());
  auto network = make_network({});
  const std::pair<HttpMethod, const char*> methods[] = {
      {HttpMethod::Post, "POST"}, {HttpMethod::Put, "PUT"}, {HttpMethod::Patch, "PATCH"},
      {HttpMethod::Delete, "DELETE"}, {HttpMethod::Options, "OPTIONS"}};
  for (const auto& [method, name] : methods) {
    HttpRequest request;
    request.method = method;
    request.url = server.url("/echo");
    std::string body = std::string("{\"method\":\"") + name + "\"}";
    request.body = std::vector<uint8_t>(body.begin(), body.end());
    request.headers = {{"Content-Type", "application/json"}};
    auto response = network->fetch(request);
    ASSERT_TRUE(response.ok()) << name << ": " << response.error().message;
    auto recorded = server.requests().back();
    EXPECT_EQ(recorded.method, name);
    EXPECT_EQ(recorded.body, body) << name;
    EXPECT_EQ(recorded.header("Content-Type"), "application/json");
  }
  HttpRequest head;
  head.method = HttpMethod::Head;
  head.url = server.url("/echo");
  auto response = network->fetch(head);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(server.requests().back().method, "HEAD");
  EXPECT_TRUE(response->body.empty());
}

TEST(ZedHttpClient, RedirectsAreFollowedOnlyWhenAskedAndUpToTheLimit) {
  LocalHttpServer server({{"/r1", HttpRoute::redirect("/r2")},
                          {"/r2", HttpRoute::redirect("/r3", 301)},
                          {"/r3", HttpRoute::redirect("/end", 307)},
                          {"/end", HttpRoute::text("arrived")}});
  ASSERT_TRUE(server.ok());
  auto network = make_network({});
  HttpRequest request;
  request.url = server.url("/r1");

  request.follow_redirects = 0;  // the API's no-follow: the 302 itself is the response
  auto not_followed = network->fetch(request);
  ASSERT_TRUE(not_followed.ok()) << not_followed.error().message;
  EXPECT_EQ(not_followed->status, 302u);
  EXPECT_EQ(header_value(*not_followed, "Location"), "/r2");

  request.follow_redirects = 3;
  auto followed = network->fetch(request);
  ASSERT_TRUE(followed.ok()) << followed.error().message;
  EXPECT_EQ(followed->status, 200u);
  EXPECT_EQ(as_string(followed->body), "arrived");

  request.follow_redirects = 2;  // three hops needed
  auto too_many = network->fetch(request);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message.find("too many redirects"), std::string::npos) << too_many.error().message;

  // follow-all is capped by NetworkOptions::max_redirects.
  NetworkOptions options;
  options.max_redirects = 1;
  request.follow_redirects = UINT32_MAX;
  auto capped = make_network(options)->fetch(request);
  EXPECT_FALSE(capped.ok());
}

// Zed's fetch fails on a 4xx or 5xx status ("failed to fetch '<url>': status code 404 Not
// Found"); its fetch-stream does not look at the status.
TEST(ZedHttpClient, ErrorStatusIsAnErrorForFetchButStreamsForFetchStream) {
  LocalHttpServer server({{"/gone", HttpRoute::text("no such thing", 404)},
                          {"/broken", HttpRoute::text("oops", 500)}});
  ASSERT_TRUE(server.ok());
  auto network = make_network({});
  HttpRequest request;
  request.url = server.url("/gone");
  auto response = network->fetch(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().message, "failed to fetch '" + request.url + "': status code 404 Not Found");

  request.url = server.url("/broken");
  auto server_error = network->fetch(request);
  ASSERT_FALSE(server_error.ok());
  EXPECT_NE(server_error.error().message.find("status code 500"), std::string::npos);

  request.url = server.url("/gone");
  auto stream = network->fetch_stream(request);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto chunk = (*stream)->next_chunk();
  ASSERT_TRUE(chunk.ok());
  ASSERT_TRUE(chunk->has_value());
  EXPECT_EQ(as_string(**chunk), "no such thing");
}

TEST(ZedHttpClient, SlowServerTimesOut) {
  HttpRoute slow = HttpRoute::text("late");
  slow.delay = std::chrono::milliseconds(3000);
  LocalHttpServer server({{"/slow", slow}});
  ASSERT_TRUE(server.ok());
  NetworkOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  HttpRequest request;
  request.url = server.url("/slow");
  auto response = make_network(options)->fetch(request);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("timed out after 200 ms"), std::string::npos) << response.error().message;
}

TEST(ZedHttpClient, BodyOverTheCapIsRefusedWithOrWithoutContentLength) {
  HttpRoute big = HttpRoute::text(std::string(10'000, 'x'));
  HttpRoute big_chunked = big;
  big_chunked.chunked = true;
  big_chunked.chunk_size = 512;
  LocalHttpServer server({{"/big", big}, {"/big-chunked", big_chunked}, {"/fits", HttpRoute::text(std::string(1000, 'y'))}});
  ASSERT_TRUE(server.ok());
  NetworkOptions options;
  options.max_response_bytes = 1000;
  auto network = make_network(options);
  for (const char* path : {"/big", "/big-chunked"}) {
    HttpRequest request;
    request.url = server.url(path);
    auto response = network->fetch(request);
    ASSERT_FALSE(response.ok()) << path;
    EXPECT_NE(response.error().message.find("exceeds the limit of 1000 bytes"), std::string::npos)
        << response.error().message;
    auto stream = network->fetch_stream(request);
    if (stream.ok()) {  // headers may arrive first: then reading fails before 1000 bytes pass
      uint64_t total = 0;
      Result<std::optional<std::vector<uint8_t>>> chunk = std::optional<std::vector<uint8_t>>();
      while ((chunk = (*stream)->next_chunk()).ok() && chunk->has_value()) total += (*chunk)->size();
      EXPECT_FALSE(chunk.ok()) << path;
      EXPECT_LE(total, 1000u);
    }
  }
  HttpRequest request;
  request.url = server.url("/fits");
  auto fits = network->fetch(request);
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->body.size(), 1000u);
}

TEST(ZedHttpClient, FetchStreamChunksReassembleTheBody) {
  std::string body = patterned_body(300'000);
  HttpRoute route = HttpRoute::text(body);
  route.chunked = true;
  route.chunk_size = 4096;
  LocalHttpServer server({{"/stream", route}});
  ASSERT_TRUE(server.ok());
  HttpRequest request;
  request.url = server.url("/stream");
  auto stream = make_network({})->fetch_stream(request);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  std::string received;
  size_t chunks = 0;
  for (;;) {
    auto chunk = (*stream)->next_chunk();
    ASSERT_TRUE(chunk.ok()) << chunk.error().message;
    if (!chunk->has_value()) break;
    received.append((*chunk)->begin(), (*chunk)->end());
    ++chunks;
  }
  EXPECT_EQ(received, body);
  EXPECT_GT(chunks, 1u);
  // After the end, the stream stays at its end.
  auto after = (*stream)->next_chunk();
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

TEST(ZedHttpClient, DroppingAStreamHalfWayIsFine) {
  HttpRoute route = HttpRoute::text(patterned_body(1 << 20));
  route.chunk_size = 1024;
  LocalHttpServer server({{"/long", route}});
  ASSERT_TRUE(server.ok());
  HttpRequest request;
  request.url = server.url("/long");
  auto stream = make_network({})->fetch_stream(request);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto chunk = (*stream)->next_chunk();
  ASSERT_TRUE(chunk.ok());
  EXPECT_TRUE(chunk->has_value());
  stream->reset();  // the server sees the connection close; nothing hangs
}

TEST(ZedHttpClient, AStreamHeldOpenDoesNotBlockOtherRequests) {
  HttpRoute route = HttpRoute::text(patterned_body(4 << 20));
  LocalHttpServer server({{"/long", route}, {"/short", HttpRoute::text("short")}});
  ASSERT_TRUE(server.ok());
  auto network = make_network({});
  HttpRequest long_request;
  long_request.url = server.url("/long");
  auto stream = network->fetch_stream(long_request);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  HttpRequest short_request;
  short_request.url = server.url("/short");
  auto response = network->fetch(short_request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(as_string(response->body), "short");
  auto chunk = (*stream)->next_chunk();
  ASSERT_TRUE(chunk.ok()) << chunk.error().message;
  EXPECT_TRUE(chunk->has_value());
}

TEST(ZedHttpClient, OnlyHttpAndHttpsAreFetched) {
  auto network = make_network({});
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", ""}) {
    HttpRequest request;
    request.url = url;
    auto response = network->fetch(request);
    EXPECT_FALSE(response.ok()) << url;
  }
}

TEST(ZedHttpClient, RedirectToAnotherSchemeIsNotFollowed) {
  LocalHttpServer server({{"/to-file", HttpRoute::redirect("file:///etc/passwd")}});
  ASSERT_TRUE(server.ok());
  HttpRequest request;
  request.url = server.url("/to-file");
  request.follow_redirects = 5;
  auto response = make_network({})->fetch(request);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("http and https"), std::string::npos) << response.error().message;
}

TEST(ZedHttpClient, HeaderWithALineBreakIsRefused) {
  LocalHttpServer server({{"/x", HttpRoute::text("x")}});
  ASSERT_TRUE(server.ok());
  HttpRequest request;
  request.url = server.url("/x");
  request.headers = {{"X-Evil", "a\r\nHost: elsewhere"}};
  auto response = make_network({})->fetch(request);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("invalid header"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST(ZedHttpClient, ConnectionRefusedIsAnError) {
  uint16_t port;
  {
    LocalHttpServer server;
    ASSERT_TRUE(server.ok());
    port = server.port();
  }
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto response = make_network({})->fetch(request);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("GET http://127.0.0.1"), std::string::npos) << response.error().message;
}

}  // namespace
}  // namespace ironclad::zed
