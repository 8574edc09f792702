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
  elements.resize(old_size + delta, init);
  view_ = View{elements.data(), elements.size()};
  return static_cast<int64_t>(old_size);
}

}  // namespace ironclad::runtime
