// The host side of the zed:extension worlds: every function and resource they import, defined
// in a ComponentLinker for one extension. One implementation serves every world version
// (0.0.1 .. 0.8.0): the canonical ABI hands each function its arguments typed as the
// extension's own world declares them, and the shapes that differ between versions are
// positional records with the same fields (download-file's second parameter was renamed,
// not retyped), so each function is defined once, under the top level (worlds up to 0.0.4
// import them there) and under its `zed:extension/<interface>` name (later worlds).
//
// A function that is denied, fails or gets bad input answers the API's error string
// (`result::err`); it never traps the extension for the host's sake.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/sqlite_db.h"
#include "ironclad/component.h"
#include "ironclad/zed.h"
#include "zed/capabilities.h"
#include "zed/network.h"
#include "zed/worktree.h"

namespace ironclad::zed {

// What the host API of one extension works with; shared by every fresh instance's linker.
struct HostApiState {
  std::string extension_id;
  std::filesystem::path work_dir;  // download-file, make-file-executable, npm stay inside
  std::filesystem::path kv_path;   // the key-value store's SQLite file
  std::vector<Worktree> worktrees;
  nlohmann::json settings = nlohmann::json::object();
  CapabilityPolicy capabilities;
  std::shared_ptr<Network> network;
  std::chrono::milliseconds process_timeout{60'000};
  std::function<void(const ZedEvent&)> on_event;

  // The current instance's host resource types (set by define_host_api).
  const ResourceType* worktree_type = nullptr;
  const ResourceType* project_type = nullptr;
  const ResourceType* key_value_store_type = nullptr;
  const ResourceType* response_stream_type = nullptr;
  std::map<uint32_t, std::unique_ptr<HttpResponseStream>> streams;
  uint32_t next_stream = 1;
  std::optional<host::sqlite::Database> kv;

  void emit(ZedEventKind kind, std::string message, std::string subject = "",
            std::string detail = "") const;
  // Whether the capability is granted; a denial is an event. The error string the extension
  // gets when it is not: "capability denied: process:exec:node (not granted ...)".
  bool allowed(const CapabilityRequest& request, std::string* denial) const;
  const Worktree* worktree(uint32_t rep) const;  // rep = index + 1
};

// Defines everything in `linker`; `state` must outlive the instances made with it.
void define_host_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state);

// The parts, one file each.
void define_worktree_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state);
void define_system_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state);
void define_network_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state);

// Helpers for the parts.
using HostResult = Result<std::optional<ComponentValue>>;
inline HostResult answer(ComponentValue v) { return std::optional<ComponentValue>(std::move(v)); }
inline HostResult ok_string(std::string s) {
  return answer(ComponentValue::ok(ComponentValue::string(std::move(s))));
}
inline HostResult err_string(std::string s) {
  return answer(ComponentValue::err(ComponentValue::string(std::move(s))));
}
ComponentValue env_vars_value(const EnvVars& env);
EnvVars env_vars_of(const ComponentValue& list);  // list<tuple<string, string>>
// Defines `name` at the top level and in zed:extension/`iface` ("" = top level only).
void define_both(ComponentLinker& linker, const std::string& iface, const std::string& name,
                 ComponentHostFunction fn);
// A path the extension names inside its work directory: relative, no `..`. Error string else.
Result<std::filesystem::path> inside_work_dir(const HostApiState& s, const std::string& path);

}  // namespace ironclad::zed
