// The runtime side of generated code: see runtime_helpers.h. Each helper that can trap does
// its checks first and calls raise_trap only from a frame without live C++ objects.
#include "jit/runtime_helpers.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "runtime/activation.h"
#include "runtime/segment_ops.h"
#include "runtime/value_buffer.h"

namespace ironclad::jit {
namespace {

using runtime::FunctionInstance;

// Unwinds; runtime::raise_trap records the generated-code frames for the backtrace.
[[noreturn]] [[gnu::noinline]] void trap(TrapKind kind) { runtime::raise_trap(kind); }

template <TrapKind kKind>
[[noreturn]] void trap_with() {
  trap(kKind);
}

// A host function, or a wasm function without machine code (in a tiered store: one that still
// runs in the interpreter, called through the store's tier like a host function), called from
// generated code. Its C++ objects (argument vectors, the call) all live in this frame, which
// has returned before any unwinding.
// Machine code's slots are the layout Tier::call_slots takes.
static_assert(kSlotBytes == runtime::Tier::kSlotBytes);

// A host function takes Values, on the stack (no heap vectors: two per call were ~3% of
// SQLite's main thread in malloc and free). A function of its own, so that the calls into the
// interpreter (call_function's other slow path) do not carry these buffers in their frames.
[[gnu::noinline]] Result<void> call_host_with_values(VmContext* caller, FunctionInstance& func,
                                                     uint8_t* slots) {
  if (!func.host) return Error::make(ErrorKind::Usage, "host function without a body");
  runtime::Store& store = *caller->store;
  const wasm::FuncType& type = *func.type;
  runtime::ValueBuffer args(type.params.size()), results(type.results.size());
  for (size_t i = 0; i < type.params.size(); ++i)
    args.data()[i] = runtime::value_of_slot(type.params[i], slots + i * kSlotBytes);
  for (size_t i = 0; i < type.results.size(); ++i) results.data()[i] = Value::zero(type.results[i]);
  runtime::HostContext hc{store, caller->instance};
  IRONCLAD_TRY(func.host(hc, args.data(), results.data()));
  for (size_t i = 0; i < type.results.size(); ++i)
    runtime::value_to_slot(results.data()[i], slots + i * kSlotBytes);
  return {};
}

// Moves the host error into the activation and unwinds; `error` lives in the caller's
// frame, which the unwinding skips, so it is moved out first.
[[noreturn]] [[gnu::noinline]] void unwind_host_error(Error& error) {
  runtime::raise_host_error(std::move(error));
}

// The same for an error held by a Result: the Error is moved out of its heap box, the box
// freed, then the error unwinds (the caller's Result is left empty, owning nothing).
[[noreturn]] [[gnu::noinline]] void unwind_host_result(Result<void>& result) {
  Error error = std::move(result).error();
  result = Result<void>();
  runtime::raise_host_error(std::move(error));
}

runtime::Table& table_of(VmContext* ctx, uint32_t index) { return *ctx->instance->tables[index]; }
runtime::Memory* memory_of(VmContext* ctx) {
  auto& mems = ctx->instance->memories;
  return mems.empty() ? nullptr : mems[0];
}

bool range_ok(uint64_t start, uint64_t n, uint64_t size) { return start <= size && n <= size - start; }

// A bulk operation touching `bytes` bytes spends fuel by size (runtime/call_budget.h) in code
// that counts fuel; with the budget spent, the call ends with its Exhausted error.
void charge_bulk(VmContext* ctx, uint64_t bytes) {
  if (ctx->fuel == nullptr) return;
  runtime::CallBudget& budget = ctx->store->call_budget();
  if (budget.spend(*ctx->fuel, runtime::CallBudget::units_for_bytes(bytes))) return;
  Error error = budget.exhausted_error();
  unwind_host_error(error);
}

}  // namespace

Result<void> call_function(VmContext* caller, FunctionInstance& func, uint8_t* slots) {
  if (func.is_host()) return call_host_with_values(caller, func, slots);
  if (auto* code = static_cast<JitFunction*>(func.jit_code)) {
    code->entry(code->ctx, slots);
    return {};
  }
  // The store's tier takes the slots as they are (the interpreter of a tiered store, at
  // every call from machine code into a function without any).
  runtime::Store& store = *caller->store;
  return store.tier().call_slots(store, func, slots);
}

}  // namespace ironclad::jit

using ironclad::TrapKind;
using ironclad::jit::VmContext;
using ironclad::runtime::FunctionInstance;
namespace jit = ironclad::jit;

