// The per-instance context every compiled function receives as its first argument: what
// generated code reads without calling into the runtime. Generated code addresses the
// fields by their byte offsets (offsetof below), so this struct is standard-layout and
// holds only pointers and plain integers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/runtime.h"

namespace ironclad::jit {

struct VmContext {
  uint8_t* memory_base = nullptr;          // memory 0 (never moves), or null
  const uint64_t* memory_size = nullptr;   // &Memory::size_bytes of memory 0 (or of a zero)
  void** globals = nullptr;                // per global: the address of its value's payload
  runtime::FunctionInstance** funcs = nullptr;  // the function index space
  const uintptr_t* stack_limit = nullptr;  // generated code traps when its frame is below this
  runtime::Instance* instance = nullptr;
  runtime::Store* store = nullptr;
  // For call_indirect without a runtime call: per table, its view (elements and count), and
  // the instance's canonical type id of each of its module's types.
  const runtime::Table::View* const* tables = nullptr;
  const uint32_t* type_ids = nullptr;
  // Fuel (StoreLimits::fuel): the units left in the running call from the host, shared by
  // every instance of the store. Only code compiled with CompileOptions::fuel reads it; null
  // for a store without a fuel limit.
  uint64_t* fuel = nullptr;
  // Wasm frames the running call from the host may still push (StoreLimits::max_call_depth,
  // the interpreter's limit too), shared by every instance of the store: decremented at each
  // function's entry (zero: CallStackExhausted), incremented at its return.
  int64_t* calls_left = nullptr;
  // The store's interrupt flag (runtime::CallBudget::interrupt_flag): nonzero once the
  // running call's deadline may have passed. Only code compiled with
  // CompileOptions::interrupt reads it, at function entries and loop headers; null otherwise.
  std::atomic<uint32_t>* interrupt = nullptr;
};

namespace ctx_offset {
inline constexpr size_t kMemoryBase = offsetof(VmContext, memory_base);
inline constexpr size_t kMemorySize = offsetof(VmContext, memory_size);
inline constexpr size_t kGlobals = offsetof(VmContext, globals);
inline constexpr size_t kFuncs = offsetof(VmContext, funcs);
inline constexpr size_t kStackLimit = offsetof(VmContext, stack_limit);
inline constexpr size_t kTables = offsetof(VmContext, tables);
inline constexpr size_t kTypeIds = offsetof(VmContext, type_ids);
inline constexpr size_t kFuel = offsetof(VmContext, fuel);
inline constexpr size_t kCallsLeft = offsetof(VmContext, calls_left);
inline constexpr size_t kInterrupt = offsetof(VmContext, interrupt);
}  // namespace ctx_offset

// How values cross between generated code and C++ (entry wrappers, calls through a
// FunctionInstance): an array of 16-byte slots, arguments in, results written back over them.
inline constexpr size_t kSlotBytes = 16;

// Every compiled function's entry wrapper: reads its arguments from `slots`, writes results.
using EntryFn = void (*)(VmContext* ctx, uint8_t* slots);

// What FunctionInstance::jit_code points at for a function with machine code.
struct JitFunction {
  EntryFn entry = nullptr;
  VmContext* ctx = nullptr;
  // The function itself (wasm_f<N>: (ctx, params...) -> results, the signature of
  // ModuleTranslation::signature), or null. Code of the same instance compiled apart from it
  // (a tiered store's other batches, loop entries) calls it directly with its own context,
  // arguments and results in registers, instead of through `entry` and slots.
  const void* body = nullptr;
};

// Where generated code finds the fields of a FunctionInstance it reads on a call fast path
// (the callee's type id and jit_code). FunctionInstance holds a std::function, so it is
// not standard-layout and offsetof does not apply: the offsets are measured on an object.
struct FunctionInstanceLayout {
  size_t type_id = 0;
  size_t jit_code = 0;
};
inline FunctionInstanceLayout function_instance_layout() {
  static const runtime::FunctionInstance probe;
  auto at = [](const void* field) {
    return static_cast<size_t>(static_cast<const char*>(field) -
                               reinterpret_cast<const char*>(&probe));
  };
  return {at(&probe.type_id), at(&probe.jit_code)};
}
inline constexpr size_t kJitFunctionEntry = offsetof(JitFunction, entry);
inline constexpr size_t kJitFunctionCtx = offsetof(JitFunction, ctx);
inline constexpr size_t kJitFunctionBody = offsetof(JitFunction, body);

}  // namespace ironclad::jit
