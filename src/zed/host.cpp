// ZedHost (include/ironclad/zed.h): loads extension directories into ZedExtensionImpl, each
// a component on the recovery ladder with the host API of host_api.h, WASI 0.2 over its own
// work directory (preopened as "." and at its real path, PWD naming it, as Zed does), the
// deadline and the memory cap of the configuration.
#include <algorithm>

#include "host/crash_report.h"
#include "host/recovering_module.h"
#include "jit/artifact_key.h"
#include "zed/extension.h"
#include "zed/settings.h"

namespace ironclad {

const char* to_string(ZedEventKind kind) {
  switch (kind) {
    case ZedEventKind::InstallationStatus: return "installation-status";
    case ZedEventKind::CapabilityDenied: return "capability-denied";
    case ZedEventKind::Timeout: return "timeout";
    case ZedEventKind::MemoryRefused: return "memory-refused";
    case ZedEventKind::Warning: return "warning";
    case ZedEventKind::Host: return "host";
  }
  return "unknown";
}

namespace zed {
namespace {

class ZedHostImpl final : public ZedHost {
 public:
  ZedHostImpl(ZedHostConfig config, std::filesystem::path data_dir, nlohmann::json settings,
              CapabilityPolicy policy, std::shared_ptr<host::RecoveryStore> store)
      : config_(std::move(config)),
        data_dir_(std::move(data_dir)),
        settings_(std::move(settings)),
        policy_(std::move(policy)),
        store_(std::move(store)) {
    if (config_.code_cache) {
      auto key = jit::load_or_create_artifact_key(data_dir_ / jit::kArtifactKeyFileName);
      if (key.ok()) code_cache_key_ = *key;
      else emit(ZedEventKind::Warning, "", key.error().message + "; no compiled-code cache");
    }
  }

  Result<ZedExtension*> load(const std::filesystem::path& dir) override {
    IRONCLAD_TRY_ASSIGN(LoadedExtension loaded, load_extension_dir(dir));
    const std::string id = loaded.manifest.id;
    if (find(id))
      return Error::make(ErrorKind::Usage, loaded.manifest.file.string() + ": an extension '" +
                                               id + "' is already loaded");
    for (const std::string& w : loaded.manifest.warnings) emit(ZedEventKind::Warning, id, w);

    const std::filesystem::path own_dir = data_dir_ / "zed" / id;
    auto state = std::make_shared<HostApiState>();
    state->extension_id = id;
    state->work_dir = own_dir / "work";
    state->kv_path = own_dir / "kv.sqlite";
    state->worktrees = config_.worktrees;
    state->settings = settings_;
    state->capabilities = policy_;
    state->network = config_.network;
    state->process_timeout = config_.process_timeout;
    state->on_event = config_.on_event;
    std::error_code ec;
    std::filesystem::create_directories(state->work_dir, ec);
    if (ec)
      return Error::make(ErrorKind::Io, state->work_dir.string() +
                                            ": cannot create the extension's work directory: " +
                                            ec.message());

    host::RecoveryConfig rc;
    rc.plan.tier = config_.tier;
    rc.plan.policy = config_.policy;
    rc.plan.emulate_cpu = config_.emulate_cpu;
    rc.limits.call_timeout = config_.call_timeout;
    rc.limits.max_instance_bytes = config_.max_memory_bytes;
    rc.jit_opt_level = config_.jit_opt_level;
    rc.id = id;
    rc.version = loaded.manifest.version;
    rc.module_path = loaded.manifest.wasm;
    rc.store = store_;
    rc.limit_report_interval = config_.limit_report_interval;
    if (config_.code_cache && code_cache_key_) {
      rc.code_cache_dir = data_dir_ / "code-cache";
      rc.code_cache_key = code_cache_key_;
    }
    const std::string work = state->work_dir.string();
    rc.configure_wasi = [work](wasi::WasiContext& wasi) -> Result<void> {
      wasi.set_args({"extension"});
      wasi.set_env({"PWD=" + work, "RUST_BACKTRACE=1"});
      // Twice, as Zed does: as "." (wasi-libc resolves a relative path through it, for
      // extensions that never chdir to PWD: phpcs checks "phpcs-0.3.0/BINARY" after its
      // download) and at its real path (absolute paths built from PWD).
      IRONCLAD_TRY(wasi.preopen_dir(work, "."));
      return wasi.preopen_dir(work, work);
    };
    rc.define_component_imports = [state](ComponentLinker& linker) -> Result<void> {
      define_host_api(linker, state);
      return {};
    };
    rc.on_event = [this](HostEvent e) {
      // A timeout is the extension's own Timeout event (it says more: the fresh instance).
      if (config_.on_event && e.kind != HostEventKind::Timeout) {
        ZedEvent z;
        z.kind = e.kind == HostEventKind::MemoryRefused ? ZedEventKind::MemoryRefused
                                                        : ZedEventKind::Host;
        z.extension_id = e.extension_id;
        z.message = e.kind == HostEventKind::MemoryRefused
                        ? e.message
                        : std::string(to_string(e.kind)) + ": " + e.message;
        config_.on_event(z);
      }
    };
    IRONCLAD_TRY_ASSIGN(std::unique_ptr<host::RecoveringModule> module,
                        host::RecoveringModule::create_component(loaded.component, loaded.bytes,
                                                                 std::move(rc)));
    extensions_.push_back(std::make_unique<ZedExtensionImpl>(
        std::move(loaded), std::move(state), std::move(module), config_.call_timeout));
    return extensions_.back().get();
  }

