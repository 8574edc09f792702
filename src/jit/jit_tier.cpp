// The JIT tier: compiles each module once (cached by module), gives every instance a
// VmContext, and runs calls inside activations so that traps and host errors come back
// as Error values without any C++ exception crossing generated code.
#include "jit/jit_tier.h"

#include <cstring>
#include <map>
#include <unordered_map>

#include "ironclad/signals.h"
#include "jit/emulation.h"
#include "jit/fault_decoding.h"
#include "jit/module_compiler.h"
#include "jit/runtime_helpers.h"
#include "jit/vm_context.h"
#include "runtime/activation.h"

namespace ironclad::jit {
namespace {

// What the signal handler asks about a module's code. Memory accesses are checked
// explicitly, so no fault in a reservation is an out-of-bounds trap, and traps are calls
// into the runtime, not ud2: every signal in JIT code is a Fault the tier decodes.
struct JitCodeInfo final : runtime::CodeInfo {
  bool is_memory_reservation(uintptr_t) const override { return false; }
  TrapKind trap_at(uintptr_t) const override { return TrapKind::None; }
};

struct InstanceState {
  VmContext ctx;
  std::vector<void*> globals;
  std::unique_ptr<JitFunction[]> functions;
  std::shared_ptr<CompiledModule> code;
  uint64_t no_memory_size = 0;  // what memory_size points at for a module without memory
};

class JitTier final : public runtime::Tier {
 public:
  explicit JitTier(JitConfig config) : config_(std::move(config)) { install_signal_handlers(); }
  ~JitTier() override {
    for (uintptr_t begin : registered_) runtime::unregister_code(begin);
  }
  const char* name() const override { return "jit"; }
  Result<void> call(runtime::Store& store, runtime::FunctionInstance& func, const Value* args,
                    Value* results) override;
  Result<void> on_instantiate(runtime::Store& store, runtime::Instance& instance) override;
  void on_destroy(runtime::Instance& instance) override;

 private:
  Result<std::shared_ptr<CompiledModule>> code_for(const std::shared_ptr<const wasm::Module>& m);
  Result<bool> explicit_bounds_checks() const;
  void add_backtrace(Error& error, const uintptr_t* pcs, size_t count) const;
  Error fault_error_at(const runtime::Activation& act, const CompiledModule& code) const;

