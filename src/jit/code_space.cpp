#include "jit/code_space.h"

#include <csignal>

#include "jit/debug_lines.h"
#include "jit/fault_decoding.h"
#include "jit/perf_map.h"
#include "runtime/memory_registry.h"
#include "runtime/value_buffer.h"

namespace ironclad::jit {

// Code compiled with implicit bounds checks lets an out-of-bounds access fault in its
// memory's guard region: a SIGSEGV there at an address in a live guarded reservation
// (runtime/memory_registry.h) is the out-of-bounds trap. Code with explicit checks never
// faults there, so for it such a fault stays a Fault (an engine bug). Traps are calls into
// the runtime, except `unreachable`, which is a ud2: the handler cannot tell it from a ud2
// that CPU emulation wrote (the emulation table is no structure to read in a signal
// handler), so trap_at leaves it a Fault and error_of tells the two apart.
bool CodeSpace::Info::is_memory_reservation(uintptr_t address) const {
  return implicit_checks && runtime::in_memory_reservation(address);
}

CodeSpace::CodeSpace(cpu::FeatureSet host_verified,
                     std::optional<cpu::FeatureSet> emulate_features, std::string emulate_cpu)
    : host_verified_(std::move(host_verified)),
      emulate_features_(std::move(emulate_features)),
      emulate_cpu_(std::move(emulate_cpu)) {}

CodeSpace::~CodeSpace() {
  for (uintptr_t begin : registered_) runtime::unregister_code(begin);
}

Result<void> CodeSpace::install(const std::shared_ptr<CompiledModule>& code) {
  std::lock_guard<std::mutex> lock(mutex_);
  // CPU emulation patches the code the verifier accepted, before anything can run it.
  if (emulate_features_) IRONCLAD_TRY(apply_cpu_emulation(*code, *emulate_features_, emulation_));
  // Registered so that a signal in this code unwinds to its activation (invariant 5).
  for (const CodeBlock& block : code->code) {
    if (block.end <= block.begin) continue;
    IRONCLAD_TRY(runtime::register_code(
        block.begin, block.end, code->explicit_bounds_checks ? &explicit_info_ : &implicit_info_));
    registered_.push_back(block.begin);
  }
  for (const FunctionCode& f : code->functions) functions_[f.begin] = {f, code};
  modules_.push_back(code);
  add_to_perf_map(*code);
  return {};
}

size_t CodeSpace::emulated_instructions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return emulation_.size();
}

bool CodeSpace::function_at(uintptr_t pc, FunctionCode& function,
                            std::shared_ptr<const CompiledModule>& module) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = functions_.upper_bound(pc);
  if (it == functions_.begin()) return false;
  --it;
  const auto& [f, code] = it->second;
  if (pc < f.begin || pc >= f.end) return false;
  function = f;
  module = code;
  return true;
}

void CodeSpace::add_frames(Error& error, uintptr_t pc, bool return_address) const {
  // A return address may be one past the end of its function (a call that never returns as
  // its last instruction): the call itself is the byte before it.
  const uintptr_t at = return_address ? pc - 1 : pc;
  FunctionCode f;
  std::shared_ptr<const CompiledModule> code;
  if (!function_at(at, f, code) || f.entry_wrapper) return;
  // Inlined calls expand to one frame each, innermost first; offsets and names as the
  // interpreter gives them (function_display_name), so both tiers' backtraces compare equal.
  for (const WasmPosition& p : wasm_frames_at(*code, f, at)) {
    BacktraceFrame frame;
    frame.function_index = p.func_index;
    frame.function_name = code->module->function_display_name(p.func_index);
    frame.code_offset = p.code_offset;
    error.backtrace.push_back(std::move(frame));
  }
}

