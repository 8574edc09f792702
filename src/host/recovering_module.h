// One module that survives its faults: the recovery ladder of docs/recovery.md, shared by the
// extension host (one per extension) and `ironclad run` (one for the plain module).
//
// It owns the module, the rung it runs on, and its current instance (a Store of its own, so
// discarding a faulted instance is destroying its Store). A call that ends in
//   - CpuIncompatibility (or an EngineFault that is a SIGILL at an instruction the host
//     verified): the incident is recorded (quarantine + crash report), the module moves to
//     the next rung without the features that faulted, gets a fresh instance, and an
//     idempotent call is retried there; any other call returns ExtensionRestarted naming the
//     new tier;
//   - EngineFault: the instance is recreated on the same rung and ExtensionRestarted
//     returned; `max_faults` of them within `fault_window` disable the module;
//   - a trap, an exit or any other error: returned as it is; nothing is demoted.
// Compiled code is kept per rung (a JIT tier outlives the stores it serves), so a restart on
// a rung already used does not compile again.
//
// Not thread-safe: the owner serialises calls (Extension holds a mutex). Events are passed
// to `on_event` synchronously; the owner decides when to deliver them.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "component/model.h"
#include "host/limit_reports.h"
#include "host/plan.h"
#include "host/recovery_store.h"
#include "ironclad/component.h"
#include "ironclad/error.h"
#include "ironclad/extension_host.h"
#include "ironclad/value.h"
#include "jit/artifact_key.h"
#include "jit/jit_tier.h"
#include "jit/module_compiler.h"
#include "runtime/runtime.h"
#include "wasi/wasi.h"
#include "wasm/module.h"

namespace ironclad::component {
class ComponentInstanceImpl;
}
namespace ironclad::wasi {
class Preview2Host;
}

namespace ironclad::host {

struct RecoveryConfig {
  PlanRequest plan;
  runtime::StoreLimits limits;
  // A module beyond these starts in the interpreter, with a note: the JIT would take minutes
  // and gigabytes on it (jit::JitInputLimits).
  jit::JitInputLimits jit_input_limits;
  // The JIT's optimisation level (JitConfig::opt_level); nullopt: the JIT's default. Tests
  // that only need the code to run use 0: the shared Zed extensions compile several times
  // faster.
  std::optional<int> jit_opt_level;
  // EngineFaults tolerated within `fault_window`; one more disables the module.
  uint32_t max_faults = 3;
  std::chrono::seconds fault_window{600};
  // Who the module is, for events, reports and the quarantine: an extension's id and version,
  // or (for `ironclad run`) the module's file name and "".
  std::string id;
  std::string version;
  bool is_extension = true;  // false: a plain module (crash reports leave extension_id empty)
  std::filesystem::path module_path;
  // Every fresh instance gets a fresh WASI context, set up by this (args, env, preopens).
  // Empty: args = {id}, no environment, no preopens, stdio inherited.
  std::function<Result<void>(wasi::WasiContext&)> configure_wasi;
  // Host functions besides WASI for the module's imports (defined for every fresh instance).
  std::function<Result<void>(runtime::Linker&, runtime::Store&)> define_imports;
  // For a component: host functions and resources besides WASI 0.2 (defined in every fresh
  // instance's linker, after WASI's).
  std::function<Result<void>(ComponentLinker&)> define_component_imports;
  // Call a WASI reactor's `_initialize` export after every instantiation.
  bool run_initialize = true;
  // The quarantine and crash reports; null: nothing is remembered.
  std::shared_ptr<RecoveryStore> store;
  // A timeout or memory refusal writes a limit report, at most one per module and kind in
  // this time (kDefaultLimitReportInterval explains the choice; 0: every time).
  std::chrono::seconds limit_report_interval{3600};
  // Compiled code kept across runs (JitConfig::artifact_cache_dir, docs/artifacts.md): a
  // second start loads it instead of compiling (the JIT rungs' whole modules, the tiered
  // rungs' batches, docs/tiering.md "Code cache"). Created when missing. Empty: no cache.
  std::filesystem::path code_cache_dir;
  // The key that signs the cache's artifacts (the data directory's artifact.key): without it
  // there is no cache.
  std::optional<jit::ArtifactKey> code_cache_key;
  // Its size limit (JitConfig::artifact_cache_limit); nullopt: the JIT's default.
  std::optional<uint64_t> code_cache_limit;
  // Every event (Quarantined, Restarted, Disabled, Enabled, Warning), synchronously.
  std::function<void(HostEvent)> on_event;
};

class RecoveringModule {
 public:
  // Plans (consulting the quarantine record of this module on this CPU), compiles and
  // instantiates. Errors: Usage (bad plan request), Link (an import nobody defines, naming
  // it), Trap/Exit from the start function or _initialize, Exhausted. A module the quarantine
  // marks disabled is created disabled (calls return ExtensionDisabled until enable()).
  static Result<std::unique_ptr<RecoveringModule>> create(
      std::shared_ptr<const wasm::Module> module, RecoveryConfig config);
  // The same ladder for a component (docs/components.md, "Recovery"): every inner core module
  // runs in the one Store of the component's instance, on the rung's tier, so a fault in any
  // of them demotes the whole component. `bytes` (the component file) key the quarantine. Its
  // imports are WASI 0.2 (wasi/preview2.h) and config.define_component_imports.
  static Result<std::unique_ptr<RecoveringModule>> create_component(
      std::shared_ptr<const component::Component> component, std::span<const uint8_t> bytes,
      RecoveryConfig config);
  ~RecoveringModule();
  RecoveringModule(const RecoveringModule&) = delete;
  RecoveringModule& operator=(const RecoveringModule&) = delete;

