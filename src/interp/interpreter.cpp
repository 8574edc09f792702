// The interpreter tier's entry points: calls from the embedder (and re-entrant calls from
// host functions), stack setup, and turning a trap into an Error with a wasm backtrace.
#include "interp/interpreter.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "interp/handlers.h"
#include "interp/lowerer.h"
#include "interp/value_slots.h"
#include "runtime/activation.h"
#include "runtime/start_trace.h"
#include "runtime/value_buffer.h"

namespace ironclad::interp {

namespace {

// Value-stack size in slots (64 MiB of address space; pages are touched only when used).
constexpr size_t kStackSlots = size_t{8} << 20;
// Nested entries (host -> wasm -> host -> ..., and in a tiered store machine code -> the
// interpreter -> machine code at every call that crosses the tiers) use the native stack.
// They are bounded by what is left of it: an entry traps (CallStackExhausted) when fewer than
// kEntryStackReserve bytes remain above the thread's limit for generated code
// (runtime::thread_stack_limit, which itself keeps a margin for host functions and signal
// delivery), as machine code traps at that limit. A count would be the wrong bound: a
// recursion that alternates tiers at every call crossed 200 entries at 400 wasm frames,
// where either tier alone allows max_call_depth (10,000). Where the stack's bounds cannot
// be read, a count stands in.
constexpr uintptr_t kEntryStackReserve = 64 * 1024;
constexpr uint32_t kMaxNativeDepthUnknownStack = 200;

// call_slots's errors, out of line: an Error is ~360 bytes, and each one built in call_slots
// itself would sit in its frame, one frame per nested entry on the native stack.
[[gnu::noinline, gnu::cold]] Result<void> stack_exhausted() {
  return Error::make_trap(TrapKind::CallStackExhausted);
}
[[gnu::noinline, gnu::cold]] Result<void> error_of(Result<const FuncCode*> failed) {
  return std::move(failed).error();
}

// True when the calling thread's native stack cannot take another nested entry. The
// outermost entry is never refused: interpreted frames live in the interpreter's own stack,
// so an embedder's thread with a small native stack (or one already deep in its own calls)
// can still run wasm in the interpreter, as before nested entries were bounded by the stack.
bool native_stack_exhausted(uint32_t native_depth) {
  if (native_depth == 0) return false;
  const uintptr_t limit = runtime::thread_stack_limit();
  if (limit == 0) return native_depth >= kMaxNativeDepthUnknownStack;
  const auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  return sp < limit + kEntryStackReserve;
}

}  // namespace

Interpreter::Interpreter(InterpreterOptions options) : options_(options) { ctx_.interp = this; }
Interpreter::~Interpreter() = default;

void StackUnmap::operator()(uint64_t* p) const {
  if (p) ::munmap(p, bytes);
}

InterpreterOptions InterpreterOptions::from_environment() {
  InterpreterOptions options;
  const char* plain = std::getenv("IRONCLAD_INTERP_PLAIN");
  options.optimize = !(plain && std::string_view(plain) == "1");
  return options;
}

uint64_t heat_of(const runtime::FunctionInstance& func) {
  const auto* code = static_cast<const FuncCode*>(func.tier_code);
  return code ? std::atomic_ref<uint64_t>(code->heat).load(std::memory_order_relaxed) : 0;
}

std::vector<OsrLoop*> osr_loops_of(const runtime::FunctionInstance& func) {
  std::vector<OsrLoop*> loops;
  if (const auto* code = static_cast<const FuncCode*>(func.tier_code))
    for (const std::unique_ptr<OsrLoop>& loop : code->osr_loops) loops.push_back(loop.get());
  return loops;
}

std::unique_ptr<runtime::Tier> make_interpreter(InterpreterOptions options) {
  return std::make_unique<Interpreter>(options);
}

void Interpreter::on_destroy(runtime::Instance&) {
  // Lowered code stays owned by the interpreter: FunctionInstances live as long as the
  // store, and a funcref to a function of this instance may still be called.
}

Result<const FuncCode*> Interpreter::code_for(runtime::FunctionInstance& func) {
  if (func.tier_code) return static_cast<const FuncCode*>(func.tier_code);
  return lower_first_use(func);
}

Result<const FuncCode*> Interpreter::lower_first_use(runtime::FunctionInstance& func) {
  if (!ctx_.store) return Error::make(ErrorKind::Internal, "interpreter: lowering without a store");
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<FuncCode> code,
                      lower_function(*ctx_.store, func, options_.optimize, options_.count_loops,
                                     options_.osr.mode()));
  func.tier_code = code.get();
  codes_.push_back(std::move(code));
  if (options_.on_first_call) options_.on_first_call(func);
  return codes_.back().get();
}

