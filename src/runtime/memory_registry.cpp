// The registry of guarded memory reservations: the same scheme as the code registry
// (code_registry.cpp). The ranges live in an immutable sorted table that a writer replaces
// as a whole, freeing the old one only once no lookup can still be reading it, so the
// signal handler's lookup takes no lock and allocates nothing.
#include "runtime/memory_registry.h"

#include <sched.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace ironclad::runtime {

namespace {

struct Range {
  uintptr_t begin = 0;
  uintptr_t end = 0;  // one past the last byte
};

struct RangeTable {
  size_t count = 0;
  Range ranges[1];  // really `count` of them, sorted by begin, not overlapping
};

RangeTable* make_table(size_t count) {
  size_t bytes = sizeof(RangeTable) + (count > 0 ? count - 1 : 0) * sizeof(Range);
  auto* table = static_cast<RangeTable*>(::operator new(bytes));
  table->count = count;
  return table;
}

std::atomic<RangeTable*> published{nullptr};
// Lookups in progress on any thread; a writer waits for zero before freeing the table it
// replaced. Lookups never wait, so a signal handler on the writer's thread cannot deadlock.
std::atomic<int> lookups_in_progress{0};
std::mutex writer_mutex;

void publish(RangeTable* next) {
  RangeTable* old = published.exchange(next, std::memory_order_seq_cst);
  while (lookups_in_progress.load(std::memory_order_seq_cst) != 0) sched_yield();
  ::operator delete(old);
}

// Index of the first range with begin > address.
size_t upper_bound(const RangeTable* table, uintptr_t address) {
  size_t lo = 0, hi = table->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (table->ranges[mid].begin <= address)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

std::string range_text(uintptr_t begin, uintptr_t end) {
  char buf[64];
  snprintf(buf, sizeof buf, "0x%lx..0x%lx", static_cast<unsigned long>(begin),
           static_cast<unsigned long>(end));
  return buf;
}

}  // namespace

Result<void> register_memory_reservation(uintptr_t begin, uintptr_t end) {
  if (begin >= end)
    return Error::make(ErrorKind::Usage,
                       "register_memory_reservation: empty range " + range_text(begin, end));
  std::lock_guard<std::mutex> lock(writer_mutex);
  const RangeTable* old = published.load(std::memory_order_acquire);
  size_t old_count = old ? old->count : 0;
  size_t at = old ? upper_bound(old, begin) : 0;
  const Range* before = at > 0 ? &old->ranges[at - 1] : nullptr;
  const Range* after = at < old_count ? &old->ranges[at] : nullptr;
  const Range* clash = before && before->end > begin ? before
                       : after && after->begin < end ? after
                                                     : nullptr;
  if (clash)
    return Error::make(ErrorKind::Usage, "register_memory_reservation: range " +
                                             range_text(begin, end) + " overlaps reservation " +
                                             range_text(clash->begin, clash->end));
  RangeTable* next = make_table(old_count + 1);
  for (size_t i = 0; i < at; ++i) next->ranges[i] = old->ranges[i];
  next->ranges[at] = Range{begin, end};
  for (size_t i = at; i < old_count; ++i) next->ranges[i + 1] = old->ranges[i];
  publish(next);
  return {};
}

bool unregister_memory_reservation(uintptr_t begin) {
  std::lock_guard<std::mutex> lock(writer_mutex);
  const RangeTable* old = published.load(std::memory_order_acquire);
  if (!old) return false;
  size_t at = upper_bound(old, begin);
  if (at == 0 || old->ranges[at - 1].begin != begin) return false;
  size_t found = at - 1;
  RangeTable* next = old->count > 1 ? make_table(old->count - 1) : nullptr;
  for (size_t i = 0, j = 0; i < old->count; ++i)
    if (i != found) next->ranges[j++] = old->ranges[i];
  publish(next);
  return true;
}

bool in_memory_reservation(uintptr_t address) {
  lookups_in_progress.fetch_add(1, std::memory_order_seq_cst);
  const RangeTable* table = published.load(std::memory_order_seq_cst);
  bool found = false;
  if (table) {
    size_t at = upper_bound(table, address);
    found = at > 0 && address < table->ranges[at - 1].end;
  }
  lookups_in_progress.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

}  // namespace ironclad::runtime
