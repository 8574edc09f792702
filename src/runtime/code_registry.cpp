// The registry of generated code ranges. Readers include the signal handler, so a lookup
// takes no lock and allocates nothing: the ranges live in an immutable sorted table that a
// writer replaces as a whole (copy, edit, publish), freeing the old one only once no
// lookup can still be reading it.
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "runtime/activation.h"

namespace ironclad::runtime {

namespace {

struct CodeTable {
  size_t count = 0;
  CodeRange ranges[1];  // really `count` of them, sorted by begin, not overlapping
};

CodeTable* make_table(size_t count) {
  size_t bytes = sizeof(CodeTable) + (count > 0 ? count - 1 : 0) * sizeof(CodeRange);
  auto* table = static_cast<CodeTable*>(::operator new(bytes));
  table->count = count;
  return table;
}

std::atomic<CodeTable*> published{nullptr};
// Lookups in progress (any thread). A writer waits for zero before freeing a table it
// replaced; lookups never wait, so this cannot deadlock even when a signal handler looks up
// on the writer's own thread.
std::atomic<int> lookups_in_progress{0};
std::mutex writer_mutex;

void hex(std::string& out, uintptr_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(v));
  out += buf;
}

// Publishes `next` and frees the table it replaces once no lookup can still see it.
void publish(CodeTable* next) {
  CodeTable* old = published.exchange(next, std::memory_order_seq_cst);
  // A lookup that started before the exchange may hold `old`; one that starts after sees
  // `next` (both sides are seq_cst, so the counter and the pointer are ordered).
  while (lookups_in_progress.load(std::memory_order_seq_cst) != 0) sched_yield();
  ::operator delete(old);
}

// Index of the first range with begin > pc (binary search), in the table being read.
size_t upper_bound(const CodeTable* table, uintptr_t pc) {
  size_t lo = 0, hi = table->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (table->ranges[mid].begin <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

}  // namespace

Result<void> register_code(uintptr_t begin, uintptr_t end, const CodeInfo* info) {
  if (begin >= end || !info) {
    std::string msg = "register_code: ";
    msg += !info ? "null CodeInfo for range " : "empty range ";
    hex(msg, begin);
    msg += "..";
    hex(msg, end);
    return Error::make(ErrorKind::Usage, msg);
  }
  std::lock_guard<std::mutex> lock(writer_mutex);
  const CodeTable* old = published.load(std::memory_order_acquire);
  size_t old_count = old ? old->count : 0;
  size_t at = old ? upper_bound(old, begin) : 0;
  // Neighbours: the range before must end at or before begin, the one after start at or
  // after end.
  const CodeRange* before = at > 0 ? &old->ranges[at - 1] : nullptr;
  const CodeRange* after = at < old_count ? &old->ranges[at] : nullptr;
  const CodeRange* clash = before && before->end > begin ? before
                           : after && after->begin < end ? after
                                                         : nullptr;
  if (clash) {
    std::string msg = "register_code: range ";
    hex(msg, begin);
    msg += "..";
    hex(msg, end);
    msg += " overlaps registered code ";
    hex(msg, clash->begin);
    msg += "..";
    hex(msg, clash->end);
    return Error::make(ErrorKind::Usage, msg);
  }
  CodeTable* next = make_table(old_count + 1);
  for (size_t i = 0; i < at; ++i) next->ranges[i] = old->ranges[i];
  next->ranges[at] = CodeRange{begin, end, info};
  for (size_t i = at; i < old_count; ++i) next->ranges[i + 1] = old->ranges[i];
  publish(next);
  return {};
}

bool unregister_code(uintptr_t begin) {
  std::lock_guard<std::mutex> lock(writer_mutex);
  const CodeTable* old = published.load(std::memory_order_acquire);
  if (!old) return false;
  size_t at = upper_bound(old, begin);
  if (at == 0 || old->ranges[at - 1].begin != begin) return false;
  size_t found = at - 1;
  CodeTable* next = old->count > 1 ? make_table(old->count - 1) : nullptr;
  for (size_t i = 0, j = 0; i < old->count; ++i)
    if (i != found) next->ranges[j++] = old->ranges[i];
  publish(next);
  return true;
}

bool find_code_range(uintptr_t pc, CodeRange& out) {
  lookups_in_progress.fetch_add(1, std::memory_order_seq_cst);
  const CodeTable* table = published.load(std::memory_order_seq_cst);
  bool found = false;
  if (table) {
    size_t at = upper_bound(table, pc);
    if (at > 0 && pc < table->ranges[at - 1].end) {
      out = table->ranges[at - 1];
      found = true;
    }
  }
  lookups_in_progress.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

const CodeInfo* find_code(uintptr_t pc) {
  CodeRange range;
  return find_code_range(pc, range) ? range.info : nullptr;
}

}  // namespace ironclad::runtime