  JitConfig config_;
  std::unique_ptr<ModuleCompiler> compiler_;
  std::unordered_map<const wasm::Module*, std::shared_ptr<CompiledModule>> cache_;
  // What every VmContext::stack_limit points at: the running activation's limit (all
  // activations of this store's thread share it).
  uintptr_t stack_limit_ = 0;
  // Every compiled wasm function's code, by start address, for backtraces.
  std::map<uintptr_t, std::pair<FunctionCode, const wasm::Module*>> function_code_;
  JitCodeInfo code_info_;
  std::vector<uintptr_t> registered_;  // code ranges registered with the runtime
  // CPU emulation: every instruction patched to fault, with its original bytes.
  EmulationTable emulation_;
};

Result<bool> JitTier::explicit_bounds_checks() const {
  // Implicit checks need the runtime's signal handling to turn a fault in the guard region
  // into a trap; until it is available every access is checked explicitly.
  if (config_.bounds_checks == BoundsChecks::Implicit)
    return Error::make(ErrorKind::Usage,
                       "jit: implicit bounds checks need the runtime's signal handling, which "
                       "this build does not have yet; use explicit or auto");
  return true;
}

Result<std::shared_ptr<CompiledModule>> JitTier::code_for(
    const std::shared_ptr<const wasm::Module>& m) {
  if (auto it = cache_.find(m.get()); it != cache_.end()) return it->second;
  if (!compiler_) {
    // Invariant 4: never generate code the host has not verified it can run.
    if (!config_.features.subset_of(config_.host_verified)) {
      return Error::make(
          ErrorKind::CpuIncompatibility,
          "jit: the requested features " + config_.features.names() +
              " are not all verified on this host (missing: " +
              (config_.features - config_.host_verified).names() + ")");
    }
    IRONCLAD_TRY_ASSIGN(bool explicit_checks, explicit_bounds_checks());
    CompileOptions options{config_.features, config_.opt_level, explicit_checks, std::nullopt};
    IRONCLAD_TRY_ASSIGN(compiler_, ModuleCompiler::create(options));
  }
  IRONCLAD_TRY_ASSIGN(auto code, compiler_->compile(m));
  // CPU emulation patches the code the verifier accepted, before anything can run it.
  if (config_.emulate_features) {
    IRONCLAD_TRY(apply_cpu_emulation(*code, *config_.emulate_features, emulation_));
  }
  // Registered so that a signal in this code unwinds to its activation (invariant 5).
  for (const CodeBlock& block : code->code) {
    if (block.end <= block.begin) continue;
    IRONCLAD_TRY(runtime::register_code(block.begin, block.end, &code_info_));
    registered_.push_back(block.begin);
  }
  for (const FunctionCode& f : code->functions) function_code_[f.begin] = {f, m.get()};
  cache_[m.get()] = code;
  return code;
}

// Frames whose return address is inside a compiled wasm function, innermost first. Functions
// the optimizer inlined into their caller have no frame of their own and do not appear; the
// code offset is unknown (0): machine code is not mapped back to instructions yet.
void JitTier::add_backtrace(Error& error, const uintptr_t* pcs, size_t count) const {
  for (size_t i = 0; i < count; ++i) {
    uintptr_t pc = pcs[i];
    auto it = function_code_.upper_bound(pc);
    if (it == function_code_.begin()) continue;
    --it;
    const FunctionCode& f = it->second.first;
    if (pc <= f.begin || pc > f.end) continue;
    BacktraceFrame frame;
    frame.function_index = f.func_index;
    auto name = it->second.second->function_names.find(f.func_index);
    if (name != it->second.second->function_names.end()) frame.function_name = name->second;
    error.backtrace.push_back(std::move(frame));
  }
}

// The fault decoded against the real host or the emulated CPU, with the wasm function the
// pc is in (and the offset into its machine code) in Error::fault.
Error JitTier::fault_error_at(const runtime::Activation& act, const CompiledModule& code) const {
  FaultContext context;
  context.compiled_for = code.compiled_for;
  context.host_verified = config_.host_verified;
  if (config_.emulate_features) {
    context.emulation = &emulation_;
    context.emulated_features = *config_.emulate_features;
    context.emulated_cpu = config_.emulate_cpu_name;
  }
  Error error = fault_error(act, context);
  uintptr_t pc = act.fault.pc;
  auto it = function_code_.upper_bound(pc);
  if (error.fault && it != function_code_.begin()) {
    --it;
    const FunctionCode& f = it->second.first;
    if (pc >= f.begin && pc < f.end) {
      error.fault->function_index = f.func_index;
      error.fault->code_offset = pc - f.begin;
    }
  }
  return error;
}

Result<void> JitTier::on_instantiate(runtime::Store& store, runtime::Instance& instance) {
  IRONCLAD_TRY_ASSIGN(auto code, code_for(instance.module));
  if (!code->compiled_for.subset_of(config_.host_verified))
    return Error::make(ErrorKind::CpuIncompatibility,
                       "jit: code compiled for " + code->compiled_for.names() +
                           " cannot run on this host (missing: " +
                           (code->compiled_for - config_.host_verified).names() + ")");
  const wasm::Module& m = *instance.module;
  auto state = std::make_unique<InstanceState>();
  state->code = code;
  VmContext& ctx = state->ctx;
  if (!instance.memories.empty()) {
    ctx.memory_base = instance.memories[0]->base;
    ctx.memory_size = &instance.memories[0]->size_bytes;
  } else {
    ctx.memory_size = &state->no_memory_size;
  }
  for (runtime::Global* g : instance.globals) state->globals.push_back(&g->value.i64);
  ctx.globals = state->globals.data();
  ctx.funcs = instance.funcs.data();
  ctx.stack_limit = &stack_limit_;
  ctx.instance = &instance;
  ctx.store = &store;
  state->functions = std::make_unique<JitFunction[]>(m.bodies.size());
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    state->functions[i] = JitFunction{code->entries[i], &state->ctx};
    instance.funcs[m.num_imported_funcs + i]->tier_code = &state->functions[i];
  }
  instance.tier_state = state.release();
  return {};
}

void JitTier::on_destroy(runtime::Instance& instance) {
  auto* state = static_cast<InstanceState*>(instance.tier_state);
  if (!state) return;
  const wasm::Module& m = *instance.module;
  for (size_t i = 0; i < m.bodies.size(); ++i) instance.funcs[m.num_imported_funcs + i]->tier_code = nullptr;
  delete state;
  instance.tier_state = nullptr;
}

Result<void> JitTier::call(runtime::Store& store, runtime::FunctionInstance& func,
                           const Value* args, Value* results) {
  const wasm::FuncType& type = *func.type;
  if (func.is_host()) {
    if (!func.host) return Error::make(ErrorKind::Usage, "host function without a body");
    runtime::HostContext hc{store, nullptr};
    return func.host(hc, args, results);
  }
  auto* code = static_cast<JitFunction*>(func.tier_code);
  if (!code)
    return Error::make(ErrorKind::Internal, "jit: function " + std::to_string(func.func_index) +
                                                " was not compiled by this tier");
  std::vector<V128> slots(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  for (size_t i = 0; i < type.params.size(); ++i) slots[i] = args[i].v128;
  auto* slot_bytes = reinterpret_cast<uint8_t*>(slots.data());
  runtime::Activation act;
  bool returned = runtime::enter_activation(act, [&] {
    stack_limit_ = act.stack_limit;
    code->entry(code->ctx, slot_bytes);
  });
  if (!returned) {
    if (act.reason == runtime::UnwindReason::Fault) {
      auto* state = static_cast<InstanceState*>(code->ctx->instance->tier_state);
      Error error = fault_error_at(act, *state->code);
      // The faulting function (pc + 1: inside it, as a return address would be), then its
      // callers as the runtime recorded them from the fault's frame pointer.
      uintptr_t at_fault = act.fault.pc + 1;
      add_backtrace(error, &at_fault, 1);
      add_backtrace(error, act.fault.backtrace, act.fault.backtrace_size);
      return error;
    }
    // raise_trap / raise_host_error recorded the return addresses into generated code
    // between the unwinding helper and the activation's entry, innermost first.
    Error error = runtime::activation_error(act);
    add_backtrace(error, act.fault.backtrace, act.fault.backtrace_size);
    return error;
  }
  for (size_t i = 0; i < type.results.size(); ++i) {
    results[i] = Value::zero(type.results[i]);
    results[i].v128 = slots[i];
  }
  return {};
}

}  // namespace

std::unique_ptr<runtime::Tier> make_jit_tier(JitConfig config) {
  return std::make_unique<JitTier>(std::move(config));
}

}  // namespace ironclad::jit
