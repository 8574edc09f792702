// The bytes one instance's memories and tables may hold together. The per-memory page cap
// and the per-table element cap bound each object, not their number: 1000 tables of 10M
// elements fit in a 6 KB module and ask for 80 GB. Every memory and table an instance
// defines charges its instance's budget when it is created and when it grows, and gives the
// bytes back when it is destroyed (an exported one may outlive its instance).
#pragma once

#include <atomic>
#include <cstdint>

namespace ironclad::runtime {

// Memories count their current size (pages x 64 KiB; reserved address space is not memory),
// tables their elements (x sizeof(Ref)).
class InstanceBudget {
 public:
  explicit InstanceBudget(uint64_t limit_bytes) : limit_(limit_bytes) {}
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
};

}  // namespace ironclad::runtime
