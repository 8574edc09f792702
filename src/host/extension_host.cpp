// ExtensionHost and Extension: manifests, loading, calls serialised per extension, events
// delivered outside every lock. The recovery itself is RecoveringModule's.
#include "ironclad/extension_host.h"

#include <algorithm>
#include <mutex>
#include <system_error>

#include "host/crash_report.h"
#include "host/extension_host_internal.h"
#include "host/hosted_component.h"
#include "host/manifest.h"
#include "host/recovering_module.h"
#include "wasm/module_file.h"

namespace ironclad::host {
namespace {

using EventSink = std::function<void(const HostEvent&)>;

void deliver(const EventSink& sink, std::vector<HostEvent>& events) {
  if (sink)
    for (const HostEvent& e : events) sink(e);
  events.clear();
}

Result<std::shared_ptr<const wasm::Module>> load_module(const std::filesystem::path& path) {
  return wasm::load_module_file(path.string());
}

class ExtensionImpl final : public Extension {
 public:
  ExtensionImpl(ExtensionManifest manifest, EventSink sink)
      : manifest_(std::move(manifest)), sink_(std::move(sink)) {}

  // Creates the recovering module; events so far are returned for the caller to deliver.
  Result<void> start(std::shared_ptr<const wasm::Module> module, RecoveryConfig config,
                     std::vector<HostEvent>& events) {
    std::lock_guard lock(mutex_);
    config.on_event = [this](HostEvent e) { pending_.push_back(std::move(e)); };
    auto created = RecoveringModule::create(std::move(module), std::move(config));
    events.swap(pending_);
    if (!created.ok()) return std::move(created).error();
    module_ = std::move(*created);
    refresh_status();
    if (!module_->disabled()) {
      const RungPlan& plan = module_->current_plan();
      events.push_back(host_event(HostEventKind::Loaded, manifest_.id,
                                  "extension '" + manifest_.id + "' " + manifest_.version +
                                      " loaded: " + plan.describe() + " (rung " +
                                      to_string(plan.rung) + ")"));
    }
    return {};
  }

  const ExtensionManifest& manifest() const override { return manifest_; }

  // A snapshot taken after the last operation: it never waits for a running call (a UI
  // thread may ask while a worker thread's call runs).
  ExtensionStatus status() const override {
    std::lock_guard lock(status_mutex_);
    return status_;
  }

  Result<std::vector<Value>> call(std::string_view export_name,
                                  std::span<const Value> args) override {
    const ExtensionExportDecl* decl = manifest_.find_export(export_name);
    if (decl == nullptr) return unknown_export(export_name);
    return locked([&] { return module_->call(export_name, args, decl->idempotent); },
                  /*always_refresh=*/false);
  }

  Result<void> enable() {
    return locked([&] { return module_->enable(); }, /*always_refresh=*/true);
  }
  Result<void> reset() {
    return locked([&] { return module_->reset(); }, /*always_refresh=*/true);
  }

 private:
  // Runs `f` under the extension's lock, then delivers the events it produced outside it (so
  // an event handler may call back into the host). The status snapshot is refreshed when
  // something may have changed: every state change of a call comes with an event.
  template <class F>
  auto locked(F f, bool always_refresh) -> decltype(f()) {
    std::vector<HostEvent> events;
    auto result = [&] {
      std::lock_guard lock(mutex_);
      auto r = f();
      if (always_refresh || !pending_.empty()) refresh_status();
      events.swap(pending_);
      return r;
    }();
    deliver(sink_, events);
    return result;
  }

  // Called with mutex_ held.
  void refresh_status() {
    ExtensionStatus s = module_->status();
    s.id = manifest_.id;
    s.name = manifest_.name;
    s.version = manifest_.version;
    std::lock_guard lock(status_mutex_);
    status_ = std::move(s);
  }

  Error unknown_export(std::string_view name) const {
    std::string offered;
    for (const ExtensionExportDecl& e : manifest_.exports)
      offered += (offered.empty() ? "" : ", ") + e.name;
    return Error::make(ErrorKind::Usage, "extension '" + manifest_.id + "' does not offer '" +
                                             std::string(name) +
                                             "' (its manifest lists: " + offered + ")");
  }

