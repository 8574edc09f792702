// The JIT tier: compiles each module once (cached by module), gives every instance a
// VmContext, and runs calls inside activations so that traps and host errors come back
// as Error values without any C++ exception crossing generated code.
#include "jit/jit_tier.h"

#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "ironclad/signals.h"
#include "jit/artifact_cache.h"
#include "jit/code_space.h"
#include "jit/instance_context.h"
#include "jit/module_compiler.h"
#include "jit/runtime_helpers.h"
#include "jit/vm_context.h"
#include "runtime/activation.h"
#include "runtime/start_trace.h"

namespace ironclad::jit {
namespace {

// IRONCLAD_JIT_BOUNDS_CHECKS=explicit|implicit overrides Auto (to compare the two modes,
// e.g. on the spec suite or in benchmarks); a configuration that chose a mode keeps it.
BoundsChecks bounds_checks_from_environment(BoundsChecks configured) {
  const char* env = std::getenv("IRONCLAD_JIT_BOUNDS_CHECKS");
  if (configured != BoundsChecks::Auto || !env) return configured;
  std::string_view value(env);
  if (value == "explicit") return BoundsChecks::Explicit;
  if (value == "implicit") return BoundsChecks::Implicit;
  return configured;
}

struct InstanceState {
  InstanceContext context;
  std::unique_ptr<JitFunction[]> functions;
  std::shared_ptr<CompiledModule> code;
};

class JitTier final : public runtime::Tier {
 public:
  explicit JitTier(JitConfig config)
      : config_(std::move(config)),
        code_space_(config_.host_verified, config_.emulate_features, config_.emulate_cpu_name) {
    install_signal_handlers();
    config_.bounds_checks = bounds_checks_from_environment(config_.bounds_checks);
  }
  const char* name() const override { return "jit"; }
  Result<void> call(runtime::Store& store, runtime::FunctionInstance& func, const Value* args,
                    Value* results) override;
  Result<void> on_instantiate(runtime::Store& store, runtime::Instance& instance) override;
  void on_destroy(runtime::Instance& instance) override;

 private:
  Result<std::shared_ptr<CompiledModule>> code_for(const std::shared_ptr<const wasm::Module>& m,
                                                   bool explicit_checks, BudgetChecks checks);
  bool explicit_bounds_checks_for(const runtime::Instance& instance);

