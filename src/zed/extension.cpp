#include "zed/extension.h"

#include "component/instance.h"

namespace ironclad::zed {
namespace {

bool is_deadline(const Error& e) { return e.kind == ErrorKind::Timeout; }

// Exports whose second call with the same arguments is harmless: after a restart (a CPU
// fault demoted the extension) they are called again on the new instance.
bool is_idempotent(std::string_view name) {
  return name.rfind("language-server-", 0) == 0 || name.rfind("labels-for-", 0) == 0 ||
         name == "context-server-command" || name == "context-server-configuration" ||
         name == "dap-request-kind";
}

}  // namespace

ZedExtensionImpl::ZedExtensionImpl(LoadedExtension loaded, std::shared_ptr<HostApiState> state,
                                   std::unique_ptr<host::RecoveringModule> module,
                                   std::chrono::milliseconds call_timeout)
    : loaded_(std::move(loaded)),
      state_(std::move(state)),
      module_(std::move(module)),
      call_timeout_(call_timeout),
      shapes_(shapes_of(loaded_.world_folder)) {}

std::vector<std::string> ZedExtensionImpl::language_servers() const {
  std::vector<std::string> ids;
  for (const ZedLanguageServerDecl& s : loaded_.manifest.language_servers) ids.push_back(s.id);
  return ids;
}

ExtensionStatus ZedExtensionImpl::status() const {
  ExtensionStatus s = module_->status();
  s.id = id();
  s.name = name();
  s.version = version();
  return s;
}

std::vector<std::string> ZedExtensionImpl::export_names() const {
  auto* inst = module_->component_instance();
  return inst ? inst->function_names() : std::vector<std::string>{};
}

Result<const component::FuncType*> ZedExtensionImpl::export_type(std::string_view export_name) {
  if (!module_->component_instance() && !module_->disabled())
    IRONCLAD_TRY(module_->fresh_instance());
  auto* inst = module_->component_instance();
  if (!inst)
    return Error::make(ErrorKind::ExtensionDisabled,
                       "extension '" + id() + "' is disabled: " + module_->status().reason);
  auto f = inst->find_function(export_name);
  if (!f.ok() || !(*f)->type) {
    std::string names;
    for (const std::string& n : inst->function_names()) names += (names.empty() ? "" : ", ") + n;
    return Error::make(ErrorKind::Usage, "extension '" + id() + "' has no export '" +
                                             std::string(export_name) + "'; its exports are " +
                                             names);
  }
  return (*f)->type;
}

Error ZedExtensionImpl::timed_out(std::string_view export_name, const Error& e) {
  std::string message = "extension '" + id() + "': " + std::string(export_name) +
                        " passed its deadline of " + std::to_string(call_timeout_.count()) +
                        " ms and was stopped (" + e.message + ")";
  // Its instance stopped somewhere in its own code: its state may be half-mutated.
  auto fresh = module_->fresh_instance();
  initialized_instance_ = nullptr;
  message += fresh.ok() ? "; the extension has a fresh instance"
                        : "; no fresh instance: " + fresh.error().message;
  state_->emit(ZedEventKind::Timeout, message, std::string(export_name));
  return Error::make(ErrorKind::Timeout, message);
}

Result<void> ZedExtensionImpl::ensure_initialized() {
  if (module_->disabled()) return {};  // the call itself says so
  if (!module_->component_instance()) IRONCLAD_TRY(module_->fresh_instance());
  const void* current = module_->component_instance();
  if (current == initialized_instance_) return {};
  auto r = module_->call_component("init-extension", {}, /*idempotent=*/true);
  if (!r.ok()) {
    if (is_deadline(r.error())) return timed_out("init-extension", r.error());
    return Error::make(r.error().kind,
                       "extension '" + id() + "': init-extension failed: " + r.error().message);
  }
  initialized_instance_ = module_->component_instance();
  return {};
}

Result<void> ZedExtensionImpl::init() { return ensure_initialized(); }

Result<std::optional<ComponentValue>> ZedExtensionImpl::call_once(
    std::string_view export_name, std::vector<ComponentValue> args) {
  if (export_name != "init-extension") IRONCLAD_TRY(ensure_initialized());
  auto r = module_->call_component(export_name, std::move(args), /*idempotent=*/false);
  if (!r.ok() && is_deadline(r.error())) return timed_out(export_name, r.error());
  if (export_name == "init-extension" && r.ok())
    initialized_instance_ = module_->component_instance();
  return r;
}

Result<std::optional<ComponentValue>> ZedExtensionImpl::call(std::string_view export_name,
                                                             std::vector<ComponentValue> args) {
  // A restart (CPU fault, engine fault) leaves a new instance without init-extension's
  // registration: an idempotent export is called again there, after init, a bounded number
  // of times (each restart moves down the ladder or towards disabling).
  for (int attempt = 0;; ++attempt) {
    auto r = call_once(export_name, args);
    if (r.ok() || r.error().kind != ErrorKind::ExtensionRestarted || attempt >= 3 ||
        !is_idempotent(export_name))
      return r;
  }
}

Result<ComponentValue> ZedExtensionImpl::worktree_handle(uint64_t worktree_id) {
  IRONCLAD_TRY(ensure_initialized());
  for (size_t i = 0; i < state_->worktrees.size(); ++i)
    if (state_->worktrees[i].id == worktree_id)
      return ComponentValue::borrow(state_->worktree_type, static_cast<uint32_t>(i + 1));
  return Error::make(ErrorKind::Usage, "no worktree with id " + std::to_string(worktree_id));
}

Result<ComponentValue> ZedExtensionImpl::project_handle() {
  IRONCLAD_TRY(ensure_initialized());
  return ComponentValue::borrow(state_->project_type, 1);
}

Result<ZedAnswer<ZedCommand>> ZedExtensionImpl::language_server_command(
    const std::string& server_id, uint64_t worktree_id) {
  const ZedLanguageServerDecl* decl = loaded_.manifest.find_language_server(server_id);
  if (!decl)
    return Error::make(ErrorKind::Usage, "extension '" + id() + "' declares no language server '" +
                                             server_id + "' in " +
                                             loaded_.manifest.file.string());
  ComponentValue server = ComponentValue::string(server_id);
  if (shapes_.server_as_config_record) {
    std::string language = decl->languages.empty() ? "" : decl->languages.front();
    server = ComponentValue::record(
        {ComponentValue::string(server_id), ComponentValue::string(language)});
  }
  for (int attempt = 0;; ++attempt) {
    IRONCLAD_TRY_ASSIGN(ComponentValue worktree, worktree_handle(worktree_id));
    auto r = call_once("language-server-command", {server, worktree});
    if (!r.ok() && r.error().kind == ErrorKind::ExtensionRestarted && attempt < 3) continue;
    if (!r.ok()) return std::move(r).error();
    ZedAnswer<ZedCommand> answer;
    const ComponentValue* v = *r ? &**r : nullptr;
    if (!v || v->kind != ComponentValueKind::Result || !v->payload())
      return Error::make(ErrorKind::Internal, "language-server-command: no result");
    if (v->discriminant() == 1) {
      answer.extension_error = v->payload()->text;
      return answer;
    }
    const ComponentValue& cmd = *v->payload();
    if (cmd.items.size() < 3)
      return Error::make(ErrorKind::Internal, "language-server-command: bad command record");
    ZedCommand c;
    c.command = cmd.items[0].text;
    for (const ComponentValue& a : cmd.items[1].items) c.args.push_back(a.text);
    c.env = env_vars_of(cmd.items[2]);
    answer.value = std::move(c);
    return answer;
  }
}

}  // namespace ironclad::zed
