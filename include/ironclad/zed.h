// Running Zed's extensions (docs/zed.md): what a Zed-like application includes. A ZedHost
// loads extension directories as Zed publishes them (extension.toml + extension.wasm, a
// component built against one of the zed:extension worlds 0.0.1 .. 0.8.0), binds the host
// API their world imports, and calls their exports on the recovery ladder of
// extension_host.h, under a deadline per call and a memory cap per extension, granting only
// the capabilities the embedder allows.
//
// Nothing here throws, aborts or exits: errors are values. Not thread-safe: one thread uses a
// ZedHost and its extensions at a time (events arrive on that thread, during the call).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ironclad/component.h"
#include "ironclad/error.h"
#include "ironclad/extension_host.h"

namespace ironclad {

namespace zed {
class Network;  // src/zed/network.h: HTTP, GitHub releases, downloads
}

using ZedEnvVars = std::vector<std::pair<std::string, std::string>>;

// A call that passed its deadline fails with a Timeout error (the extension then has a fresh
// instance); a memory refusal is not an error of the call (memory.grow returns -1).
inline bool is_zed_timeout(const Error& e) { return e.kind == ErrorKind::Timeout; }

// A worktree the host shows extensions: an id, a root, the environment of a shell there
// (what `shell-env` answers and `which` searches).
struct ZedWorktree {
  uint64_t id = 0;
  std::filesystem::path root;
  ZedEnvVars shell_env;
};

enum class ZedCapabilityKind : uint8_t { ProcessExec, DownloadFile, NpmInstall };
const char* to_string(ZedCapabilityKind kind);  // "process:exec", "download-file", "npm:install"

// What an extension asked to do: run `target` (a command), download from `target` (a host),
// npm-install `target` (a package).
struct ZedCapabilityRequest {
  ZedCapabilityKind kind = ZedCapabilityKind::ProcessExec;
  std::string target;
};
std::string to_string(const ZedCapabilityRequest& request);  // "process:exec:node"

enum class ZedEventKind : uint8_t {
  InstallationStatus,  // set-language-server-installation-status: subject = server, detail
  CapabilityDenied,    // a call was refused: subject = "process:exec:node"
  Timeout,             // a call passed its deadline; the extension got a fresh instance
  MemoryRefused,       // memory.grow / table.grow refused at the memory cap during a call
  Warning,             // manifest keys this host does not know, and the like
  Host,                // an event of the recovery ladder (loaded, restarted, disabled, ...)
};
const char* to_string(ZedEventKind kind);

struct ZedEvent {
  ZedEventKind kind = ZedEventKind::Warning;
  std::string extension_id;
  std::string message;  // a sentence for the user
  std::string subject;  // the language server, the capability
  std::string detail;   // the installation status ("downloading", "failed: why", ...)
};

struct ZedHostConfig {
  // Quarantine, crash reports, compiled code, and each extension's own directory
  // <data_dir>/zed/<id>/ (its work directory `work/` and key-value store `kv.sqlite`).
  // Empty: as HostConfig::data_dir.
  std::filesystem::path data_dir;
  // "auto" = "tiered" (start interpreted, compile called functions in the background), "jit"
  // (the whole module before it runs), "interp" (docs/tiering.md).
  std::string tier = "auto";
  std::string policy = "conservative";
  std::string emulate_cpu;  // a CPU profile to emulate (docs/emulation.md); "" = none
  // Wall-clock time one call may take; past it the call fails (is_zed_timeout) and the
  // extension gets a fresh instance. 0: no deadline.
  std::chrono::milliseconds call_timeout{5000};
  // What one extension's instance may hold in memories and tables together; memory.grow past
  // it fails (-1), which a Rust extension turns into a trap.
  uint64_t max_memory_bytes = uint64_t{512} << 20;
  // Capabilities granted to every extension: "process:exec:COMMAND", "download-file:HOST",
  // "npm:install:PACKAGE"; a target may be `*` or end in `*`.
  std::vector<std::string> grants;
  // Asked for a request no grant covers (on the calling thread; it must not call the host).
  // Null: denied.
  std::function<bool(const std::string& extension_id, const ZedCapabilityRequest&)>
      on_capability_request;
  // Zed-shaped settings as JSON text ({"lsp": {...}, "context_servers": {...}}); "" = {}.
  std::string settings_json;
  // The project's worktrees (the first is the one lsp calls use unless told otherwise).
  std::vector<ZedWorktree> worktrees;
  // HTTP, GitHub and downloads. Null: those calls return "network access is not available".
  std::shared_ptr<zed::Network> network;
  // Time a process the extension runs (run-command, npm) may take.
  std::chrono::milliseconds process_timeout{60'000};
  bool write_crash_reports = true;
  // At most one limit report (a timeout, a memory refusal) per extension version and kind in
  // this time (HostConfig::limit_report_interval); 0: a report every time.
  std::chrono::seconds limit_report_interval{3600};
  bool code_cache = true;
  // The JIT's optimisation level, 0..3 (tests that only need code to run use 0).
  int jit_opt_level = 2;
  std::function<void(const ZedEvent&)> on_event;
};

struct ZedCommand {
  std::string command;
  std::vector<std::string> args;
  ZedEnvVars env;
};

// An answer of the extension: a value, or the error string it returned (`result::err`).
template <typename T>
struct ZedAnswer {
  std::optional<T> value;
  std::string extension_error;  // set when `value` is empty
};

class ZedExtension {
 public:
  virtual ~ZedExtension() = default;
  virtual const std::string& id() const = 0;
  virtual const std::string& name() const = 0;
  virtual const std::string& version() const = 0;
  virtual std::string api_version() const = 0;          // "0.6.0", from zed:api-version
  virtual const std::string& world_folder() const = 0;  // "since_v0.6.0"
  virtual std::vector<std::string> language_servers() const = 0;  // the manifest's ids
  virtual ExtensionStatus status() const = 0;                     // tier, rung, incidents
  virtual const std::vector<std::string>& warnings() const = 0;   // from the manifest

  // init-extension.
  virtual Result<void> init() = 0;
  // language-server-command for the server `server_id` in the worktree `worktree_id`.
  virtual Result<ZedAnswer<ZedCommand>> language_server_command(const std::string& server_id,
                                                                uint64_t worktree_id) = 0;
  // Any export, with typed values (see worktree_handle for borrow<worktree> arguments).
  // Errors as host::RecoveringModule's, and timeouts (is_zed_timeout).
  virtual Result<std::optional<ComponentValue>> call(std::string_view export_name,
                                                     std::vector<ComponentValue> args) = 0;
  // A borrow<worktree> argument for `call` (valid until the next fresh instance).
  virtual Result<ComponentValue> worktree_handle(uint64_t worktree_id) = 0;
  // A borrow<project> argument for `call`.
  virtual Result<ComponentValue> project_handle() = 0;
  virtual std::vector<std::string> export_names() const = 0;
};

class ZedHost {
 public:
  static Result<std::unique_ptr<ZedHost>> create(ZedHostConfig config);
  virtual ~ZedHost() = default;
  // Loads one extension directory: manifest, component, API version, instance. Errors name
  // the file and why (a core module where a component belongs says so).
  virtual Result<ZedExtension*> load(const std::filesystem::path& dir) = 0;
  // Every subdirectory with an extension.toml; failures go to `errors` and are skipped.
  virtual std::vector<ZedExtension*> load_all(const std::filesystem::path& dir,
                                              std::vector<Error>* errors = nullptr) = 0;
  virtual ZedExtension* find(std::string_view id) = 0;
};

}  // namespace ironclad
