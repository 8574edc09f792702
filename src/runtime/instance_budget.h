// The bytes one instance's memories and tables may hold together. The per-memory page cap
// and the per-table element cap bound each object, not their number: 1000 tables of 10M
// elements fit in a 6 KB module and ask for 80 GB. Every memory and table an instance
// defines charges its instance's budget when it is created and when it grows, and gives the
// bytes back when it is destroyed (an exported one may outlive its instance).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace ironclad::runtime {

// What budgets refused, counted for everything of one store (Store::budget_refusals): a
// refused memory.grow or table.grow returns -1 to the guest and is no error of the call, so
// this is how the host learns that an extension hit its cap (ExtensionStatus).
struct BudgetRefusals {
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> last_requested_bytes{0};  // what the last refused charge asked for
  std::atomic<uint64_t> last_used_bytes{0};       // what its budget held then
};

// Memories count their current size (pages x 64 KiB; reserved address space is not memory),
// tables their elements (x sizeof(Ref)).
class InstanceBudget {
 public:
  // `refusals`, when given, counts every charge refused.
  explicit InstanceBudget(uint64_t limit_bytes, std::shared_ptr<BudgetRefusals> refusals = nullptr)
      : limit_(limit_bytes), refusals_(std::move(refusals)) {}
  InstanceBudget(const InstanceBudget&) = delete;
  InstanceBudget& operator=(const InstanceBudget&) = delete;

  // Takes `bytes` from the budget; false (and nothing taken) when that would exceed it.
  bool charge(uint64_t bytes);
  void release(uint64_t bytes);
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
  std::shared_ptr<BudgetRefusals> refusals_;
};

}  // namespace ironclad::runtime