extern "C" {

void ironclad_jit_fuel_refill(VmContext* ctx) {
  // Not a trap: the interpreter reports running out of fuel (Exhausted) or time (Timeout) as
  // this error.
  // The Error is moved out by unwind_host_error, as in ironclad_jit_call below.
  ironclad::runtime::CallBudget& budget = ctx->store->call_budget();
  if (budget.refill(*ctx->fuel)) return;
  ironclad::Error error = budget.exhausted_error();
  jit::unwind_host_error(error);
}

void ironclad_jit_interrupt(VmContext* ctx) {
  // The watchdog raised the flag: the budget decides by the clock (a flag raised for an
  // earlier call's deadline is lowered and the code goes on).
  ironclad::runtime::CallBudget& budget = ctx->store->call_budget();
  if (budget.interrupted()) return;
  ironclad::Error error = budget.exhausted_error();
  jit::unwind_host_error(error);
}

void ironclad_jit_call(VmContext* ctx, FunctionInstance* func, uint8_t* slots) {
  // Not a C++ object owning memory in sight of the unwinding: the error is moved out of the
  // Result and its box freed by unwind_host_result before siglongjmp.
  ironclad::Result<void> result = jit::call_function(ctx, *func, slots);
  if (!result.ok()) jit::unwind_host_result(result);
}

uint32_t ironclad_jit_memory_grow(VmContext* ctx, uint32_t delta) {
  return static_cast<uint32_t>(jit::memory_of(ctx)->grow(delta));
}

void ironclad_jit_memory_fill(VmContext* ctx, uint32_t dst, uint32_t value, uint32_t n) {
  auto* mem = jit::memory_of(ctx);
  if (!jit::range_ok(dst, n, mem->size_bytes)) jit::trap(TrapKind::OutOfBoundsMemoryAccess);
  jit::charge_bulk(ctx, n);
  std::memset(mem->base + dst, static_cast<int>(value & 0xFF), n);
}

void ironclad_jit_memory_copy(VmContext* ctx, uint32_t dst, uint32_t src, uint32_t n) {
  auto* mem = jit::memory_of(ctx);
  if (!jit::range_ok(dst, n, mem->size_bytes) || !jit::range_ok(src, n, mem->size_bytes))
    jit::trap(TrapKind::OutOfBoundsMemoryAccess);
  jit::charge_bulk(ctx, n);
  std::memmove(mem->base + dst, mem->base + src, n);
}

void ironclad_jit_memory_init(VmContext* ctx, uint32_t segment, uint32_t dst, uint32_t src,
                              uint32_t n) {
  jit::charge_bulk(ctx, n);
  auto* inst = ctx->instance;
  const auto& seg = inst->module->data[segment];
  uint64_t size = inst->data_dropped[segment] ? 0 : seg.bytes_size;
  auto* mem = jit::memory_of(ctx);
  if (!jit::range_ok(src, n, size) || !jit::range_ok(dst, n, mem->size_bytes))
    jit::trap(TrapKind::OutOfBoundsMemoryAccess);
  std::memcpy(mem->base + dst, inst->module->bytes.data() + seg.bytes_offset + src, n);
}

void ironclad_jit_data_drop(VmContext* ctx, uint32_t segment) {
  ctx->instance->data_dropped[segment] = true;
}

uint64_t ironclad_jit_table_get(VmContext* ctx, uint32_t table, uint32_t index) {
  auto& elements = jit::table_of(ctx, table).elements;
  if (index >= elements.size()) jit::trap(TrapKind::OutOfBoundsTableAccess);
  return elements[index].bits;
}

void ironclad_jit_table_set(VmContext* ctx, uint32_t table, uint32_t index, uint64_t ref) {
  auto& elements = jit::table_of(ctx, table).elements;
  if (index >= elements.size()) jit::trap(TrapKind::OutOfBoundsTableAccess);
  elements[index] = ironclad::Ref{static_cast<uintptr_t>(ref)};
}

uint32_t ironclad_jit_table_size(VmContext* ctx, uint32_t table) {
  return static_cast<uint32_t>(jit::table_of(ctx, table).elements.size());
}

uint32_t ironclad_jit_table_grow(VmContext* ctx, uint32_t table, uint64_t init, uint32_t delta) {
  jit::charge_bulk(ctx, uint64_t{delta} * sizeof(ironclad::Ref));
  return static_cast<uint32_t>(
      jit::table_of(ctx, table).grow(delta, ironclad::Ref{static_cast<uintptr_t>(init)}));
}

void ironclad_jit_table_fill(VmContext* ctx, uint32_t table, uint32_t dst, uint64_t ref,
                             uint32_t n) {
  auto& elements = jit::table_of(ctx, table).elements;
  if (!jit::range_ok(dst, n, elements.size())) jit::trap(TrapKind::OutOfBoundsTableAccess);
  jit::charge_bulk(ctx, uint64_t{n} * sizeof(ironclad::Ref));
  std::fill_n(elements.begin() + dst, n, ironclad::Ref{static_cast<uintptr_t>(ref)});
}

void ironclad_jit_table_copy(VmContext* ctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                             uint32_t src, uint32_t n) {
  auto& d = jit::table_of(ctx, dst_table).elements;
  auto& s = jit::table_of(ctx, src_table).elements;
  if (!jit::range_ok(dst, n, d.size()) || !jit::range_ok(src, n, s.size()))
    jit::trap(TrapKind::OutOfBoundsTableAccess);
  jit::charge_bulk(ctx, uint64_t{n} * sizeof(ironclad::Ref));
  // Overlapping ranges in one table copy as if through a temporary (memmove order).
  if (&d == &s && dst > src)
    std::copy_backward(s.begin() + src, s.begin() + src + n, d.begin() + dst + n);
  else
    std::copy(s.begin() + src, s.begin() + src + n, d.begin() + dst);
}

void ironclad_jit_table_init(VmContext* ctx, uint32_t table, uint32_t segment, uint32_t dst,
                             uint32_t src, uint32_t n) {
  jit::charge_bulk(ctx, uint64_t{n} * sizeof(ironclad::Ref));
  auto* inst = ctx->instance;
  size_t size = inst->elem_dropped[segment] ? 0 : inst->elem_refs[segment].size();
  auto& elements = jit::table_of(ctx, table).elements;
  if (!jit::range_ok(src, n, size) || !jit::range_ok(dst, n, elements.size()))
    jit::trap(TrapKind::OutOfBoundsTableAccess);
  std::copy_n(inst->elem_refs[segment].begin() + src, n, elements.begin() + dst);
}

void ironclad_jit_elem_drop(VmContext* ctx, uint32_t segment) {
  ctx->instance->elem_dropped[segment] = true;
}

}  // extern "C"

