#include "host/recovering_module.h"

#include <csignal>

#include "component/instance.h"
#include "component/model.h"
#include "cpu/fingerprint.h"
#include "cpu/host.h"
#include "host/crash_report.h"
#include "host/feature_resolution.h"
#include "interp/interpreter.h"
#include "tiered/tiered_tier.h"
#include "wasi/preview2.h"

namespace ironclad::host {
namespace {

// Why the JIT would refuse a component: the first inner core module (nested components'
// too) beyond the JIT's input limits. The whole component runs on one rung.
std::optional<std::string> component_jit_refusal(const component::Component& c,
                                                 const jit::JitInputLimits& limits) {
  for (size_t i = 0; i < c.core_modules.size(); ++i) {
    const component::CoreModuleDef& def = c.core_modules[i];
    if (!def.module) continue;
    if (auto refusal = jit::jit_input_refusal(*def.module, limits)) {
      // "core module 0 `M`" as fault messages name it (the name section's name, if any).
      std::string where = "core module " + std::to_string(i);
      if (!def.name.empty() && def.name != where) where += " `" + def.name + "`";
      return where + ": " + *refusal;
    }
  }
  for (const auto& nested : c.components)
    if (nested)
      if (auto refusal = component_jit_refusal(*nested, limits)) return refusal;
  return std::nullopt;
}

// How many incidents status() keeps (the newest): a module that faults forever must not
// grow the host's memory forever.
constexpr size_t kIncidentHistory = 64;

// Forwards to a tier that outlives the stores it serves, so that the code a JIT compiled for
// one instance is reused by the fresh instance after a restart.
class SharedTier final : public runtime::Tier {
 public:
  explicit SharedTier(std::shared_ptr<runtime::Tier> inner) : inner_(std::move(inner)) {}
  const char* name() const override { return inner_->name(); }
  Result<void> call(runtime::Store& store, runtime::FunctionInstance& func, const Value* args,
                    Value* results) override {
    return inner_->call(store, func, args, results);
  }
  Result<void> on_instantiate(runtime::Store& store, runtime::Instance& instance) override {
    return inner_->on_instantiate(store, instance);
  }
  void on_destroy(runtime::Instance& instance) override { inner_->on_destroy(instance); }

