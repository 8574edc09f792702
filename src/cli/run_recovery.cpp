#include "cli/run_recovery.h"
#include "cli/terminal_text.h"
#include "jit/artifact_key.h"

#include <cstdio>
#include <set>
#include <system_error>

#include "cli/ext_options.h"
#include "cli/tier_selection.h"
#include "component/instance.h"
#include "component/loader.h"
#include "host/plan.h"
#include "host/recovering_module.h"
#include "host/recovery_store.h"
#include "tiered/tiered_tier.h"

namespace ironclad::cli {
namespace {

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings)
    std::fprintf(stderr, "ironclad: warning: %s\n", printable(w).c_str());
}

Error not_rerun(Error restarted, uint64_t effects) {
  restarted.message += "; the program had already had " + std::to_string(effects) +
                       " visible effect(s) (output written or files changed), so it was not "
                       "run again: its output may be partial (rerun it: the next run starts on "
                       "the safe configuration)";
  return restarted;
}

// Set once a program's objects were left alive for a compile still running at its end.
bool compiles_left = false;

// At a program's end a tiered tier may be compiling a batch of LLVM (seconds, uninterruptible)
// that nothing will run: destroying the program would wait for it. The program is left alive
// instead and the process exits without tearing anything down (main, compiles_left_running).
struct LeaveCompilesRunning {
  std::unique_ptr<host::RecoveringModule>& program;
  ~LeaveCompilesRunning() {
    runtime::Tier* tier = program ? program->tier() : nullptr;
    if (!tier || !tiered::is_compiling(*tier)) return;
    (void)program.release();
    compiles_left = true;
  }
};

// --show-tier: what a tiered tier did, printed once the program has ended (whichever rung it
// ended on; nothing when it ended disabled or on a rung without tiering).
struct TieringReport {
  host::RecoveringModule& program;
  bool show;
  ~TieringReport() {
    if (!show) return;
    if (runtime::Tier* tier = program.tier()) print_tiering_stats(*tier);
  }
};

}  // namespace

bool compiles_left_running() { return compiles_left; }

std::shared_future<OpenedRecoveryStore> open_recovery_store_early(
    const std::filesystem::path& data_dir, std::optional<uint64_t> crash_report_limit) {
  auto open = [data_dir, limit = crash_report_limit.value_or(host::kDefaultCrashReportLimit)] {
    OpenedRecoveryStore out;
    out.store = host::RecoveryStore::open(data_dir, /*crash_reports=*/true, out.warnings, limit);
    return out;
  };
  try {
    return std::async(std::launch::async, open).share();
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, open).share();
  }
}

// The ladder's configuration for `ironclad run`; `effects` counts what the program did outside
// itself across every fresh WASI context.
host::RecoveryConfig recovery_config(const RecoveringRunRequest& request,
                                     std::shared_ptr<uint64_t> effects) {
  host::RecoveryConfig config;
  config.plan = request.plan;
  config.limits = request.limits;
  config.id = std::filesystem::path(request.file).filename().string();
  config.is_extension = false;
  if (request.code_cache) {
    // The cache's code is trusted only when this data directory's key signed it.
    auto key = jit::load_or_create_artifact_key(request.data_dir / jit::kArtifactKeyFileName);
    if (key.ok()) {
      config.code_cache_dir = request.data_dir / "code-cache";
      config.code_cache_key = *key;
    } else {
      std::fprintf(stderr, "ironclad: warning: %s; no compiled-code cache\n",
                   printable(key.error().message).c_str());
    }
  }
  config.code_cache_limit = request.code_cache_limit;
  std::error_code ec;
  config.module_path = std::filesystem::absolute(request.file, ec);
  if (ec) config.module_path = request.file;
  config.configure_wasi = [configure = request.configure_wasi,
                           effects](wasi::WasiContext& wasi) -> Result<void> {
    if (configure) IRONCLAD_TRY(configure(wasi));
    wasi.count_external_effects_in(effects);
    return {};
  };
  // As without recovery: a reactor's _initialize runs before an --invoke export only.
  config.run_initialize = request.invoke.has_value();
  const OpenedRecoveryStore opened =
      request.store_opening.valid()
          ? request.store_opening.get()
          : open_recovery_store_early(request.data_dir, request.crash_report_limit).get();
  config.store = opened.store;
  print_warnings(opened.warnings);
  // The command line's tier options were already resolved, and their warnings printed, by
  // plan_tier: the planner's copies of the same warnings would only repeat them.
  std::set<std::string> already_said;
  if (auto planner = host::Planner::create(config.plan); planner.ok())
    already_said.insert(planner->warnings().begin(), planner->warnings().end());
  config.on_event = [already_said](const HostEvent& event) {
    if (event.kind == HostEventKind::Warning && already_said.count(event.message)) return;
    print_host_event(event);
  };
  return config;
}

