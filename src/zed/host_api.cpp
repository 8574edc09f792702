#include "zed/host_api.h"

namespace ironclad::zed {

void HostApiState::emit(ZedEventKind kind, std::string message, std::string subject,
                        std::string detail) const {
  if (!on_event) return;
  ZedEvent e;
  e.kind = kind;
  e.extension_id = extension_id;
  e.message = std::move(message);
  e.subject = std::move(subject);
  e.detail = std::move(detail);
  on_event(e);
}

bool HostApiState::allowed(const CapabilityRequest& request, std::string* denial) const {
  if (capabilities.allows(extension_id, request)) return true;
  std::string what = to_string(request);
  *denial = "capability denied: " + what + " (not granted to extension '" + extension_id + "')";
  emit(ZedEventKind::CapabilityDenied,
       "extension '" + extension_id + "' was denied " + what, what);
  return false;
}

const Worktree* HostApiState::worktree(uint32_t rep) const {
  if (rep == 0 || rep > worktrees.size()) return nullptr;
  return &worktrees[rep - 1];
}

ComponentValue env_vars_value(const EnvVars& env) {
  std::vector<ComponentValue> items;
  for (const auto& [k, v] : env)
    items.push_back(ComponentValue::tuple({ComponentValue::string(k), ComponentValue::string(v)}));
  return ComponentValue::list(std::move(items));
}

EnvVars env_vars_of(const ComponentValue& list) {
  EnvVars env;
  for (const ComponentValue& t : list.items)
    if (t.items.size() == 2) env.emplace_back(t.items[0].text, t.items[1].text);
  return env;
}

void define_both(ComponentLinker& linker, const std::string& iface, const std::string& name,
                 ComponentHostFunction fn) {
  if (!iface.empty()) linker.define_function("zed:extension/" + iface, name, fn);
  linker.define_function("", name, std::move(fn));
}

Result<std::filesystem::path> inside_work_dir(const HostApiState& s, const std::string& path) {
  std::filesystem::path rel(path);
  auto refuse = [&](const char* why) {
    return Error::make(ErrorKind::Usage, "path '" + path + "' " + why);
  };
  if (path.empty()) return refuse("is empty");
  if (rel.is_absolute()) return refuse("is absolute: only paths in the extension's work directory");
  for (const auto& part : rel)
    if (part == "..") return refuse("leaves the extension's work directory ('..')");
  return s.work_dir / rel;
}

void define_host_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state) {
  state->streams.clear();
  define_worktree_api(linker, state);
  define_system_api(linker, state);
  define_network_api(linker, state);
}

}  // namespace ironclad::zed