  // Calls an exported function with arguments of its parameter types, recovering as the
  // header comment says. `idempotent`: retry after a CPU incompatibility.
  Result<std::vector<Value>> call(std::string_view export_name, std::span<const Value> args,
                                  bool idempotent);

  // A component's export ("f" or "interface#f") with typed values, recovering the same way.
  Result<std::optional<ComponentValue>> call_component(std::string_view export_name,
                                                       std::vector<ComponentValue> args,
                                                       bool idempotent);
  bool is_component() const { return component_ != nullptr; }
  // The running component instance (null while disabled or for a core module).
  component::ComponentInstanceImpl* component_instance() const;

  // The exported function's type, or a Usage error naming the export.
  Result<const wasm::FuncType*> export_type(std::string_view export_name) const;

  // state, rung, tier, features, reason, module_hash, incidents (id/name/version left empty).
  ExtensionStatus status() const;
  bool disabled() const { return disabled_; }
  Rung rung() const { return rung_; }
  const RungPlan& current_plan() const { return plan_; }
  const std::string& module_hash() const { return module_hash_; }
  const QuarantineKey& quarantine_key() const { return key_; }
  // The core module (a component has none of its own: use is_component()).
  const wasm::Module& module() const { return *module_; }
  // The running instance (null while disabled), e.g. to read its memory after a call.
  runtime::Instance* instance() const;
  // The running instance's tier, a core module's or a component's (null while disabled):
  // e.g. for what a tiered tier did (tiered::tiered_stats).
  runtime::Tier* tier() const;

  // Re-enables a disabled module: clears the quarantine's disabled mark, forgets the fault
  // window, instantiates on the rung it had. Emits Enabled. A no-op when not disabled.
  Result<void> enable();
  // Drops the current instance and makes a new one on the same rung (nothing recorded): after
  // a call that ended in the middle of the guest's work (a deadline), whose state may be
  // half-mutated.
  Result<void> fresh_instance();
  // Forgets the quarantine record and everything learnt: back to the planned rung with a
  // fresh instance (nothing excluded, not disabled).
  Result<void> reset();

 private:
  struct Live;  // one instance: its WASI context, Store and Instance

  RecoveringModule(std::shared_ptr<const wasm::Module> module, RecoveryConfig config,
                   Planner planner);
  Result<void> instantiate_component(Live& live, std::unique_ptr<runtime::Tier> tier);
  template <class Call>
  auto call_recovering(std::string_view export_name, bool idempotent, Call&& call_once)
      -> decltype(call_once());
  Result<void> start();
  Result<std::unique_ptr<Live>> instantiate(const RungPlan& plan);
  Result<void> instantiate_with_recovery(std::string_view during);
  std::shared_ptr<runtime::Tier> tier_for(const RungPlan& plan);
  std::unique_ptr<runtime::Tier> tiered_tier_for(const RungPlan& plan);
  // Points a JIT or tiered rung's config at code_cache_dir (created when missing; a warning
  // event and no cache when it cannot be).
  void use_code_cache(jit::JitConfig& config);
  Result<std::vector<Value>> call_once(std::string_view export_name, std::span<const Value> args);
  // Handles a fault; returns the error the caller gets if the call is not retried.
  Error handle_fault(const Error& fault, std::string_view during);
  // After a call: counts a timeout and the memory refusals since `refusals_before` (of the
  // store the call ran in), records the last of each, counts them in the quarantine's limits
  // table, writes a limit report (rate-limited) and emits their events.
  void note_limits(std::string_view export_name, const Error* error, uint64_t refusals_before);
  // The budget refusals of the running instance's store so far (0 without one).
  uint64_t store_refusals() const;
  LimitReportSubject limit_report_subject() const;
  Error disabled_error() const;
  std::string noun() const;  // "extension 'id'" or "module 'file'"
  void emit(HostEvent event);
  void flush_warnings(std::vector<std::string>& warnings);

  std::shared_ptr<const wasm::Module> module_;
  std::shared_ptr<const component::Component> component_;  // set for a component
  RecoveryConfig config_;
  Planner planner_;
  std::string module_hash_;
  QuarantineKey key_;
  Rung rung_ = Rung::Planned;
  cpu::FeatureSet excluded_;
  RungPlan plan_;
  bool disabled_ = false;
  std::string reason_;
  std::vector<Incident> incidents_;
  uint64_t timeouts_ = 0, memory_refusals_ = 0;
  std::optional<LimitHit> last_timeout_, last_memory_refusal_;
  std::deque<std::chrono::steady_clock::time_point> engine_faults_;  // within the window
  // JIT tiers by feature set (LLVM names): their compiled code is reused across restarts.
  std::map<std::string, std::shared_ptr<runtime::Tier>> jit_tiers_;
  std::unique_ptr<Live> current_;
};

// An event without an incident or a limit report.
inline HostEvent host_event(HostEventKind kind, std::string extension_id, std::string message) {
  HostEvent event;
  event.kind = kind;
  event.extension_id = std::move(extension_id);
  event.message = std::move(message);
  return event;
}

// The user-facing sentence for a fault, e.g. "this CPU cannot execute vpmullq
// (AVX512DQ+AVX512VL)", from Error::fault when it is there, else from the message.
std::string describe_fault(const Error& fault);

}  // namespace ironclad::host
