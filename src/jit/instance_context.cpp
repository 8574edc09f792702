#include "jit/instance_context.h"

namespace ironclad::jit {

void InstanceContext::fill(runtime::Store& store, runtime::Instance& instance, BudgetChecks checks,
                           const StoreCounters& counters) {
  if (!instance.memories.empty()) {
    ctx.memory_base = instance.memories[0]->base;
    ctx.memory_size = &instance.memories[0]->size_bytes;
  } else {
    ctx.memory_size = &no_memory_size;
  }
  for (runtime::Global* g : instance.globals) globals.push_back(&g->value.i64);
  ctx.globals = globals.data();
  for (runtime::Table* t : instance.tables) tables.push_back(t->view());
  ctx.tables = tables.data();
  ctx.type_ids = instance.type_ids.data();
  ctx.funcs = instance.funcs.data();
  ctx.fuel = checks == BudgetChecks::Fuel ? counters.fuel : nullptr;
  ctx.interrupt =
      checks == BudgetChecks::Interrupt ? store.call_budget().interrupt_flag() : nullptr;
  ctx.stack_limit = counters.stack_limit;
  ctx.calls_left = counters.calls_left;
  ctx.instance = &instance;
  ctx.store = &store;
}

}  // namespace ironclad::jit
