// What the generated code of one instance reads: its VmContext and the arrays the context
// points at (globals' payloads, tables' views). The JIT tier and the tiered tier fill it alike.
#pragma once

#include <cstdint>
#include <vector>

#include "jit/jit_tier.h"
#include "jit/vm_context.h"
#include "runtime/runtime.h"

namespace ironclad::jit {

// The per-store fields of a VmContext: owned by the tier, shared by the store's instances.
struct StoreCounters {
  uint64_t* fuel = nullptr;  // for BudgetChecks::Fuel code
  const uintptr_t* stack_limit = nullptr;
  int64_t* calls_left = nullptr;
};

struct InstanceContext {
  InstanceContext() = default;
  // The context points into this object (no_memory_size): it never moves.
  InstanceContext(const InstanceContext&) = delete;
  InstanceContext& operator=(const InstanceContext&) = delete;

  // Points the context at `instance` (memory 0, globals, tables, type ids, functions) of
  // `store`, at the store's counters, and, for `checks`, at its fuel counter or its call
  // budget's interrupt flag.
  void fill(runtime::Store& store, runtime::Instance& instance, BudgetChecks checks,
            const StoreCounters& counters);

  VmContext ctx;
  std::vector<void*> globals;
  std::vector<const runtime::Table::View*> tables;  // what VmContext::tables points at
  uint64_t no_memory_size = 0;  // what memory_size points at for a module without memory
};

}  // namespace ironclad::jit