  JitConfig config_;
  // By budget-check mode (BudgetChecks) and bounds-check mode ([1] explicit, [0] implicit):
  // code with implicit checks must never run with a memory that has no guard region, and
  // code without a fuel counter or interrupt check never in a store with a fuel limit or a
  // deadline, so a module may be compiled in more than one mode.
  std::unique_ptr<ModuleCompiler> compilers_[3][2];
  std::unordered_map<const wasm::Module*, std::shared_ptr<CompiledModule>> cache_[3][2];
  // Every module's code once verified: emulation, signal registration, backtraces and the
  // errors of calls (declared after the compilers, which own the code, so it goes first).
  CodeSpace code_space_;
  // What every VmContext::stack_limit points at: the running activation's limit (all
  // activations of this store's thread share it).
  uintptr_t stack_limit_ = 0;
  // What every VmContext::fuel points at in a store with a fuel limit: the fuel left in the
  // outermost call from the host. Calls nested in it (wasm -> host function -> wasm) spend
  // from the same budget, as in the interpreter; calls_running_ tells the outermost apart.
  uint64_t fuel_left_ = 0;
  unsigned calls_running_ = 0;
  // What every VmContext::calls_left points at: the wasm frames the outermost call from the
  // host may still push (StoreLimits::max_call_depth).
  int64_t calls_left_ = 0;
  // The stack pointer where the outermost call from the host entered: the native stack
  // budget (StoreLimits::max_stack_bytes) is counted from there.
  uintptr_t outermost_entry_ = 0;
  std::string last_note_;  // the last bounds-check note sent (sent once each)
};

bool JitTier::explicit_bounds_checks_for(const runtime::Instance& instance) {
  if (config_.bounds_checks == BoundsChecks::Explicit) return true;
  // Without a memory there is nothing to check: the preferred mode's code serves.
  if (instance.memories.empty()) return false;
  // Implicit checks need the guard region; the signal handlers that turn its faults into
  // traps were installed by the constructor.
  const runtime::Memory& memory = *instance.memories[0];
  if (memory.has_guard_region()) return false;
  std::string note = "jit: explicit bounds checks for " +
                     instance.module->module_name.value_or("a module") + ": its memory has no " +
                     "guard region (" + memory.reservation_note() + ")";
  if (config_.on_note && note != last_note_) config_.on_note(note);
  last_note_ = std::move(note);
  return true;
}

Result<std::shared_ptr<CompiledModule>> JitTier::code_for(
    const std::shared_ptr<const wasm::Module>& m, bool explicit_checks, BudgetChecks checks) {
  const auto mode = static_cast<size_t>(checks);
  auto& cache = cache_[mode][explicit_checks];
  std::unique_ptr<ModuleCompiler>& compiler = compilers_[mode][explicit_checks];
  if (auto it = cache.find(m.get()); it != cache.end()) return it->second;
  if (!compiler) {
    // Invariant 4: never generate code the host has not verified it can run.
    if (!config_.features.subset_of(config_.host_verified)) {
      return Error::make(
          ErrorKind::CpuIncompatibility,
          "jit: the requested features " + config_.features.names() +
              " are not all verified on this host (missing: " +
              (config_.features - config_.host_verified).names() + ")");
    }
    CompileOptions options{config_.features, config_.opt_level, explicit_checks, std::nullopt};
    options.fuel = checks == BudgetChecks::Fuel;
    options.interrupt = checks == BudgetChecks::Interrupt;
    options.input_limits = config_.input_limits;
    options.threads = config_.compile_threads;
    // For the cache's artifacts, and for backtraces: their wasm offsets come from the
    // objects' line tables, read when a backtrace first needs them (debug_lines.h).
    options.keep_objects = true;
    IRONCLAD_TRY_ASSIGN(compiler, ModuleCompiler::create(options));
  }
  IRONCLAD_TRY_ASSIGN(auto code, compile_or_load(*compiler, config_, m));
  // Emulation patches and signal registration before anything can run it.
  IRONCLAD_TRY(code_space_.install(code));
  cache[m.get()] = code;
  return code;
}

Result<void> JitTier::on_instantiate(runtime::Store& store, runtime::Instance& instance) {
  // The store's limits are fixed at its creation, so every instance of a store with a fuel
  // limit gets fuel-counting code, one with a deadline alone code that reads the interrupt
  // flag, and a store with neither code with no check at all.
  const BudgetChecks checks = budget_checks_for(store.limits());
  IRONCLAD_TRY_ASSIGN(auto code,
                      code_for(instance.module, explicit_bounds_checks_for(instance), checks));
  if (!code->compiled_for.subset_of(config_.host_verified))
    return Error::make(ErrorKind::CpuIncompatibility,
                       "jit: code compiled for " + code->compiled_for.names() +
                           " cannot run on this host (missing: " +
                           (code->compiled_for - config_.host_verified).names() + ")");
  const wasm::Module& m = *instance.module;
  auto state = std::make_unique<InstanceState>();
  state->code = code;
  state->context.fill(store, instance, checks, {&fuel_left_, &stack_limit_, &calls_left_});
  state->functions = std::make_unique<JitFunction[]>(m.bodies.size());
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    state->functions[i] = JitFunction{code->entries[i], &state->context.ctx, code->bodies[i]};
    instance.funcs[m.num_imported_funcs + i]->jit_code = &state->functions[i];
  }
  instance.tier_state = state.release();
  return {};
}

void JitTier::on_destroy(runtime::Instance& instance) {
  auto* state = static_cast<InstanceState*>(instance.tier_state);
  if (!state) return;
  const wasm::Module& m = *instance.module;
  for (size_t i = 0; i < m.bodies.size(); ++i) instance.funcs[m.num_imported_funcs + i]->jit_code = nullptr;
  delete state;
  instance.tier_state = nullptr;
}

Result<void> JitTier::call(runtime::Store& store, runtime::FunctionInstance& func,
                           const Value* args, Value* results) {
  const wasm::FuncType& type = *func.type;
  if (func.is_host()) {
    if (!func.host) return Error::make(ErrorKind::Usage, "host function without a body");
    // Called directly from the host: its own call, with its own deadline.
    if (calls_running_ == 0 && store.limits().counts_fuel())
      store.call_budget().begin(store.limits().fuel, store.limits().call_timeout);
    runtime::HostContext hc{store, nullptr};
    return func.host(hc, args, results);
  }
  auto* code = static_cast<JitFunction*>(func.jit_code);
  if (!code)
    return Error::make(ErrorKind::Internal, "jit: function " + std::to_string(func.func_index) +
                                                " was not compiled by this tier");
  // Each call from the host gets the whole budget (StoreLimits::fuel is per call), and the
  // whole call depth; calls nested in it (wasm -> host function -> wasm) share both.
  const bool outermost = calls_running_ == 0;
  if (outermost) {
    // The counter the code spends from is refilled from the call's budget (fuel and deadline:
    // runtime/call_budget.h).
    fuel_left_ = 0;
    if (store.limits().counts_fuel()) {
      store.call_budget().begin(store.limits().fuel, store.limits().call_timeout);
      store.call_budget().refill(fuel_left_);
    }
    calls_left_ = static_cast<int64_t>(store.limits().max_call_depth);
  }
  const int64_t calls_left_before = calls_left_;
  const uintptr_t stack_limit_before = stack_limit_;
  const uint64_t budget = store.limits().max_stack_bytes;
  runtime::start_trace::mark(runtime::start_trace::Phase::FirstInstruction);
  ++calls_running_;
  CodeSpace::StackEntry stack{&outermost_entry_, &stack_limit_, outermost, budget};
  Result<void> r =
      code_space_.call(*code, type, args, results, &CodeSpace::enter_stack, &stack);
  --calls_running_;
  // A trap unwinds without the returns that give frames back.
  calls_left_ = calls_left_before;
  stack_limit_ = stack_limit_before;
  return r;
}

}  // namespace

BudgetChecks budget_checks_for(const runtime::StoreLimits& limits) {
  if (limits.fuel > 0) return BudgetChecks::Fuel;
  if (limits.call_timeout.count() > 0) return BudgetChecks::Interrupt;
  return BudgetChecks::None;
}

std::optional<BoundsChecks> bounds_checks_of(runtime::Store& store,
                                             const runtime::Instance& instance) {
  if (!dynamic_cast<JitTier*>(&store.tier()) || !instance.tier_state) return std::nullopt;
  const auto* state = static_cast<const InstanceState*>(instance.tier_state);
  return state->code->explicit_bounds_checks ? BoundsChecks::Explicit : BoundsChecks::Implicit;
}

const CompiledModule* compiled_code_of(runtime::Store& store, const runtime::Instance& instance) {
  if (!dynamic_cast<JitTier*>(&store.tier()) || !instance.tier_state) return nullptr;
  return static_cast<const InstanceState*>(instance.tier_state)->code.get();
}

std::unique_ptr<runtime::Tier> make_jit_tier(JitConfig config) {
  return std::make_unique<JitTier>(std::move(config));
}

}  // namespace ironclad::jit
