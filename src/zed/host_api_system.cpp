// The system side of the host API: current-platform, make-file-executable, process
// run-command (capability process:exec) and nodejs (npm-install-package: npm:install).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "zed/host_api.h"
#include "zed/process_runner.h"

namespace ironclad::zed {
namespace {

using Args = std::vector<ComponentValue>;

ComponentValue bytes_value(const std::string& data) {
  std::vector<ComponentValue> items;
  items.reserve(data.size());
  for (unsigned char c : data) items.push_back(ComponentValue::u8(c));
  return ComponentValue::list(std::move(items));
}

// The host's environment with `overrides` on top (a child inherits what Zed's does).
EnvVars child_env(const EnvVars& overrides) {
  EnvVars env = current_environment();
  for (const auto& [k, v] : overrides) {
    bool replaced = false;
    for (auto& [ek, ev] : env)
      if (ek == k) ev = v, replaced = true;
    if (!replaced) env.emplace_back(k, v);
  }
  return env;
}

std::string host_path() {
  const char* p = std::getenv("PATH");
  return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t start = s.find_first_not_of(" \n\r\"");
  s = start == std::string::npos ? "" : s.substr(start);
  while (!s.empty() && s.back() == '"') s.pop_back();
  return s;
}

// Runs npm with `args` in the work directory; the error string on failure.
Result<std::string> run_npm(const HostApiState& s, std::vector<std::string> args) {
  ProcessRequest req;
  req.program = "npm";
  req.args = std::move(args);
  req.env = child_env({});
  std::error_code ec;
  std::filesystem::create_directories(s.work_dir, ec);
  req.cwd = s.work_dir.string();
  req.timeout = s.process_timeout;
  auto out = run_process(req);
  if (!out.ok()) return out.error();
  if (out->timed_out) return Error::make(ErrorKind::Io, "npm timed out");
  if (out->status != 0)
    return Error::make(ErrorKind::Io, "npm " + req.args[0] + " failed: " + out->stderr_text);
  return std::move(out->stdout_text);
}

// A TCP port free on 127.0.0.1 now (bound to port 0, then released), as Zed picks one for a
// debug adapter's template without a port; 0 when none could be had.
uint16_t free_local_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace

void define_system_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state) {
  HostApiState* s = state.get();
  define_both(linker, "platform", "current-platform", [](Args&) -> HostResult {
    // os {mac, linux, windows}, architecture {aarch64, x86, x8664}: this host is x86-64 Linux.
    return answer(ComponentValue::tuple(
        {ComponentValue::enumeration(1), ComponentValue::enumeration(2)}));
  });

  define_both(linker, "", "make-file-executable", [s](Args& args) -> HostResult {
    if (args.empty()) return err_string("make-file-executable: no path");
    auto path = inside_work_dir(*s, args[0].text);
    if (!path.ok()) return err_string(path.error().message);
    struct stat st;
    if (::lstat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return err_string("make-file-executable: '" + args[0].text +
                        "' is not a regular file in the extension's work directory");
    if (::chmod(path->c_str(), (st.st_mode & 07777) | 0755) != 0)
      return err_string("make-file-executable: chmod failed for '" + args[0].text + "'");
    return answer(ComponentValue::ok());
  });

  // run-command(command: record { command, args, env }) -> result<output, string>
  define_both(linker, "process", "run-command", [s](Args& args) -> HostResult {
    if (args.empty() || args[0].items.size() < 3) return err_string("run-command: bad command");
    const ComponentValue& cmd = args[0];
    std::string denial;
    if (!s->allowed({ZedCapabilityKind::ProcessExec, cmd.items[0].text}, &denial))
      return err_string(denial);
    ProcessRequest req;
    req.program = cmd.items[0].text;
    for (const ComponentValue& a : cmd.items[1].items) req.args.push_back(a.text);
    req.env = child_env(env_vars_of(cmd.items[2]));
    req.timeout = s->process_timeout;
    auto out = run_process(req);
    if (!out.ok()) return err_string(out.error().message);
    ComponentValue status = out->status ? ComponentValue::some(ComponentValue::s32(*out->status))
                                        : ComponentValue::none();
    return answer(ComponentValue::ok(ComponentValue::record(
        {status, bytes_value(out->stdout_text), bytes_value(out->stderr_text)})));
  });

  // dap.resolve-tcp-template(tcp-arguments-template {port, host, timeout: option}) ->
  // result<tcp-arguments {port: u16, host: u32, timeout: option<u64>}, string>
  define_both(linker, "dap", "resolve-tcp-template", [](Args& args) -> HostResult {
    if (args.empty() || args[0].items.size() < 3) return err_string("resolve-tcp-template: bad template");
    const ComponentValue& t = args[0];
    uint16_t port = t.items[0].payload() ? static_cast<uint16_t>(t.items[0].payload()->bits)
                                         : free_local_port();
    if (port == 0) return err_string("resolve-tcp-template: no free TCP port on 127.0.0.1");
    uint32_t host = t.items[1].payload() ? t.items[1].payload()->as_u32() : 0x7f000001u;
    return answer(ComponentValue::ok(ComponentValue::record(
        {ComponentValue::u16(port), ComponentValue::u32(host), t.items[2]})));
  });

  define_both(linker, "nodejs", "node-binary-path", [](Args&) -> HostResult {
    auto node = find_in_path("node", host_path());
    if (!node) return err_string("node-binary-path: no node on this host's PATH");
    return ok_string(*node);
  });
  define_both(linker, "nodejs", "npm-package-latest-version", [s](Args& args) -> HostResult {
    if (args.empty() || args[0].text.empty() || args[0].text[0] == '-')
      return err_string("npm-package-latest-version: not a package name");
    auto out = run_npm(*s, {"view", args[0].text, "version"});
    if (!out.ok()) return err_string(out.error().message);
    return ok_string(trim(*out));
  });
  define_both(linker, "nodejs", "npm-package-installed-version", [s](Args& args) -> HostResult {
    if (args.empty()) return err_string("npm-package-installed-version: no package");
    auto dir = inside_work_dir(*s, "node_modules/" + args[0].text);
    if (!dir.ok()) return err_string(dir.error().message);
    std::ifstream in(*dir / "package.json");
    if (!in) return answer(ComponentValue::ok(ComponentValue::none()));
    std::stringstream text;
    text << in.rdbuf();
    auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("version") || !j["version"].is_string())
      return err_string("npm-package-installed-version: " + args[0].text +
                        "/package.json has no version");
    return answer(ComponentValue::ok(
        ComponentValue::some(ComponentValue::string(j["version"].get<std::string>()))));
  });
  define_both(linker, "nodejs", "npm-install-package", [s](Args& args) -> HostResult {
    if (args.size() < 2 || args[0].text.empty() || args[0].text[0] == '-')
      return err_string("npm-install-package: not a package name");
    std::string denial;
    if (!s->allowed({ZedCapabilityKind::NpmInstall, args[0].text}, &denial))
      return err_string(denial);
    auto out = run_npm(*s, {"install", "--save-exact", "--prefix", s->work_dir.string(),
                            args[0].text + "@" + args[1].text});
    if (!out.ok()) return err_string(out.error().message);
    return answer(ComponentValue::ok());
  });
}

}  // namespace ironclad::zed