namespace ironclad::jit {

std::string trap_helper_name(TrapKind kind) {
  return "ironclad_jit_trap_" + std::to_string(static_cast<unsigned>(kind));
}

namespace {

// One per trap kind after None: kind k + 1 for each k.
template <size_t... k>
std::vector<HelperSymbol> trap_helpers(std::index_sequence<k...>) {
  // The names live as long as the process: the table is built once.
  static const std::string names[] = {trap_helper_name(static_cast<TrapKind>(k + 1))...};
  return {HelperSymbol{names[k].c_str(),
                       reinterpret_cast<void*>(&trap_with<static_cast<TrapKind>(k + 1)>)}...};
}

}  // namespace

std::span<const HelperSymbol> runtime_helpers() {
#define HELPER(name) HelperSymbol{#name, reinterpret_cast<void*>(&name)}
  static const HelperSymbol kHelpers[] = {
      HELPER(ironclad_jit_fuel_refill), HELPER(ironclad_jit_interrupt),
      HELPER(ironclad_jit_call),        HELPER(ironclad_jit_memory_grow),
      HELPER(ironclad_jit_memory_fill), HELPER(ironclad_jit_memory_copy),
      HELPER(ironclad_jit_memory_init), HELPER(ironclad_jit_data_drop),
      HELPER(ironclad_jit_table_get),   HELPER(ironclad_jit_table_set),
      HELPER(ironclad_jit_table_size),  HELPER(ironclad_jit_table_grow),
      HELPER(ironclad_jit_table_fill),  HELPER(ironclad_jit_table_copy),
      HELPER(ironclad_jit_table_init),  HELPER(ironclad_jit_elem_drop),
  };
#undef HELPER
  static const std::vector<HelperSymbol> all = [] {
    std::vector<HelperSymbol> out(std::begin(kHelpers), std::end(kHelpers));
    // Every kind from Unreachable to HostTrap (the last one).
    for (const HelperSymbol& h :
         trap_helpers(std::make_index_sequence<static_cast<size_t>(TrapKind::HostTrap)>()))
      out.push_back(h);
    return out;
  }();
  return all;
}

}  // namespace ironclad::jit
