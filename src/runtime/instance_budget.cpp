#include "runtime/instance_budget.h"

namespace ironclad::runtime {

bool InstanceBudget::charge(uint64_t bytes) {
  uint64_t used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ || used > limit_ - bytes) {
      if (refusals_) {
        refusals_->last_requested_bytes.store(bytes, std::memory_order_relaxed);
        refusals_->last_used_bytes.store(used, std::memory_order_relaxed);
        refusals_->count.fetch_add(1, std::memory_order_relaxed);
      }
      return false;
    }
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

void InstanceBudget::release(uint64_t bytes) {
  used_.fetch_sub(bytes, std::memory_order_relaxed);
}

}  // namespace ironclad::runtime
