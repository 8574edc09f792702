// The per-instance context every compiled function receives as its first argument: what
// generated code reads without calling into the runtime. Generated code addresses the
// fields by their byte offsets (offsetof below), so this struct is standard-layout and
// holds only pointers and plain integers.
#pragma once

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
};

namespace ctx_offset {
inline constexpr size_t kMemoryBase = offsetof(VmContext, memory_base);
inline constexpr size_t kMemorySize = offsetof(VmContext, memory_size);
inline constexpr size_t kGlobals = offsetof(VmContext, globals);
inline constexpr size_t kFuncs = offsetof(VmContext, funcs);
inline constexpr size_t kStackLimit = offsetof(VmContext, stack_limit);
}  // namespace ctx_offset

// How values cross between generated code and C++ (entry wrappers, calls through a
// FunctionInstance): an array of 16-byte slots, arguments in, results written back over them.
inline constexpr size_t kSlotBytes = 16;

// Every compiled function's entry wrapper: reads its arguments from `slots`, writes results.
using EntryFn = void (*)(VmContext* ctx, uint8_t* slots);

// What FunctionInstance::tier_code points at for a function compiled by this tier.
struct JitFunction {
  EntryFn entry = nullptr;
  VmContext* ctx = nullptr;
};

}  // namespace ironclad::jit