// A SIGILL at a ud2 in a wasm function is the `unreachable` it was compiled from, unless CPU
// emulation wrote that ud2 over an instruction the emulated CPU lacks (then it stays a fault:
// CpuIncompatibility). Generated code has no other ud2 that can execute.
bool CodeSpace::is_unreachable_trap(const runtime::Activation& act) const {
  const runtime::FaultRecord& f = act.fault;
  if (f.signo != SIGILL || f.code_size < 2 || f.code_bytes[0] != 0x0F || f.code_bytes[1] != 0x0B)
    return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (emulation_.find(f.pc)) return false;
  }
  FunctionCode code;
  std::shared_ptr<const CompiledModule> module;
  return function_at(f.pc, code, module) && !code.entry_wrapper;
}

// The fault decoded against the real host or the emulated CPU, with the wasm function the
// pc is in (and the offset into its machine code) in Error::fault.
Error CodeSpace::fault_error_at(const runtime::Activation& act) const {
  const uintptr_t pc = act.fault.pc;
  FunctionCode f;
  std::shared_ptr<const CompiledModule> code;
  const bool in_function = function_at(pc, f, code);
  FaultContext context;
  if (code) {
    context.compiled_for = code->compiled_for;
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!modules_.empty()) context.compiled_for = modules_.front()->compiled_for;
  }
  context.host_verified = host_verified_;
  Error error;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (emulate_features_) {
      context.emulation = &emulation_;
      context.emulated_features = *emulate_features_;
      context.emulated_cpu = emulate_cpu_;
    }
    error = fault_error(act, context);
  }
  if (error.fault && in_function) {
    error.fault->function_index = f.func_index;
    error.fault->code_offset = pc - f.begin;
  }
  return error;
}

Error CodeSpace::error_of(runtime::Activation& act) const {
  if (act.reason == runtime::UnwindReason::Fault) {
    Error error = is_unreachable_trap(act) ? Error::make_trap(TrapKind::Unreachable)
                                           : fault_error_at(act);
    // The faulting instruction's frames, then its callers as the runtime recorded them
    // from the fault's frame pointer.
    add_frames(error, act.fault.pc, false);
    for (size_t i = 0; i < act.fault.backtrace_size; ++i)
      add_frames(error, act.fault.backtrace[i], true);
    return error;
  }
  // raise_trap / raise_host_error recorded the return addresses into generated code
  // between the unwinding helper and the activation's entry, innermost first. A trap
  // raised by a signal (an access in a guard region) also names the faulting instruction.
  Error error = runtime::activation_error(act);
  if (act.fault_code) add_frames(error, act.fault.pc, false);
  for (size_t i = 0; i < act.fault.backtrace_size; ++i)
    add_frames(error, act.fault.backtrace[i], true);
  return error;
}

void CodeSpace::enter_stack(void* stack_entry, runtime::Activation& act) {
  const StackEntry& e = *static_cast<const StackEntry*>(stack_entry);
  if (e.outermost) *e.outermost_entry = act.entry_frame;
  if (e.budget != 0 && *e.outermost_entry > e.budget)
    act.stack_limit = std::max(act.stack_limit, *e.outermost_entry - e.budget);
  *e.stack_limit = act.stack_limit;
}

Result<void> CodeSpace::call(const JitFunction& fn, const wasm::FuncType& type, const Value* args,
                             Value* results,
                             void (*on_enter)(void* data, runtime::Activation& act),
                             void* data) const {
  runtime::SlotBuffer slots(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  for (size_t i = 0; i < type.params.size(); ++i)
    runtime::value_to_slot(args[i], slots.data() + i * runtime::SlotBuffer::kSlotBytes);
  IRONCLAD_TRY(call_slots(fn, slots.data(), on_enter, data));
  for (size_t i = 0; i < type.results.size(); ++i)
    results[i] =
        runtime::value_of_slot(type.results[i], slots.data() + i * runtime::SlotBuffer::kSlotBytes);
  return {};
}

Result<void> CodeSpace::call_slots(const JitFunction& fn, uint8_t* slots,
                                   void (*on_enter)(void* data, runtime::Activation& act),
                                   void* data) const {
  runtime::Activation act;
  bool returned = runtime::enter_activation(act, [&] {
    on_enter(data, act);
    fn.entry(fn.ctx, slots);
  });
  if (!returned) return error_of(act);
  return {};
}

}  // namespace ironclad::jit