 private:
  std::shared_ptr<runtime::Tier> inner_;
};

bool is_fault(const Error& e) {
  return e.kind == ErrorKind::CpuIncompatibility || e.kind == ErrorKind::EngineFault;
}

// A SIGILL at an instruction the host verified is as much the CPU's doing as a missing
// feature (an erratum, kernel state, a hypervisor): it moves down the ladder too.
bool is_cpu_fault(const Error& e) {
  if (e.kind == ErrorKind::CpuIncompatibility) return true;
  return e.kind == ErrorKind::EngineFault && e.fault && e.fault->signal == SIGILL;
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string cpu_key(const std::string& emulate_cpu) {
  static const std::string host = cpu::fingerprint_of(cpu::host_cpu()).hash_hex();
  return cpu_key_of(host, emulate_cpu);
}

std::string stable_feature_names(const std::vector<std::string>& llvm_names) {
  std::string out;
  for (const std::string& n : llvm_names) {
    auto f = cpu::find_x86_feature(n);
    std::string name = f ? std::string(cpu::info(*f).name) : n;
    out += (out.empty() ? "" : "+") + name;
  }
  return out;
}

std::string report_kind(const Error& e) {
  if (e.kind == ErrorKind::CpuIncompatibility) return "CpuIncompatibility";
  if (is_cpu_fault(e)) return "UnexplainedIllegalInstruction";
  return "EngineFault";
}

}  // namespace

std::string describe_fault(const Error& fault) {
  if (fault.fault) {
    const FaultDetails& d = *fault.fault;
    std::string what = d.mnemonic.empty() ? d.instruction : d.mnemonic;
    std::string cpu =
        d.emulated_cpu.empty() ? "this CPU" : "this CPU (emulated " + d.emulated_cpu + ")";
    if (!what.empty() && !d.missing_features.empty())
      return cpu + " cannot execute " + what + " (" + stable_feature_names(d.missing_features) +
             ")";
    if (d.signal == SIGILL)
      return "unexplained illegal instruction" + (what.empty() ? "" : " " + what) +
             " (the host verified it can execute it)";
  }
  return first_line(fault.message);
}

struct RecoveringModule::Live {
  // Declared before the store so it is destroyed after it: the store's WASI functions refer
  // to the context.
  std::unique_ptr<wasi::WasiContext> wasi;
  // A component's: WASI 0.2 over the same context, the linker of its host functions, and the
  // instance, which owns its Store (destroyed first, before what its functions refer to).
  std::unique_ptr<wasi::Preview2Host> preview2;
  std::unique_ptr<ComponentLinker> component_linker;
  std::unique_ptr<component::ComponentInstanceImpl> component;
  std::unique_ptr<runtime::Store> store;
  runtime::Instance* instance = nullptr;
};

RecoveringModule::RecoveringModule(std::shared_ptr<const wasm::Module> module,
                                   RecoveryConfig config, Planner planner)
    : module_(std::move(module)), config_(std::move(config)), planner_(std::move(planner)) {
  if (!config_.store) config_.store = RecoveryStore::none();
}

RecoveringModule::~RecoveringModule() = default;

runtime::Instance* RecoveringModule::instance() const {
  return current_ ? current_->instance : nullptr;
}

runtime::Tier* RecoveringModule::tier() const {
  if (!current_) return nullptr;
  if (current_->component) return &current_->component->store().tier();
  return current_->store ? &current_->store->tier() : nullptr;
}

component::ComponentInstanceImpl* RecoveringModule::component_instance() const {
  return current_ ? current_->component.get() : nullptr;
}

Result<std::unique_ptr<RecoveringModule>> RecoveringModule::create_component(
    std::shared_ptr<const component::Component> component, std::span<const uint8_t> bytes,
    RecoveryConfig config) {
  if (!component) return Error::make(ErrorKind::Usage, "RecoveringModule: no component");
  IRONCLAD_TRY_ASSIGN(Planner planner, Planner::create(config.plan));
  std::unique_ptr<RecoveringModule> m(
      new RecoveringModule(nullptr, std::move(config), std::move(planner)));
  m->component_ = std::move(component);
  m->module_hash_ = host::module_hash(bytes);
  m->key_ = QuarantineKey{m->module_hash_, cpu_key(m->config_.plan.emulate_cpu)};
  std::vector<std::string> warnings = m->planner_.warnings();
  m->flush_warnings(warnings);
  IRONCLAD_TRY(m->start());
  return m;
}

Result<void> RecoveringModule::instantiate_component(Live& live,
                                                     std::unique_ptr<runtime::Tier> tier) {
  live.preview2 = std::make_unique<wasi::Preview2Host>(*live.wasi);
  live.component_linker = std::make_unique<ComponentLinker>();
  live.preview2->add_to_linker(*live.component_linker);
  if (config_.define_component_imports)
    IRONCLAD_TRY(config_.define_component_imports(*live.component_linker));
  auto store = std::make_unique<runtime::Store>(std::move(tier), config_.limits);
  // WASI 0.2's blocking calls (pollables) end at the deadline of the store's running call.
  live.wasi->set_call_budget(&store->call_budget());
  auto instance = component::ComponentInstanceImpl::create(component_, *live.component_linker,
                                                           std::move(store));
  if (!instance.ok()) {
    Error e = std::move(instance).error();
    if (e.kind == ErrorKind::Link) e.message = noun() + ": " + e.message;
    return e;
  }
  live.component = std::move(*instance);
  return {};
}

Result<std::unique_ptr<RecoveringModule>> RecoveringModule::create(
    std::shared_ptr<const wasm::Module> module, RecoveryConfig config) {
  if (!module) return Error::make(ErrorKind::Usage, "RecoveringModule: no module");
  IRONCLAD_TRY_ASSIGN(Planner planner, Planner::create(config.plan));
  std::unique_ptr<RecoveringModule> m(
      new RecoveringModule(std::move(module), std::move(config), std::move(planner)));
  m->module_hash_ = host::module_hash(m->module_->bytes);
  m->key_ = QuarantineKey{m->module_hash_, cpu_key(m->config_.plan.emulate_cpu)};
  std::vector<std::string> warnings = m->planner_.warnings();
  m->flush_warnings(warnings);
  IRONCLAD_TRY(m->start());
  return m;
}

std::string RecoveringModule::noun() const {
  return std::string(config_.is_extension ? "extension"
                     : component_         ? "component"
                                          : "module") +
         " '" + config_.id + "'";
}

Result<void> RecoveringModule::start() {
  std::vector<std::string> warnings;
  std::optional<QuarantineRecord> record = config_.store->lookup(key_, warnings);
  flush_warnings(warnings);
  if (record) {
    rung_ = parse_rung(record->rung).value_or(Rung::Planned);
    excluded_ = cpu::parse_feature_list(record->excluded_features);
    disabled_ = record->disabled;
    reason_ = record->reason;
    // What happened before this process: the crash reports of the module on this CPU.
    incidents_ = config_.store->history(key_, kIncidentHistory, warnings);
    flush_warnings(warnings);
  }
  plan_ = planner_.plan(rung_, excluded_);
  // Too large for the JIT: the interpreter, from the start (not an incident: nothing is
  // remembered, and the next start decides again). Tiered rungs compile a few functions at a
  // time, each within the per-function limit (a larger one stays interpreted), so a module's
  // size is no reason to keep them from the JIT.
  if (plan_.jit && !plan_.tiered && !disabled_) {
    auto refusal = component_ ? component_jit_refusal(*component_, config_.jit_input_limits)
                              : jit::jit_input_refusal(*module_, config_.jit_input_limits);
    if (refusal) {
      rung_ = Rung::Interpreter;
      reason_ = "too large for the JIT (" + *refusal + ")";
      plan_ = planner_.plan(rung_, excluded_);
      emit(host_event(HostEventKind::Note, config_.id,
                      noun() + " runs in the interpreter: " + reason_));
    }
  }
  if (disabled_) {
    emit(host_event(HostEventKind::Disabled, config_.id,
                    noun() + " stays disabled (remembered from an earlier run: " + reason_ + ")"));
    return {};
  }
  if (record && (rung_ != Rung::Planned || !excluded_.empty())) {
    emit(host_event(HostEventKind::Quarantined, config_.id,
                    noun() + " starts in safe mode (" + std::string(to_string(rung_)) + ", " +
                        plan_.describe() + ") remembered from an earlier incident: " + reason_));
  }
  return instantiate_with_recovery("instantiation");
}

// A tiered tier's machine code belongs to its store (compiled in the background from that
// store's first calls), so each instantiation gets a fresh one; a restart starts over in the
// interpreter but for what the code cache holds.
std::unique_ptr<runtime::Tier> RecoveringModule::tiered_tier_for(const RungPlan& plan) {
  tiered::TieredConfig config = tiered::tiered_config_for(
      jit_config(plan.features, plan.host_verified, plan.emulate_features, plan.emulate_cpu));
  config.jit.input_limits = config_.jit_input_limits;
  config.jit.on_note = [this](const std::string& note) {
    emit(host_event(HostEventKind::Note, config_.id, note));
  };
  // Its batches go to the code cache, and the next instantiation links them before its first
  // call (docs/tiering.md, "Code cache").
  use_code_cache(config.jit);
  return tiered::make_tiered_tier(std::move(config));
}

void RecoveringModule::use_code_cache(jit::JitConfig& config) {
  // The cache holds code as compiled, before CPU emulation patches it (jit_tier.cpp), and
  // its key covers module, features, bounds-check and budget-check modes and engine versions.
  if (config_.code_cache_dir.empty() || !config_.code_cache_key) return;
  std::error_code ec;
  std::filesystem::create_directories(config_.code_cache_dir, ec);
  if (ec) {
    emit(host_event(HostEventKind::Warning, config_.id,
                    "no compiled-code cache: cannot create " + config_.code_cache_dir.string() +
                        ": " + ec.message()));
    return;
  }
  config.artifact_cache_dir = config_.code_cache_dir.string();
  config.artifact_key = config_.code_cache_key;
  if (config_.code_cache_limit) config.artifact_cache_limit = *config_.code_cache_limit;
}

std::shared_ptr<runtime::Tier> RecoveringModule::tier_for(const RungPlan& plan) {
  std::string key = plan.features.llvm_names();
  auto it = jit_tiers_.find(key);
  if (it != jit_tiers_.end()) return it->second;
  jit::JitConfig config =
      jit_config(plan.features, plan.host_verified, plan.emulate_features, plan.emulate_cpu);
  config.input_limits = config_.jit_input_limits;
  if (config_.jit_opt_level) config.opt_level = *config_.jit_opt_level;
  use_code_cache(config);
  // Called while instantiating, on this thread: the event is queued like every other.
  config.on_note = [this](const std::string& note) {
    emit(host_event(HostEventKind::Note, config_.id, note));
  };
  std::shared_ptr<runtime::Tier> tier = jit::make_jit_tier(std::move(config));
  jit_tiers_.emplace(key, tier);
  return tier;
}

Result<std::unique_ptr<RecoveringModule::Live>> RecoveringModule::instantiate(
    const RungPlan& plan) {
  auto live = std::make_unique<Live>();
  live->wasi = std::make_unique<wasi::WasiContext>();
  if (config_.configure_wasi) {
    IRONCLAD_TRY(config_.configure_wasi(*live->wasi));
  } else {
    live->wasi->set_args({config_.id});
  }
  std::unique_ptr<runtime::Tier> tier;
  if (plan.jit && plan.tiered) {
    tier = tiered_tier_for(plan);
  } else if (plan.jit) {
    tier = std::make_unique<SharedTier>(tier_for(plan));
  } else {
    tier = planner_.make_tier(plan);
  }
  if (component_) {
    IRONCLAD_TRY(instantiate_component(*live, std::move(tier)));
    return live;
  }
  live->store = std::make_unique<runtime::Store>(std::move(tier), config_.limits);
  runtime::Linker linker;
  IRONCLAD_TRY(wasi::add_to_linker(linker, *live->store, *live->wasi));
  if (config_.define_imports) IRONCLAD_TRY(config_.define_imports(linker, *live->store));
  // Name every import nobody provides at once, not just the first.
  std::string missing;
  for (const wasm::Import& imp : module_->imports) {
    if (linker.find(imp.module, imp.field) == nullptr)
      missing += (missing.empty() ? "" : ", ") + std::string("\"") + imp.module + "\" \"" +
                 imp.field + "\"";
  }
  if (!missing.empty())
    return Error::make(ErrorKind::Link, noun() + " imports what the host does not provide: " +
                                            missing + " (extensions may import WASI only)");
  IRONCLAD_TRY_ASSIGN(live->instance, linker.instantiate(*live->store, module_));
  if (config_.run_initialize && module_->find_export("_initialize") != nullptr) {
    IRONCLAD_TRY_ASSIGN(runtime::Extern init, live->instance->get_export("_initialize"));
    if (init.kind == wasm::ExternKind::Func && init.func != nullptr) {
      auto done = live->store->invoke(*init.func, {});
      if (!done.ok()) return std::move(done).error();
    }
  }
  return live;
}

Result<void> RecoveringModule::instantiate_with_recovery(std::string_view during) {
  // Bounded: every fault either moves down the ladder or counts towards disabling.
  while (!disabled_) {
    plan_ = planner_.plan(rung_, excluded_);
    auto live = instantiate(plan_);
    if (live.ok()) {
      current_ = std::move(*live);
      return {};
    }
    Error& e = live.error();
    if (is_fault(e)) {
      handle_fault(e, during);
      continue;
    }
    if (e.kind == ErrorKind::Internal && plan_.jit) {
      // The JIT could not compile the module: the interpreter can run anything valid.
      std::vector<std::string> warnings{noun() + ": the JIT failed (" + first_line(e.message) +
                                        "); running it in the interpreter"};
      flush_warnings(warnings);
      rung_ = Rung::Interpreter;
      continue;
    }
    return std::move(e);
  }
  return {};
}

Error RecoveringModule::disabled_error() const {
  return Error::make(
      ErrorKind::ExtensionDisabled,
      noun() + " is disabled: " + reason_ +
          (config_.is_extension ? " (re-enable it with `ironclad ext enable " + config_.id + "`)"
                                : ""));
}

Result<std::vector<Value>> RecoveringModule::call_once(std::string_view export_name,
                                                       std::span<const Value> args) {
  IRONCLAD_TRY_ASSIGN(runtime::Extern ext, current_->instance->get_export(export_name));
  if (ext.kind != wasm::ExternKind::Func || ext.func == nullptr)
    return Error::make(ErrorKind::Usage, "export '" + std::string(export_name) + "' of " + noun() +
                                             " is a " + wasm::to_string(ext.kind) +
                                             ", not a function");
  return current_->store->invoke(*ext.func, args);
}

template <class Call>
auto RecoveringModule::call_recovering(std::string_view export_name, bool idempotent,
                                       Call&& call_once) -> decltype(call_once()) {
  // Bounded: a retry follows only a CPU fault, and each one moves down the ladder or disables.
  for (;;) {
    if (disabled_) return disabled_error();
    if (!current_) IRONCLAD_TRY(instantiate_with_recovery(export_name));
    if (disabled_) return disabled_error();
    const uint64_t refusals_before = store_refusals();
    auto result = call_once();
    note_limits(export_name, result.ok() ? nullptr : &result.error(), refusals_before);
    if (result.ok() || !is_fault(result.error())) return result;
    const Error& fault = result.error();
    Error returned = handle_fault(fault, export_name);
    if (disabled_) return returned;
    if (idempotent && is_cpu_fault(fault)) continue;
    IRONCLAD_TRY(instantiate_with_recovery(export_name));
    return returned;
  }
}

Result<std::vector<Value>> RecoveringModule::call(std::string_view export_name,
                                                  std::span<const Value> args, bool idempotent) {
  if (component_)
    return Error::make(ErrorKind::Usage, noun() + " is a component: call it with typed values");
  return call_recovering(export_name, idempotent, [&] { return call_once(export_name, args); });
}

Result<std::optional<ComponentValue>> RecoveringModule::call_component(
    std::string_view export_name, std::vector<ComponentValue> args, bool idempotent) {
  if (!component_)
    return Error::make(ErrorKind::Usage, noun() + " is a core module, not a component");
  return call_recovering(export_name, idempotent, [&]() -> Result<std::optional<ComponentValue>> {
    // A retry gets the arguments again: the call consumes what it lowers.
    return current_->component->call(export_name, args);
  });
}

uint64_t RecoveringModule::store_refusals() const {
  if (!current_) return 0;
  const runtime::Store* store =
      current_->component ? &current_->component->store() : current_->store.get();
  return store ? store->budget_refusals().count.load(std::memory_order_relaxed) : 0;
}

LimitReportSubject RecoveringModule::limit_report_subject() const {
  LimitReportSubject s;
  s.extension_id = config_.is_extension ? config_.id : "";
  s.extension_version = config_.version;
  s.module_path = config_.module_path.string();
  s.module_hash = module_hash_;
  s.tier = plan_.describe();
  if (plan_.jit) s.compiled_for = plan_.features.llvm_names();
  s.host_verified = plan_.host_verified.llvm_names();
  s.emulated_cpu = plan_.emulate_cpu;
  return s;
}

void RecoveringModule::note_limits(std::string_view export_name, const Error* error,
                                   uint64_t refusals_before) {
  const auto now = std::chrono::system_clock::now();
  const int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::vector<std::string> warnings;
  // A fault dropped the instance (and its store's count) before this runs only when
  // handle_fault ran, which is after: the store here is the call's.
  const uint64_t refusals = store_refusals();
  if (refusals > refusals_before) {
    const uint64_t n = refusals - refusals_before;
    memory_refusals_ += n;
    const runtime::Store* store =
        current_->component ? &current_->component->store() : current_->store.get();
    const uint64_t asked = store->budget_refusals().last_requested_bytes.load();
    const uint64_t held = store->budget_refusals().last_used_bytes.load();
    LimitHit hit;
    hit.when = now;
    hit.export_name = std::string(export_name);
    hit.limit = config_.limits.max_instance_bytes;
    hit.message = "a growth by " + std::to_string(asked) + " bytes (" + std::to_string(n) +
                  " refused in this call)";
    last_memory_refusal_ = hit;

    LimitRecord record;
    record.module_hash = module_hash_;
    record.extension_id = config_.id;
    record.kind = kMemoryLimit;
    record.extension_version = config_.version;
    record.count = n;
    record.last_seen = now_seconds;
    record.last_export = hit.export_name;
    record.last_limit = hit.limit;
    record.last_requested = held + asked;
    record.last_message = hit.message;
    config_.store->record_limit(record, warnings);
    CrashReport report =
        memory_limit_report(limit_report_subject(), export_name, hit.limit, asked, held + asked, n);
    report.timestamp = now_seconds;
    auto path = config_.store->write_limit_report(report, config_.limit_report_interval, warnings);

    HostEvent event{HostEventKind::MemoryRefused, config_.id,
                    noun() + ": memory.grow or table.grow refused " + std::to_string(n) + " time" +
                        (n == 1 ? "" : "s") + " in " + std::string(export_name) + ": the cap is " +
                        std::to_string(hit.limit) +
                        " bytes for its memories and tables together, " +
                        hit.message.substr(0, hit.message.find(" (")) + " was asked for",
                    std::nullopt, path.value_or(std::filesystem::path())};
    emit(std::move(event));
  }
  if (error && error->kind == ErrorKind::Timeout) {
    ++timeouts_;
    LimitHit hit;
    hit.when = now;
    hit.export_name = std::string(export_name);
    hit.limit = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(config_.limits.call_timeout)
            .count());
    hit.message = first_line(error->message);
    last_timeout_ = hit;

    LimitRecord record;
    record.module_hash = module_hash_;
    record.extension_id = config_.id;
    record.kind = kTimeoutLimit;
    record.extension_version = config_.version;
    record.count = 1;
    record.last_seen = now_seconds;
    record.last_export = hit.export_name;
    record.last_limit = hit.limit;
    record.last_message = hit.message;
    config_.store->record_limit(record, warnings);
    CrashReport report =
        timeout_report(limit_report_subject(), export_name, *error, config_.limits.call_timeout);
    report.timestamp = now_seconds;
    auto path = config_.store->write_limit_report(report, config_.limit_report_interval, warnings);

    HostEvent event{HostEventKind::Timeout, config_.id,
                    noun() + ": " + std::string(export_name) + " passed its deadline of " +
                        std::to_string(hit.limit) + " ms and was stopped",
                    std::nullopt, path.value_or(std::filesystem::path())};
    emit(std::move(event));
  }
  flush_warnings(warnings);
}

Error RecoveringModule::handle_fault(const Error& fault, std::string_view during) {
  // The faulted instance's state may be half-mutated: it goes.
  current_.reset();
  const RungPlan before = plan_;
  const std::string why = describe_fault(fault);
  Incident incident;
  incident.when = std::chrono::system_clock::now();
  incident.kind = fault.kind;
  incident.message = first_line(fault.message);
  incident.export_name = std::string(during);
  incident.tier_before = before.describe();

  std::string disabled_because;
  if (is_cpu_fault(fault)) {
    if (fault.fault) excluded_ |= features_from_names(fault.fault->missing_features);
    // The next rung whose code differs from the faulted one (the same code would fault again).
    std::optional<Rung> next = before.jit ? next_rung(rung_) : std::nullopt;
    while (next && planner_.plan(*next, excluded_).same_code_as(before)) next = next_rung(*next);
    if (next) {
      rung_ = *next;
    } else {
      disabled_because = "a CPU fault in the interpreter, the last rung";
    }
  } else {
    auto now = std::chrono::steady_clock::now();
    engine_faults_.push_back(now);
    while (!engine_faults_.empty() && now - engine_faults_.front() > config_.fault_window)
      engine_faults_.pop_front();
    if (engine_faults_.size() >= config_.max_faults)
      disabled_because = std::to_string(engine_faults_.size()) + " engine faults within " +
                         std::to_string(config_.fault_window.count()) + " s";
  }
  plan_ = planner_.plan(rung_, excluded_);
  if (!disabled_because.empty()) {
    disabled_ = true;
    reason_ = disabled_because + ", the last: " + why;
    incident.tier_after = "disabled";
  } else {
    if (rung_ != Rung::Planned) reason_ = why;
    incident.tier_after = plan_.describe();
  }

  std::vector<std::string> warnings;
  QuarantineRecord record;
  record.key = key_;
  record.extension_id = config_.id;
  record.rung = to_string(rung_);
  record.excluded_features = excluded_.llvm_names();
  record.disabled = disabled_;
  record.reason = disabled_ ? reason_ : why;
  config_.store->record_incident(record, warnings);

  CrashReport report;
  report.kind = report_kind(fault);
  report.message = incident.message;
  report.extension_id = config_.is_extension ? config_.id : "";
  report.extension_version = config_.version;
  report.module_path = config_.module_path.string();
  report.module_hash = module_hash_;
  report.export_name = incident.export_name;
  report.backtrace = fault.backtrace;
  report.fault = fault.fault;
  report.compiled_for = fault.fault ? fault.fault->compiled_for : before.features.llvm_names();
  report.host_verified =
      fault.fault ? fault.fault->host_verified : before.host_verified.llvm_names();
  report.emulated_cpu = fault.fault ? fault.fault->emulated_cpu : before.emulate_cpu;
  describe_this_machine(report);
  report.tier_before = incident.tier_before;
  report.tier_after = incident.tier_after;
  report.fingerprint =
      stable_fingerprint(report.kind, fault.fault ? fault.fault->isa_set : "", module_hash_,
                         fault.fault ? fault.fault->function_index : 0);
  if (auto path = config_.store->write_report(report, warnings)) incident.report = *path;
  flush_warnings(warnings);

  incidents_.push_back(incident);
  if (incidents_.size() > kIncidentHistory) incidents_.erase(incidents_.begin());

  HostEvent event;
  event.extension_id = config_.id;
  event.incident = incident;
  Error returned;
  if (disabled_) {
    event.kind = HostEventKind::Disabled;
    event.message =
        noun() + " disabled after " + reason_ +
        (config_.is_extension ? " (re-enable it with `ironclad ext enable " + config_.id + "`)"
                              : "");
    returned = disabled_error();
  } else if (is_cpu_fault(fault)) {
    event.kind = HostEventKind::Restarted;
    event.message = noun() + " restarted in safe mode: " + why + " (now " + to_string(rung_) +
                    ": " + plan_.tier_name() + ")";
    returned = Error::make(ErrorKind::ExtensionRestarted,
                           noun() + " faulted in '" + std::string(during) + "' (" + why +
                               ") and was restarted on " + plan_.describe() + " (rung " +
                               to_string(rung_) + "); the call was not retried");
  } else {
    event.kind = HostEventKind::Restarted;
    event.message = noun() + " restarted after an engine fault: " + why;
    returned = Error::make(ErrorKind::ExtensionRestarted,
                           noun() + " faulted in '" + std::string(during) + "' (" + why +
                               ") and was restarted on " + plan_.describe() +
                               "; the call was not retried");
  }
  returned.fault = fault.fault;
  returned.backtrace = fault.backtrace;
  emit(std::move(event));
  return returned;
}

Result<const wasm::FuncType*> RecoveringModule::export_type(std::string_view export_name) const {
  if (!module_)
    return Error::make(ErrorKind::Usage,
                       noun() + " is a component: its exports have component types");
  const wasm::Export* e = module_->find_export(export_name);
  if (e == nullptr)
    return Error::make(ErrorKind::Usage,
                       noun() + " has no export '" + std::string(export_name) + "'");
  if (e->kind != wasm::ExternKind::Func)
    return Error::make(ErrorKind::Usage, "export '" + std::string(export_name) + "' of " + noun() +
                                             " is a " + wasm::to_string(e->kind) +
                                             ", not a function");
  return &module_->func_type(e->index);
}

ExtensionStatus RecoveringModule::status() const {
  ExtensionStatus s;
  s.rung = rung_;
  s.module_hash = module_hash_;
  s.incidents = incidents_;
  s.timeouts = timeouts_;
  s.last_timeout = last_timeout_;
  s.memory_refusals = memory_refusals_;
  s.last_memory_refusal = last_memory_refusal_;
  if (disabled_) {
    s.state = ExtensionState::Disabled;
    s.reason = reason_;
    return s;
  }
  s.state = rung_ == Rung::Planned && excluded_.empty() ? ExtensionState::Running
                                                        : ExtensionState::Degraded;
  if (s.state == ExtensionState::Degraded) s.reason = reason_;
  s.tier = plan_.tier_name();
  s.features = plan_.features.llvm_names();
  return s;
}

Result<void> RecoveringModule::enable() {
  if (!disabled_) return {};
  std::vector<std::string> warnings;
  config_.store->enable(key_, warnings);
  flush_warnings(warnings);
  disabled_ = false;
  engine_faults_.clear();
  reason_.clear();
  IRONCLAD_TRY(instantiate_with_recovery("enable"));
  emit(host_event(
      HostEventKind::Enabled, config_.id,
      noun() + " enabled again (" + std::string(to_string(rung_)) + ": " + plan_.describe() + ")"));
  return {};
}

Result<void> RecoveringModule::fresh_instance() {
  if (disabled_) return {};
  current_.reset();
  return instantiate_with_recovery("fresh instance");
}

Result<void> RecoveringModule::reset() {
  std::vector<std::string> warnings;
  config_.store->forget(key_, warnings);
  flush_warnings(warnings);
  current_.reset();
  rung_ = Rung::Planned;
  excluded_ = {};
  disabled_ = false;
  engine_faults_.clear();
  reason_.clear();
  return instantiate_with_recovery("reset");
}

void RecoveringModule::emit(HostEvent event) {
  if (config_.on_event) config_.on_event(std::move(event));
}

void RecoveringModule::flush_warnings(std::vector<std::string>& warnings) {
  for (std::string& w : warnings)
    emit(host_event(HostEventKind::Warning, config_.id, std::move(w)));
  warnings.clear();
}

}  // namespace ironclad::host