  const ExtensionManifest manifest_;
  const EventSink sink_;
  mutable std::mutex mutex_;  // serialises calls; guards module_ and pending_
  std::unique_ptr<RecoveringModule> module_;
  std::vector<HostEvent> pending_;
  mutable std::mutex status_mutex_;  // guards status_ (never held while calling anything)
  ExtensionStatus status_;
};

class HostImpl final : public ExtensionHost {
 public:
  HostImpl(HostConfig config, HostHooks hooks, std::filesystem::path data_dir)
      : config_(std::move(config)), hooks_(std::move(hooks)), data_dir_(std::move(data_dir)) {}

  void open_store(std::vector<HostEvent>& events) {
    std::vector<std::string> warnings;
    store_ = RecoveryStore::open(data_dir_, config_.write_crash_reports, warnings,
                                 config_.crash_report_limit);
    for (std::string& w : warnings)
      events.push_back(host_event(HostEventKind::Warning, "", std::move(w)));
    // The compiled-code cache is used only with the data directory's key: its artifacts are
    // machine code another process or user may have written.
    if (config_.code_cache) {
      auto key = jit::load_or_create_artifact_key(data_dir_ / jit::kArtifactKeyFileName);
      if (key.ok())
        code_cache_key_ = *key;
      else
        events.push_back(host_event(HostEventKind::Warning, "",
                                    key.error().message + "; no compiled-code cache"));
    }
  }

  Result<Extension*> load(const std::filesystem::path& extension_dir) override {
    IRONCLAD_TRY_ASSIGN(ExtensionManifest manifest, read_manifest(extension_dir));
    if (Extension* existing = find(manifest.id)) return already_loaded(manifest, *existing);
    IRONCLAD_TRY_ASSIGN(std::shared_ptr<const wasm::Module> module, load_module(manifest.wasm));
    IRONCLAD_TRY(check_exports(manifest, *module));

    RecoveryConfig rc = recovery_config();
    rc.id = manifest.id;
    rc.version = manifest.version;
    rc.module_path = manifest.wasm;
    if (hooks_.define_imports) {
      rc.define_imports = [hook = hooks_.define_imports, id = manifest.id](runtime::Linker& linker,
                                                                           runtime::Store& store) {
        return hook(id, linker, store);
      };
    }
    auto ext = std::make_unique<ExtensionImpl>(std::move(manifest), config_.on_event);
    std::vector<HostEvent> events;
    auto started = ext->start(std::move(module), std::move(rc), events);
    Result<Extension*> result = Error::make(ErrorKind::Internal, "unreachable");
    if (!started.ok()) {
      result = std::move(started).error();
    } else {
      std::lock_guard lock(mutex_);
      // Checked again: another thread may have loaded the same id meanwhile.
      if (Extension* existing = find_locked(ext->manifest().id)) {
        result = already_loaded(ext->manifest(), *existing);
        events.clear();
      } else {
        extensions_.push_back(std::move(ext));
        result = extensions_.back().get();
      }
    }
    deliver(config_.on_event, events);
    return result;
  }

  Result<std::unique_ptr<HostedComponent>> load_component(ComponentLoadRequest request) override {
    return load_hosted_component(std::move(request), recovery_config(), config_.on_event);
  }

  std::vector<Extension*> load_all(const std::filesystem::path& dir,
                                   std::vector<Error>* errors) override {
    std::vector<Extension*> loaded;
    std::vector<std::filesystem::path> candidates;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code file_ec;
      // Any extension.toml (a FIFO, a symlink to a device...) makes a candidate: one that is
      // not a readable regular file is refused with a message rather than skipped unseen.
      if (it->is_directory(file_ec) && std::filesystem::exists(std::filesystem::symlink_status(
                                           it->path() / kManifestFileName, file_ec)))
        candidates.push_back(it->path());
    }
    if (ec) {
      if (errors)
        errors->push_back(
            Error::make(ErrorKind::Io, dir.string() + ": cannot list extensions: " + ec.message()));
      return loaded;
    }
    std::sort(candidates.begin(), candidates.end());  // a stable order, whatever the fs does
    for (const std::filesystem::path& p : candidates) {
      auto ext = load(p);
      if (ext.ok()) {
        loaded.push_back(*ext);
      } else if (errors) {
        errors->push_back(std::move(ext).error());
      }
    }
    return loaded;
  }

  Extension* find(std::string_view id) override {
    std::lock_guard lock(mutex_);
    return find_locked(id);
  }