Result<void> Interpreter::prepare_stacks(runtime::Store& store) {
  if (!stack_) {
    const size_t bytes = kStackSlots * sizeof(uint64_t);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      return Error::make(ErrorKind::Exhausted, "interpreter: cannot map the value stack");
    stack_ = std::unique_ptr<uint64_t[], StackUnmap>(static_cast<uint64_t*>(p), StackUnmap{bytes});
    stack_slots_ = kStackSlots;
  }
  // activations_[0] is a permanent bottom and [1] the outermost entry's sentinel; the rest
  // are wasm frames (a nested entry's sentinel takes the place of one).
  size_t wanted = size_t{store.limits().max_call_depth} + 2;
  if (activations_.size() != wanted) activations_.assign(wanted, Activation{});
  // The value stack holds every wasm frame's locals and operands: the same byte budget as
  // the JIT's native stack (StoreLimits::max_stack_bytes), so a recursion of large frames
  // ends in both tiers alike.
  size_t usable = stack_slots_;
  if (const uint64_t budget = store.limits().max_stack_bytes; budget != 0)
    usable = static_cast<size_t>(std::min<uint64_t>(usable, budget / sizeof(uint64_t)));
  ctx_.stack_limit = stack_.get() + usable;
  ctx_.act_limit = activations_.data() + activations_.size();
  return {};
}

Result<void> Interpreter::call(runtime::Store& store, runtime::FunctionInstance& func,
                               const Value* args, Value* results) {
  if (func.is_host()) {
    // Called directly from the host: its own call, with its own deadline.
    if (ctx_.native_depth == 0 && options_.begins_budgets && store.limits().counts_fuel())
      store.call_budget().begin(store.limits().fuel, store.limits().call_timeout);
    runtime::HostContext hc{store, nullptr};
    return func.host(hc, args, results);
  }
  // Through the slots the other tier's calls use: one path into the frame.
  const wasm::FuncType& type = *func.type;
  runtime::SlotBuffer slots(std::max(type.params.size(), type.results.size()));
  for (size_t i = 0; i < type.params.size(); ++i)
    runtime::value_to_slot(args[i], slots.data() + i * kSlotBytes);
  IRONCLAD_TRY(call_slots(store, func, slots.data()));
  for (size_t i = 0; i < type.results.size(); ++i)
    results[i] = runtime::value_of_slot(type.results[i], slots.data() + i * kSlotBytes);
  return {};
}

