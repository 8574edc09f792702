// Tables: a vector of references whose size only grows, within the declared maximum and
// the store's cap.
#include <algorithm>

#include "runtime/runtime.h"

namespace ironclad::runtime {
namespace {

// Table indices are 32-bit, so a table never holds more than 2^32 - 1 elements.
constexpr uint64_t kMaxTableElements32 = 0xFFFF'FFFFull;

}  // namespace

Table::Table(const wasm::TableType& type, Ref init, const StoreLimits& limits)
    : elements(type.limits.min, init), type_(type), cap_(limits.max_table_elements) {
  view_ = View{elements.data(), elements.size()};
}

Result<std::unique_ptr<Table>> Table::create(const wasm::TableType& type, Ref init,
                                             const StoreLimits& limits,
                                             std::shared_ptr<InstanceBudget> budget) {
  const uint64_t min = type.limits.min;
  if (min > limits.max_table_elements)
    return Error::make(ErrorKind::Exhausted, "table of " + std::to_string(min) +
                                                 " elements exceeds the store's cap of " +
                                                 std::to_string(limits.max_table_elements));
  // Charged before the elements are allocated: the budget is what keeps a module of many
  // tables from asking for more memory than the machine has.
  if (budget && !budget->charge(min * sizeof(Ref)))
    return Error::make(ErrorKind::Exhausted,
                       "table of " + std::to_string(min) + " elements (" +
                           std::to_string(min * sizeof(Ref)) +
                           " bytes) exceeds what is left of the instance's budget for memories "
                           "and tables (" +
                           std::to_string(budget->limit() - budget->used()) + " of " +
                           std::to_string(budget->limit()) + " bytes)");
  auto table = std::make_unique<Table>(type, init, limits);
  table->budget_ = std::move(budget);
  return table;
}

Table::~Table() {
  if (budget_) budget_->release(elements.size() * sizeof(Ref));
}

wasm::TableType Table::current_type() const {
  wasm::TableType t = type_;
  t.limits.min = elements.size();
  return t;
}

int64_t Table::grow(uint64_t delta, Ref init) {
  const uint64_t old_size = elements.size();
  uint64_t limit = std::min(cap_, kMaxTableElements32);
  if (type_.limits.max) limit = std::min(limit, *type_.limits.max);
  if (old_size > limit || delta > limit - old_size) return -1;
  if (budget_ && !budget_->charge(delta * sizeof(Ref))) return -1;
  elements.resize(old_size + delta, init);
  view_ = View{elements.data(), elements.size()};
  return static_cast<int64_t>(old_size);
}

}  // namespace ironclad::runtime