Result<std::vector<Value>> run_recovering(const RecoveringRunRequest& request) {
  // One count across every fresh WASI context the ladder creates.
  auto effects = std::make_shared<uint64_t>(0);
  host::RecoveryConfig config = recovery_config(request, effects);
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<host::RecoveringModule> module,
                      host::RecoveringModule::create(request.module, std::move(config)));
  LeaveCompilesRunning leave_compiles_running{module};
  TieringReport tiering_report{*module, request.show_tier};
  const std::string name = request.invoke.value_or("_start");
  if (!request.invoke && !module->export_type(name).ok())
    return Error::make(ErrorKind::Usage,
                       "no _start export: not a WASI command (use --invoke NAME to call a "
                       "function)");
  // Bounded: each restart either moved down the ladder or counted towards disabling the
  // module, after which calls fail with ExtensionDisabled.
  for (;;) {
    auto result = module->call(name, request.args, request.idempotent);
    if (result.ok() || result.error().kind != ErrorKind::ExtensionRestarted) return result;
    if (*effects != 0) return not_rerun(std::move(result).error(), *effects);
    std::fprintf(stderr,
                 "ironclad: nothing was output yet: running '%s' again from the start on %s\n",
                 printable(name).c_str(), module->current_plan().describe().c_str());
  }
}

Result<int> run_recovering_component(const RecoveringRunRequest& request,
                                     std::span<const uint8_t> bytes) {
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<const component::Component> c,
                      component::load_component(bytes, request.file));
  // The exported wasi:cli/run instance, whatever its 0.2.x version.
  std::string run_export;
  for (const component::ExportDef& e : c->exports) {
    if (e.type.sort == component::Sort::Instance && e.name.unversioned() == "wasi:cli/run")
      run_export = e.name.text + "#run";
  }
  if (run_export.empty()) {
    return Error::make(ErrorKind::Usage,
                       "the component exports no wasi:cli/run: not a WASI command component");
  }
  auto effects = std::make_shared<uint64_t>(0);
  host::RecoveryConfig config = recovery_config(request, effects);
  IRONCLAD_TRY_ASSIGN(
      std::unique_ptr<host::RecoveringModule> program,
      host::RecoveringModule::create_component(std::move(c), bytes, std::move(config)));
  LeaveCompilesRunning leave_compiles_running{program};
  TieringReport tiering_report{*program, request.show_tier};
  for (;;) {
    auto result = program->call_component(run_export, {}, request.idempotent);
    if (result.ok()) {
      bool failed = *result && (*result)->discriminant() != 0;
      return failed ? 1 : 0;
    }
    if (result.error().kind != ErrorKind::ExtensionRestarted) return std::move(result).error();
    if (*effects != 0) return not_rerun(std::move(result).error(), *effects);
    std::fprintf(stderr,
                 "ironclad: nothing was output yet: running '%s' again from the start on %s\n",
                 run_export.c_str(), program->current_plan().describe().c_str());
  }
}

}  // namespace ironclad::cli
