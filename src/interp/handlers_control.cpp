// Handlers for control flow, calls, locals/constants moves, select and globals, plus the
// out-of-line trap and error exits every handler shares.
#include <alloca.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "interp/handler_macros.h"
#include "interp/interpreter.h"
#include "interp/value_slots.h"
#include "runtime/value_buffer.h"

namespace ironclad::interp {

Status raise_trap(ExecContext* ctx, const Word* ip, TrapKind kind) {
  ctx->trap_kind = kind;
  ctx->trap_ip = ip;
  return Status::Trap;
}

Status raise_error(ExecContext* ctx, const Word* ip, Error error) {
  ctx->trap_ip = ip;
  ctx->error = std::make_unique<Error>(std::move(error));
  return Status::Error;
}

Status charge_bulk(ExecContext* ctx, const Word* ip, uint64_t bytes) {
  runtime::CallBudget& budget = ctx->store->call_budget();
  if (!budget.spend(ctx->fuel, runtime::CallBudget::units_for_bytes(bytes)))
    return raise_error(ctx, ip, budget.exhausted_error());
  return Status::Done;
}

const Word kEntryReturn[1] = {{.handler = h_exit}};

IRONCLAD_DEFINE_HANDLER(h_exit) {
  (void)ip, (void)fp, (void)mem, (void)memsize, (void)ctx;
  return Status::Done;
}

IRONCLAD_DEFINE_HANDLER(h_unreachable) {
  (void)fp, (void)mem, (void)memsize;
  return raise_trap(ctx, ip, TrapKind::Unreachable);
}

Status refill_at_back_edge(ExecContext* ctx, const Word* ip) {
  runtime::CallBudget& budget = ctx->store->call_budget();
  if (!budget.refill(ctx->fuel)) return raise_error(ctx, ip, budget.exhausted_error());
  return Status::Done;
}

IRONCLAD_DEFINE_HANDLER(h_fuel) {
  if (ctx->fuel == 0) [[unlikely]] {
    // The slice is spent: the next one, unless the fuel is gone or the deadline passed.
    runtime::CallBudget& budget = ctx->store->call_budget();
    if (!budget.refill(ctx->fuel)) return raise_error(ctx, ip, budget.exhausted_error());
  }
  --ctx->fuel;
  IRONCLAD_NEXT(1);
}

IRONCLAD_DEFINE_HANDLER(h_loop_heat) {
  add_heat(*static_cast<uint64_t*>(ip[1].ptr));
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_zero_locals) {
  std::memset(fp + ip[1].pair.a, 0, uint64_t{ip[1].pair.b} * sizeof(uint64_t));
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_copy64) {
  fp[ip[1].pair.b] = fp[ip[1].pair.a];
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_copy64x2) {
  fp[ip[1].pair.b] = fp[ip[1].pair.a];
  fp[ip[2].pair.b] = fp[ip[2].pair.a];
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_copy128) {
  uint64_t lo = fp[ip[1].pair.a], hi = fp[ip[1].pair.a + 1];
  fp[ip[1].pair.b] = lo;
  fp[ip[1].pair.b + 1] = hi;
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_const64) {
  fp[ip[1].pair.a] = ip[2].u64;
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_const128) {
  fp[ip[1].pair.a] = ip[2].u64;
  fp[ip[1].pair.a + 1] = ip[3].u64;
  IRONCLAD_NEXT(4);
}

IRONCLAD_DEFINE_HANDLER(h_br) { IRONCLAD_BRANCH(ip[1].target); }

IRONCLAD_DEFINE_HANDLER(h_br_nz) {
  if (slot_get<uint32_t>(fp, ip[1].pair.a) != 0) IRONCLAD_BRANCH(ip[2].target);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_br_z) {
  if (slot_get<uint32_t>(fp, ip[1].pair.a) == 0) IRONCLAD_BRANCH(ip[2].target);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_br_nz64) {
  if (fp[ip[1].pair.a] != 0) IRONCLAD_BRANCH(ip[2].target);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_br_z64) {
  if (fp[ip[1].pair.a] == 0) IRONCLAD_BRANCH(ip[2].target);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_br_table) {
  uint32_t i = slot_get<uint32_t>(fp, ip[1].pair.a);
  uint32_t count = ip[1].pair.b;
  IRONCLAD_BRANCH(ip[2 + (i < count ? i : count)].target);
}

IRONCLAD_DEFINE_HANDLER(h_return) {
  Activation* act = ctx->act_top;
  const Word* ret = act->ret_ip;
  --act;
  ctx->act_top = act;
  fp = act->fp;
  mem = *act->code->mem_base;
  memsize = *act->code->mem_size;
  IRONCLAD_JUMP(ret);
}

namespace {

// Lowers a function on its first call. Null (with the error recorded) when it fails.
[[gnu::noinline]] const FuncCode* lower_on_call(ExecContext* ctx, const Word* ip,
                                                runtime::FunctionInstance* fi) {
  auto code = ctx->interp->code_for(*fi);
  if (!code.ok()) {
    raise_error(ctx, ip, std::move(code).error());
    return nullptr;
  }
  return *code;
}

// Machine code takes the 16-byte slots of Tier::call_slots: the values go from the frame's
// slots at fp[arg_base..] to those and back, with no Value array in between (every call from
// the interpreter into machine code in a tiered store comes here). A function of its own,
// apart from call_host_function's Value buffers: a recursion that crosses the tiers at every
// call stacks one of these frames per crossing, and the native stack bounds its depth.
[[gnu::noinline]] Result<void> call_other_tier(ExecContext* ctx, uint64_t* fp,
                                               runtime::FunctionInstance* fi, uint32_t arg_base) {
  const wasm::FuncType& type = *fi->type;
  constexpr size_t kSlotBytes = runtime::Tier::kSlotBytes;
  // Exactly the slots this call needs, on the stack (alloca, 16-byte aligned): one or two for
  // most calls, where a fixed inline buffer would take its whole size in every crossing's
  // frame or go to the heap past it. A type with very many values uses the heap.
  constexpr size_t kMaxStackSlots = 64;
  const size_t count = std::max<size_t>(type.params.size(), type.results.size());
  std::vector<uint8_t> heap;
  uint8_t* slots = nullptr;
  if (count <= kMaxStackSlots) {
    slots = static_cast<uint8_t*>(alloca(std::max<size_t>(count, 1) * kSlotBytes));
  } else {
    heap.resize(count * kSlotBytes);
    slots = heap.data();
  }
  uint32_t slot = arg_base;
  for (size_t i = 0; i < type.params.size(); ++i) {
    runtime::value_to_slot(value_from_slots(type.params[i], fp + slot), slots + i * kSlotBytes);
    slot += slot_count(type.params[i]);
  }
  // Not IRONCLAD_TRY: the Result is passed on as it is, without an Error in this frame.
  if (Result<void> r = ctx->store->tier().call_slots(*ctx->store, *fi, slots); !r.ok()) return r;
  slot = arg_base;
  for (size_t i = 0; i < type.results.size(); ++i) {
    value_to_slots(runtime::value_of_slot(type.results[i], slots + i * kSlotBytes), fp + slot);
    slot += slot_count(type.results[i]);
  }
  return {};
}

// A host function takes Values, on the stack (runtime/value_buffer.h).
[[gnu::noinline]] Result<void> call_host_function(ExecContext* ctx, uint64_t* fp,
                                                  runtime::FunctionInstance* fi,
                                                  uint32_t arg_base) {
  const wasm::FuncType& type = *fi->type;
  runtime::ValueBuffer arg_buffer(type.params.size()), result_buffer(type.results.size());
  Value* args = arg_buffer.data();
  Value* results = result_buffer.data();
  uint32_t slot = arg_base;
  for (size_t i = 0; i < type.params.size(); ++i) {
    args[i] = value_from_slots(type.params[i], fp + slot);
    slot += slot_count(type.params[i]);
  }
  for (size_t i = 0; i < type.results.size(); ++i) results[i] = Value::zero(type.results[i]);
  runtime::HostContext hc{*ctx->store, ctx->act_top->code->instance};
  IRONCLAD_TRY(fi->host(hc, args, results));
  slot = arg_base;
  for (size_t i = 0; i < type.results.size(); ++i) {
    value_to_slots(results[i], fp + slot);
    slot += slot_count(type.results[i]);
  }
  return {};
}

// Records the error of a call_host (out of line: the Error would take ~360 bytes of
// call_host's frame, one per crossing on the native stack).
[[gnu::noinline, gnu::cold]] void record_call_error(ExecContext* ctx, const Word* ip,
                                                    Result<void> failed, bool other_tier) {
  raise_error(ctx, ip, std::move(failed).error());
  ctx->error_crossed_tier = other_tier;
}

// Calls a host function, or a wasm function that has machine code in a tiered store (through
// the store's tier, which runs that code), with the arguments at fp[arg_base..] and writes
// its results there. False (with the error recorded) when it fails.
[[gnu::noinline]] bool call_host(ExecContext* ctx, const Word* ip, uint64_t* fp,
                                 runtime::FunctionInstance* fi, uint32_t arg_base) {
  // A nested entry into wasm from this host function starts above the caller's frame.
  const Activation& caller = *ctx->act_top;
  uint64_t* saved_reentry = ctx->reentry_sp;
  const Word* saved_host_ip = ctx->host_call_ip;
  ctx->reentry_sp = fp + caller.code->frame_slots;
  // A host function's nested entry continues its backtrace at this call. Into another tier,
  // the error that comes back names the frames in between, so the nested entry's backtrace
  // stops at its entry and this frame's interpreter appends the rest (error_crossed_tier).
  const bool other_tier = !fi->is_host();
  ctx->host_call_ip = other_tier ? nullptr : ip;
  Result<void> r = other_tier ? call_other_tier(ctx, fp, fi, arg_base)
                              : call_host_function(ctx, fp, fi, arg_base);
  ctx->reentry_sp = saved_reentry;
  ctx->host_call_ip = saved_host_ip;
  if (!r.ok()) [[unlikely]] {
    record_call_error(ctx, ip, std::move(r), other_tier);
    return false;
  }
  return true;
}

}  // namespace

// Pushes an activation for `code` with its frame at `callee_fp`, or traps when the call
// depth or the value stack is exhausted.
#define IRONCLAD_ENTER_CALLEE(code, callee_fp, ret)                                    \
  do {                                                                                 \
    Activation* act = ctx->act_top + 1;                                                \
    if (act == ctx->act_limit || (callee_fp) + (code)->frame_slots > ctx->stack_limit) \
      [[unlikely]]                                                                     \
      return raise_trap(ctx, ip, TrapKind::CallStackExhausted);                        \
    act->code = (code);                                                                \
    act->fp = (callee_fp);                                                             \
    act->ret_ip = (ret);                                                               \
    ctx->act_top = act;                                                                \
    fp = (callee_fp);                                                                  \
  } while (0)

// A tiered store (src/tiered) publishes a function's machine code in
// FunctionInstance::jit_code, from a compile thread: from then on its calls leave the
// interpreter (through call_host, as a call into the store's tier).
inline bool has_jit_code(runtime::FunctionInstance* fi) {
  return std::atomic_ref<void*>(fi->jit_code).load(std::memory_order_acquire) != nullptr;
}

// A lazy tiered store compiled the function its first call just lowered: this call runs it.
inline bool first_call_runs_jit_code(ExecContext* ctx, runtime::FunctionInstance* fi) {
  return ctx->interp->options().first_call_runs_published_code && has_jit_code(fi);
}

// The call of a function with machine code; `next`: the words of the call instruction.
#define IRONCLAD_CALL_OTHER_TIER(fi, arg_base, next)                            \
  do {                                                                         \
    if (!call_host(ctx, ip, fp, (fi), (arg_base))) return Status::Error;       \
    mem = *ctx->act_top->code->mem_base;                                       \
    memsize = *ctx->act_top->code->mem_size;                                   \
    IRONCLAD_NEXT(next);                                                       \
  } while (0)

IRONCLAD_DEFINE_HANDLER(h_call) {
  auto* fi = static_cast<runtime::FunctionInstance*>(ip[2].ptr);
  if (has_jit_code(fi)) [[unlikely]]
    IRONCLAD_CALL_OTHER_TIER(fi, ip[1].pair.a, 3);
  auto* code = static_cast<const FuncCode*>(fi->tier_code);
  if (!code) [[unlikely]] {
    code = lower_on_call(ctx, ip, fi);
    if (!code) return Status::Error;
    if (first_call_runs_jit_code(ctx, fi)) IRONCLAD_CALL_OTHER_TIER(fi, ip[1].pair.a, 3);
  }
  add_heat(code->heat);
  uint64_t* callee_fp = fp + ip[1].pair.a;
  IRONCLAD_ENTER_CALLEE(code, callee_fp, ip + 3);
  IRONCLAD_JUMP(code->words.data());
}

IRONCLAD_DEFINE_HANDLER(h_call_cross) {
  auto* fi = static_cast<runtime::FunctionInstance*>(ip[2].ptr);
  if (has_jit_code(fi)) [[unlikely]]
    IRONCLAD_CALL_OTHER_TIER(fi, ip[1].pair.a, 3);
  auto* code = static_cast<const FuncCode*>(fi->tier_code);
  if (!code) [[unlikely]] {
    code = lower_on_call(ctx, ip, fi);
    if (!code) return Status::Error;
    if (first_call_runs_jit_code(ctx, fi)) IRONCLAD_CALL_OTHER_TIER(fi, ip[1].pair.a, 3);
  }
  add_heat(code->heat);
  uint64_t* callee_fp = fp + ip[1].pair.a;
  IRONCLAD_ENTER_CALLEE(code, callee_fp, ip + 3);
  mem = *code->mem_base;
  memsize = *code->mem_size;
  IRONCLAD_JUMP(code->words.data());
}

IRONCLAD_DEFINE_HANDLER(h_call_host) {
  auto* fi = static_cast<runtime::FunctionInstance*>(ip[2].ptr);
  if (!call_host(ctx, ip, fp, fi, ip[1].pair.a)) return Status::Error;
  // The host may have grown the memory.
  mem = *ctx->act_top->code->mem_base;
  memsize = *ctx->act_top->code->mem_size;
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_call_indirect) {
  auto& table = *static_cast<runtime::Table*>(ip[2].ptr);
  uint32_t i = slot_get<uint32_t>(fp, ip[1].pair.a);
  if (i >= table.elements.size()) [[unlikely]]
    return raise_trap(ctx, ip, TrapKind::UndefinedElement);
  Ref ref = table.elements[i];
  if (ref.is_null()) [[unlikely]]
    return raise_trap(ctx, ip, TrapKind::UninitializedElement);
  runtime::FunctionInstance* fi = runtime::FunctionInstance::from_ref(ref);
  if (fi->type_id != ip[3].pair.a) [[unlikely]]
    return raise_trap(ctx, ip, TrapKind::IndirectCallTypeMismatch);
  if (fi->is_host() || has_jit_code(fi)) [[unlikely]]
    IRONCLAD_CALL_OTHER_TIER(fi, ip[1].pair.b, 4);
  auto* code = static_cast<const FuncCode*>(fi->tier_code);
  if (!code) [[unlikely]] {
    code = lower_on_call(ctx, ip, fi);
    if (!code) return Status::Error;
    if (first_call_runs_jit_code(ctx, fi)) IRONCLAD_CALL_OTHER_TIER(fi, ip[1].pair.b, 4);
  }
  add_heat(code->heat);
  uint64_t* callee_fp = fp + ip[1].pair.b;
  IRONCLAD_ENTER_CALLEE(code, callee_fp, ip + 4);
  mem = *code->mem_base;
  memsize = *code->mem_size;
  IRONCLAD_JUMP(code->words.data());
}

IRONCLAD_DEFINE_HANDLER(h_select64) {
  uint64_t v = slot_get<uint32_t>(fp, ip[2].pair.a) ? fp[ip[1].pair.a] : fp[ip[1].pair.b];
  fp[ip[2].pair.b] = v;
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_select128) {
  uint32_t src = slot_get<uint32_t>(fp, ip[2].pair.a) ? ip[1].pair.a : ip[1].pair.b;
  uint64_t lo = fp[src], hi = fp[src + 1];
  fp[ip[2].pair.b] = lo;
  fp[ip[2].pair.b + 1] = hi;
  IRONCLAD_NEXT(3);
}

namespace {
// The address of a global's value bits (the Value union), whatever its type.
inline void* global_bits(const Word& w) {
  return &static_cast<runtime::Global*>(w.ptr)->value.v128;
}
}  // namespace

IRONCLAD_DEFINE_HANDLER(h_global_get32) {
  std::memcpy(fp + ip[1].pair.a, global_bits(ip[2]), 4);
  IRONCLAD_NEXT(3);
}
IRONCLAD_DEFINE_HANDLER(h_global_get64) {
  std::memcpy(fp + ip[1].pair.a, global_bits(ip[2]), 8);
  IRONCLAD_NEXT(3);
}
IRONCLAD_DEFINE_HANDLER(h_global_get128) {
  std::memcpy(fp + ip[1].pair.a, global_bits(ip[2]), 16);
  IRONCLAD_NEXT(3);
}
IRONCLAD_DEFINE_HANDLER(h_global_set32) {
  std::memcpy(global_bits(ip[2]), fp + ip[1].pair.a, 4);
  IRONCLAD_NEXT(3);
}
IRONCLAD_DEFINE_HANDLER(h_global_set64) {
  std::memcpy(global_bits(ip[2]), fp + ip[1].pair.a, 8);
  IRONCLAD_NEXT(3);
}
IRONCLAD_DEFINE_HANDLER(h_global_set128) {
  std::memcpy(global_bits(ip[2]), fp + ip[1].pair.a, 16);
  IRONCLAD_NEXT(3);
}

}  // namespace ironclad::interp