  std::vector<ZedExtension*> load_all(const std::filesystem::path& dir,
                                      std::vector<Error>* errors) override {
    std::vector<std::filesystem::path> dirs;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
      if (std::filesystem::is_regular_file(entry.path() / "extension.toml", ec))
        dirs.push_back(entry.path());
    if (ec && errors)
      errors->push_back(Error::make(ErrorKind::Io, dir.string() + ": " + ec.message()));
    std::sort(dirs.begin(), dirs.end());
    std::vector<ZedExtension*> loaded;
    for (const auto& d : dirs) {
      auto r = load(d);
      if (r.ok()) loaded.push_back(*r);
      else if (errors) errors->push_back(std::move(r).error());
    }
    return loaded;
  }

  ZedExtension* find(std::string_view id) override {
    for (auto& e : extensions_)
      if (e->id() == id) return e.get();
    return nullptr;
  }

 private:
  void emit(ZedEventKind kind, const std::string& id, std::string message) {
    if (!config_.on_event) return;
    ZedEvent e;
    e.kind = kind;
    e.extension_id = id;
    e.message = std::move(message);
    config_.on_event(e);
  }

  ZedHostConfig config_;
  std::filesystem::path data_dir_;
  nlohmann::json settings_;
  CapabilityPolicy policy_;
  std::shared_ptr<host::RecoveryStore> store_;
  std::optional<jit::ArtifactKey> code_cache_key_;
  std::vector<std::unique_ptr<ZedExtensionImpl>> extensions_;
};

}  // namespace
}  // namespace zed

Result<std::unique_ptr<ZedHost>> ZedHost::create(ZedHostConfig config) {
  std::filesystem::path data_dir =
      config.data_dir.empty() ? host::default_data_dir() : config.data_dir;
  nlohmann::json settings = nlohmann::json::object();
  if (!config.settings_json.empty()) {
    settings = nlohmann::json::parse(config.settings_json, nullptr, false, true);
    if (settings.is_discarded() || !settings.is_object())
      return Error::make(ErrorKind::Usage, "ZedHostConfig::settings_json: not a JSON object");
  }
  std::vector<zed::CapabilityGrant> grants;
  for (const std::string& g : config.grants) {
    IRONCLAD_TRY_ASSIGN(zed::CapabilityGrant grant, zed::parse_grant(g));
    grants.push_back(std::move(grant));
  }
  if (config.tier != "auto" && config.tier != "jit" && config.tier != "interp" &&
      config.tier != "tiered")
    return Error::make(ErrorKind::Usage,
                       "tier '" + config.tier + "': expected auto, tiered, jit or interp");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  std::vector<std::string> warnings;
  auto store = host::RecoveryStore::open(data_dir, config.write_crash_reports, warnings);
  zed::CapabilityPolicy policy(std::move(grants), config.on_capability_request);
  auto host = std::make_unique<zed::ZedHostImpl>(std::move(config), data_dir, std::move(settings),
                                                 std::move(policy), std::move(store));
  return std::unique_ptr<ZedHost>(std::move(host));
}

}  // namespace ironclad
