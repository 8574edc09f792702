// The network side of the host API, through the Network interface (network.h): download-file
// (capability download-file, by host), github's release calls and http-client. Without a
// Network every call answers that network access is not available.
#include "zed/host_api.h"

namespace ironclad::zed {
namespace {

using Args = std::vector<ComponentValue>;
constexpr const char* kNoNetwork = "network access is not available in this host";

ComponentValue release_value(const GithubRelease& r) {
  std::vector<ComponentValue> assets;
  for (const GithubReleaseAsset& a : r.assets)
    assets.push_back(ComponentValue::record(
        {ComponentValue::string(a.name), ComponentValue::string(a.download_url)}));
  return ComponentValue::record(
      {ComponentValue::string(r.version), ComponentValue::list(std::move(assets))});
}

HostResult release_answer(Result<GithubRelease> r) {
  if (!r.ok()) return err_string(r.error().message);
  return answer(ComponentValue::ok(release_value(*r)));
}

// http-request { method, url, headers, body: option<list<u8>>, redirect-policy }
HttpRequest request_of(const ComponentValue& v, uint32_t max_redirects) {
  HttpRequest req;
  if (v.items.size() < 5) return req;
  req.method = static_cast<HttpMethod>(std::min<uint32_t>(v.items[0].discriminant(), 6));
  req.url = v.items[1].text;
  req.headers = env_vars_of(v.items[2]);
  if (v.items[3].discriminant() == 1 && v.items[3].payload()) {
    std::vector<uint8_t> body;
    for (const ComponentValue& b : v.items[3].payload()->items)
      body.push_back(static_cast<uint8_t>(b.bits));
    req.body = std::move(body);
  }
  const ComponentValue& redirect = v.items[4];
  switch (redirect.discriminant()) {
    case 0: req.follow_redirects = 0; break;
    case 1: req.follow_redirects = redirect.payload() ? redirect.payload()->as_u32() : 0; break;
    default: req.follow_redirects = max_redirects; break;
  }
  return req;
}

ComponentValue bytes_value(const std::vector<uint8_t>& data) {
  std::vector<ComponentValue> items;
  items.reserve(data.size());
  for (uint8_t b : data) items.push_back(ComponentValue::u8(b));
  return ComponentValue::list(std::move(items));
}

}  // namespace

void define_network_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state) {
  HostApiState* s = state.get();

  // download-file(url, file-path, file-type: enum {gzip, gzip-tar, zip, uncompressed})
  define_both(linker, "", "download-file", [s](Args& args) -> HostResult {
    if (args.size() < 3) return err_string("download-file: missing arguments");
    const std::string& url = args[0].text;
    std::string denial;
    if (!s->allowed({ZedCapabilityKind::DownloadFile, url_host(url)}, &denial))
      return err_string(denial);
    if (!s->network) return err_string(kNoNetwork);
    if (auto path = inside_work_dir(*s, args[1].text); !path.ok())
      return err_string("download-file: " + path.error().message);
    std::error_code ec;
    std::filesystem::create_directories(s->work_dir, ec);
    auto type = static_cast<DownloadedFileType>(std::min<uint32_t>(args[2].discriminant(), 3));
    auto r = s->network->download_file(url, s->work_dir, args[1].text, type);
    if (!r.ok()) return err_string(r.error().message);
    return answer(ComponentValue::ok());
  });

  define_both(linker, "github", "latest-github-release", [s](Args& args) -> HostResult {
    if (args.size() < 2 || args[1].items.size() < 2)
      return err_string("latest-github-release: missing arguments");
    if (!s->network) return err_string(kNoNetwork);
    return release_answer(s->network->latest_github_release(
        args[0].text, args[1].items[0].as_bool(), args[1].items[1].as_bool()));
  });
  define_both(linker, "github", "github-release-by-tag-name", [s](Args& args) -> HostResult {
    if (args.size() < 2) return err_string("github-release-by-tag-name: missing arguments");
    if (!s->network) return err_string(kNoNetwork);
    return release_answer(s->network->github_release_by_tag_name(args[0].text, args[1].text));
  });

  const std::string http = "zed:extension/http-client";
  s->response_stream_type = linker.define_resource(
      http, "http-response-stream", [s](uint32_t rep) { s->streams.erase(rep); });
  linker.define_function(http, "fetch", [s](Args& args) -> HostResult {
    if (args.empty()) return err_string("fetch: no request");
    if (!s->network) return err_string(kNoNetwork);
    auto r = s->network->fetch(request_of(args[0], 20));
    if (!r.ok()) return err_string(r.error().message);
    return answer(ComponentValue::ok(
        ComponentValue::record({env_vars_value(r->headers), bytes_value(r->body)})));
  });
  linker.define_function(http, "fetch-stream", [s](Args& args) -> HostResult {
    if (args.empty()) return err_string("fetch-stream: no request");
    if (!s->network) return err_string(kNoNetwork);
    auto r = s->network->fetch_stream(request_of(args[0], 20));
    if (!r.ok()) return err_string(r.error().message);
    uint32_t rep = s->next_stream++;
    s->streams[rep] = std::move(*r);
    return answer(ComponentValue::ok(ComponentValue::own(s->response_stream_type, rep)));
  });
  linker.define_function(
      http, "[method]http-response-stream.next-chunk", [s](Args& args) -> HostResult {
        auto it = args.empty() ? s->streams.end() : s->streams.find(args[0].rep());
        if (it == s->streams.end())
          return Error::make(ErrorKind::Trap, "http-response-stream: unknown handle");
        auto chunk = it->second->next_chunk();
        if (!chunk.ok()) return err_string(chunk.error().message);
        if (!*chunk) return answer(ComponentValue::ok(ComponentValue::none()));
        return answer(ComponentValue::ok(ComponentValue::some(bytes_value(**chunk))));
      });
}

}  // namespace ironclad::zed
