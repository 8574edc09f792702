// The editor side of the host API: the worktree, project and key-value-store resources,
// get-settings and set-language-server-installation-status.
#include "zed/host_api.h"
#include "zed/settings.h"

namespace ironclad::zed {
namespace {

using Args = std::vector<ComponentValue>;

const char* status_name(uint32_t discriminant) {
  switch (discriminant) {
    case 0: return "none";
    case 1: return "downloading";
    case 2: return "checking-for-update";
    default: return "failed";
  }
}

Result<void> open_kv(HostApiState& s) {
  if (s.kv) return {};
  std::error_code ec;
  std::filesystem::create_directories(s.kv_path.parent_path(), ec);
  auto db = host::sqlite::Database::open(s.kv_path.string(), s.kv_path.string());
  if (!db.ok()) return std::move(db.failure().error);
  if (auto e = db.value().exec(
          "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"))
    return std::move(e->error);
  s.kv = std::move(db.value());
  return {};
}

}  // namespace

void define_worktree_api(ComponentLinker& linker, const std::shared_ptr<HostApiState>& state) {
  HostApiState* s = state.get();
  s->worktree_type = linker.define_resource("", "worktree");
  s->project_type = linker.define_resource("", "project");
  s->key_value_store_type = linker.define_resource("", "key-value-store");

  // Every worktree method gets its worktree first; an unknown handle is a trap (the canonical
  // ABI checked the handle's type; its rep is ours).
  auto method = [&](const char* name, auto body) {
    linker.define_function("", std::string("[method]worktree.") + name,
                           [s, body, name](Args& args) -> HostResult {
                             const Worktree* w = args.empty() ? nullptr : s->worktree(args[0].rep());
                             if (!w)
                               return Error::make(ErrorKind::Trap,
                                                  std::string("worktree.") + name +
                                                      ": unknown worktree handle");
                             return body(*w, args);
                           });
  };
  method("id", [](const Worktree& w, Args&) { return answer(ComponentValue::u64(w.id)); });
  method("root-path",
         [](const Worktree& w, Args&) { return answer(ComponentValue::string(w.root.string())); });
  method("read-text-file", [](const Worktree& w, Args& args) -> HostResult {
    if (args.size() < 2) return err_string("read-text-file: no path");
    auto text = read_worktree_file(w, args[1].text);
    if (!text.ok()) return err_string(text.error().message);
    return ok_string(std::move(*text));
  });
  method("which", [](const Worktree& w, Args& args) -> HostResult {
    auto found = args.size() < 2 ? std::nullopt : worktree_which(w, args[1].text);
    if (!found) return answer(ComponentValue::none());
    return answer(ComponentValue::some(ComponentValue::string(*found)));
  });
  method("shell-env",
         [](const Worktree& w, Args&) { return answer(env_vars_value(w.shell_env)); });

  linker.define_function("", "[method]project.worktree-ids", [s](Args&) -> HostResult {
    std::vector<ComponentValue> ids;
    for (const Worktree& w : s->worktrees) ids.push_back(ComponentValue::u64(w.id));
    return answer(ComponentValue::list(std::move(ids)));
  });

  linker.define_function("", "[method]key-value-store.insert", [s](Args& args) -> HostResult {
    if (args.size() < 3) return err_string("key-value-store.insert: missing arguments");
    if (auto opened = open_kv(*s); !opened.ok()) return err_string(opened.error().message);
    auto stmt = s->kv->prepare("INSERT OR REPLACE INTO kv (key, value) VALUES (?1, ?2)",
                               "key-value-store insert");
    if (!stmt.ok()) return err_string(stmt.failure().error.message);
    stmt.value().bind(1, args[1].text).bind(2, args[2].text);
    if (auto e = stmt.value().run()) return err_string(e->error.message);
    return answer(ComponentValue::ok());
  });

  // get-settings(path: option<settings-location>, category: string, key: option<string>)
  linker.define_function("", "get-settings", [s](Args& args) -> HostResult {
    if (args.size() < 3) return err_string("get-settings: missing arguments");
    std::optional<std::string> key;
    if (args[2].discriminant() == 1 && args[2].payload()) key = args[2].payload()->text;
    auto text = settings_for(s->settings, args[1].text, key);
    if (!text.ok()) return err_string(text.error().message);
    return ok_string(std::move(*text));
  });

  linker.define_function(
      "", "set-language-server-installation-status", [s](Args& args) -> HostResult {
        if (args.size() < 2) return std::optional<ComponentValue>{};
        std::string status = status_name(args[1].discriminant());
        if (status == "failed" && args[1].payload()) status += ": " + args[1].payload()->text;
        s->emit(ZedEventKind::InstallationStatus,
                "language server '" + args[0].text + "': " + status, args[0].text, status);
        return std::optional<ComponentValue>{};
      });
}

}  // namespace ironclad::zed