  std::vector<ExtensionStatus> status() const override {
    std::vector<ExtensionImpl*> all;
    {
      std::lock_guard lock(mutex_);
      for (const auto& e : extensions_) all.push_back(e.get());
    }
    std::vector<ExtensionStatus> out;
    for (ExtensionImpl* e : all) out.push_back(e->status());
    return out;
  }

  Result<void> enable(std::string_view id) override {
    IRONCLAD_TRY_ASSIGN(ExtensionImpl * ext, loaded(id));
    return ext->enable();
  }

  Result<void> reset(std::string_view id) override {
    IRONCLAD_TRY_ASSIGN(ExtensionImpl * ext, loaded(id));
    return ext->reset();
  }

  const std::filesystem::path& data_dir() const override { return data_dir_; }

 private:
  // The ladder's configuration from the host's, for any extension or component.
  RecoveryConfig recovery_config() const {
    RecoveryConfig rc;
    rc.plan.tier = config_.tier;
    rc.plan.policy = config_.policy;
    rc.plan.cpu_features = config_.cpu_features;
    rc.plan.emulate_cpu = config_.emulate_cpu;
    rc.limits.max_instance_bytes = config_.max_instance_bytes;
    rc.limits.call_timeout = config_.call_timeout;
    rc.jit_input_limits.max_code_bytes = config_.jit_max_code_bytes;
    rc.jit_input_limits.max_functions = config_.jit_max_functions;
    rc.jit_input_limits.max_function_bytes = config_.jit_max_function_bytes;
    rc.max_faults = config_.max_faults;
    rc.fault_window = config_.fault_window;
    rc.store = store_;
    rc.limit_report_interval = config_.limit_report_interval;
    if (config_.code_cache && code_cache_key_) {
      rc.code_cache_dir =
          config_.code_cache_dir.empty() ? data_dir_ / "code-cache" : config_.code_cache_dir;
      rc.code_cache_key = code_cache_key_;
    }
    rc.code_cache_limit = config_.code_cache_limit;
    return rc;
  }

  ExtensionImpl* find_locked(std::string_view id) const {
    for (const auto& e : extensions_)
      if (e->manifest().id == id) return e.get();
    return nullptr;
  }

  Result<ExtensionImpl*> loaded(std::string_view id) {
    std::lock_guard lock(mutex_);
    if (ExtensionImpl* ext = find_locked(id)) return ext;
    return Error::make(ErrorKind::Usage, "no extension '" + std::string(id) + "' is loaded");
  }

  static Error already_loaded(const ExtensionManifest& manifest, const Extension& existing) {
    return Error::make(ErrorKind::Usage, manifest.file.string() + ": key 'id': extension '" +
                                             manifest.id + "' is already loaded (from " +
                                             existing.manifest().dir.string() + ")");
  }

  const HostConfig config_;
  const HostHooks hooks_;
  const std::filesystem::path data_dir_;
  std::shared_ptr<RecoveryStore> store_;
  std::optional<jit::ArtifactKey> code_cache_key_;  // set by open_store when the cache is on
  mutable std::mutex mutex_;  // guards extensions_ (never shrinks: Extension* stay valid)
  std::vector<std::unique_ptr<ExtensionImpl>> extensions_;
};

}  // namespace

Result<std::unique_ptr<ExtensionHost>> create_extension_host(HostConfig config, HostHooks hooks) {
  // A bad policy, tier or CPU name is the application's mistake: say so now, not per load.
  PlanRequest request;
  request.tier = config.tier;
  request.policy = config.policy;
  request.cpu_features = config.cpu_features;
  request.emulate_cpu = config.emulate_cpu;
  IRONCLAD_TRY(Planner::create(request));
  if (config.max_faults == 0)
    return Error::make(ErrorKind::Usage, "HostConfig::max_faults must be at least 1");
  std::filesystem::path data_dir = config.data_dir.empty() ? default_data_dir() : config.data_dir;
  auto host = std::make_unique<HostImpl>(config, std::move(hooks), data_dir);
  std::vector<HostEvent> events;
  host->open_store(events);
  deliver(config.on_event, events);
  return std::unique_ptr<ExtensionHost>(std::move(host));
}

}  // namespace ironclad::host

namespace ironclad {

Result<std::unique_ptr<ExtensionHost>> ExtensionHost::create(HostConfig config) {
  return host::create_extension_host(std::move(config), {});
}

}  // namespace ironclad