Result<void> Interpreter::call_slots(runtime::Store& store, runtime::FunctionInstance& func,
                                     uint8_t* slots) {
  if (func.is_host()) return Tier::call_slots(store, func, slots);
  const bool outermost = ctx_.native_depth == 0;
  if (outermost) {
    ctx_.store = &store;
    if (Result<void> prepared = prepare_stacks(store); !prepared.ok()) return prepared;
    ctx_.act_top = activations_.data();
    ctx_.reentry_sp = stack_.get();
    ctx_.host_call_ip = nullptr;
    // Fuel and the deadline: each call from the host gets the whole budget; the counter the
    // code spends from is refilled from it (runtime/call_budget.h).
    ctx_.counts_fuel = store.limits().counts_fuel();
    ctx_.charges_bulk = store.limits().fuel > 0;
    ctx_.fuel = 0;
    if (ctx_.counts_fuel) {
      if (options_.begins_budgets)
        store.call_budget().begin(store.limits().fuel, store.limits().call_timeout);
      store.call_budget().refill(ctx_.fuel);
    }
  }
  if (native_stack_exhausted(ctx_.native_depth)) return stack_exhausted();
  Result<const FuncCode*> lowered = code_for(func);
  if (!lowered.ok()) return error_of(std::move(lowered));
  const FuncCode* code = *lowered;
  runtime::start_trace::mark(runtime::start_trace::Phase::FirstInstruction);
  add_heat(code->heat);

  // A sentinel marks the entry; the function's frame starts at reentry_sp, above whatever
  // frame called the host function that called us.
  Activation* const saved_top = ctx_.act_top;
  uint64_t* const saved_reentry = ctx_.reentry_sp;
  uint64_t* fp = ctx_.reentry_sp;
  // The depth limit counts wasm frames: an entry sentinel does not count against it.
  Activation* sentinel = saved_top + 1;
  if (sentinel + 1 >= ctx_.act_limit || fp + code->frame_slots > ctx_.stack_limit)
    return stack_exhausted();
  sentinel->code = &sentinel_code();
  sentinel->fp = fp;
  sentinel->ret_ip = nullptr;
  sentinel->host_call_ip = outermost ? nullptr : ctx_.host_call_ip;
  Activation* act = sentinel + 1;
  act->code = code;
  act->fp = fp;
  act->ret_ip = kEntryReturn;
  act->host_call_ip = nullptr;
  ctx_.act_top = act;

  const wasm::FuncType& type = *func.type;
  uint32_t slot = 0;
  for (size_t i = 0; i < type.params.size(); ++i) {
    value_to_slots(runtime::value_of_slot(type.params[i], slots + i * kSlotBytes), fp + slot);
    slot += slot_count(type.params[i]);
  }

  ++ctx_.native_depth;
  const Word* entry = code->words.data();
  Status status = entry->handler(entry, fp, *code->mem_base, *code->mem_size, &ctx_);
  --ctx_.native_depth;

  Result<void> out;
  switch (status) {
    case Status::Done:
      slot = 0;
      for (size_t i = 0; i < type.results.size(); ++i) {
        runtime::value_to_slot(value_from_slots(type.results[i], fp + slot),
                               slots + i * kSlotBytes);
        slot += slot_count(type.results[i]);
      }
      break;
    case Status::Trap:
    case Status::Error: out = error_of_run(status); break;
  }
  ctx_.act_top = saved_top;
  ctx_.reentry_sp = saved_reentry;
  // The frames of this run have ended: their loop entries still queued are not needed.
  if (!ctx_.osr_waits.empty()) withdraw_ended_osr_requests(&ctx_);
  return out;
}

Result<void> Interpreter::error_of_run(Status status) {
  if (status == Status::Trap) {
    Error e = Error::make_trap(ctx_.trap_kind);
    add_backtrace(e, ctx_.act_top, ctx_.trap_ip);
    return e;
  }
  Error e = ctx_.error ? std::move(*ctx_.error)
                       : Error::make(ErrorKind::Internal, "interpreter: lost error");
  ctx_.error.reset();
  // A trap, and a call stopped at its deadline: where the deadline found the code is
  // what a limit report shows (the JIT's Timeout errors name it too).
  const bool wants_frames = e.kind == ErrorKind::Trap || e.kind == ErrorKind::Timeout;
  if ((wants_frames && e.backtrace.empty()) || ctx_.error_crossed_tier)
    add_backtrace(e, ctx_.act_top, ctx_.trap_ip);
  ctx_.error_crossed_tier = false;
  return e;
}

// Walks the activations from the innermost outwards. Each frame's position is the
// instruction that trapped (innermost) or the call it is waiting in: the word before its
// callee's return address, or for a frame that called a host function which re-entered
// wasm, the host call recorded in the entry sentinel.
void Interpreter::add_backtrace(Error& error, const Activation* top, const Word* top_ip) const {
  const Word* ip = top_ip;
  for (const Activation* a = top; a > activations_.data(); --a) {
    if (a->code == &sentinel_code()) {
      ip = a->host_call_ip;
      if (!ip) break;
      continue;
    }
    const FuncCode& code = *a->code;
    const wasm::Module& module = *code.instance->module;
    BacktraceFrame frame;
    frame.function_index = code.func->func_index;
    frame.function_name = module.function_display_name(frame.function_index);
    frame.code_offset = code.module_offset_of(ip);
    error.backtrace.push_back(std::move(frame));
    ip = a->ret_ip == kEntryReturn ? nullptr : a->ret_ip - 1;
  }
}

}  // namespace ironclad::interp
