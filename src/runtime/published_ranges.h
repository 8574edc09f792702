// A set of non-overlapping address ranges that the signal handler can search: the scheme
// shared by the code registry (code_registry.cpp) and the memory-reservation registry
// (memory_registry.cpp).
//
// A lookup takes no lock and allocates nothing, so it is async-signal-safe: the ranges live
// in an immutable table sorted by begin, which a writer replaces as a whole (copy, edit,
// publish) and frees only once no lookup can still be reading it. Writers serialise on a
// mutex; they must never run inside a signal handler (the mutex and the allocator are not
// async-signal-safe), lookups may run anywhere.
#pragma once

#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <type_traits>

namespace ironclad::runtime {

// Entry: a trivially copyable struct with `uintptr_t begin, end` (end is one past the last
// byte) and whatever the owner wants to find with them. Instances are meant to be
// process-wide (constinit) objects; destroying one leaks its last table on purpose, so a
// signal handler running during exit never reads a freed one.
template <typename Entry>
class PublishedRanges {
  static_assert(std::is_trivially_copyable_v<Entry>,
                "tables are copied with plain assignment and freed without destructors");

 public:
  constexpr PublishedRanges() = default;
  PublishedRanges(const PublishedRanges&) = delete;
  PublishedRanges& operator=(const PublishedRanges&) = delete;

  // Adds `entry` (the caller has checked begin < end). If it overlaps a registered range,
  // nothing changes, that range is copied to `clash` and the result is false.
  bool insert(const Entry& entry, Entry& clash) {
    std::lock_guard<std::mutex> lock(writer_mutex_);
    const Table* old = published_.load(std::memory_order_acquire);
    size_t old_count = old ? old->count : 0;
    size_t at = old ? upper_bound(old, entry.begin) : 0;
    // Only the neighbours can overlap: the range before must end at or before begin, the
    // one after must start at or after end.
    const Entry* before = at > 0 ? &old->entries[at - 1] : nullptr;
    const Entry* after = at < old_count ? &old->entries[at] : nullptr;
    if (before && before->end > entry.begin) {
      clash = *before;
      return false;
    }
    if (after && after->begin < entry.end) {
      clash = *after;
      return false;
    }
    Table* next = make_table(old_count + 1);
    for (size_t i = 0; i < at; ++i) next->entries[i] = old->entries[i];
    next->entries[at] = entry;
    for (size_t i = at; i < old_count; ++i) next->entries[i + 1] = old->entries[i];
    publish(next);
    return true;
  }

  // Removes the range that starts at `begin`; false if there is none.
  bool erase(uintptr_t begin) {
    std::lock_guard<std::mutex> lock(writer_mutex_);
    const Table* old = published_.load(std::memory_order_acquire);
    if (!old) return false;
    size_t at = upper_bound(old, begin);
    if (at == 0 || old->entries[at - 1].begin != begin) return false;
    size_t found = at - 1;
    Table* next = old->count > 1 ? make_table(old->count - 1) : nullptr;
    for (size_t i = 0, j = 0; i < old->count; ++i)
      if (i != found) next->entries[j++] = old->entries[i];
    publish(next);
    return true;
  }

  // Copies the range that holds `address` to `out`; false if there is none.
  // Async-signal-safe and lock-free: it never waits, whatever the writers do.
  bool find(uintptr_t address, Entry& out) const {
    lookups_in_progress_.fetch_add(1, std::memory_order_seq_cst);
    const Table* table = published_.load(std::memory_order_seq_cst);
    bool found = false;
    if (table) {
      size_t at = upper_bound(table, address);
      if (at > 0 && address < table->entries[at - 1].end) {
        out = table->entries[at - 1];
        found = true;
      }
    }
    lookups_in_progress_.fetch_sub(1, std::memory_order_seq_cst);
    return found;
  }

 private:
  struct Table {
    size_t count = 0;
    Entry entries[1];  // really `count` of them, sorted by begin, not overlapping
  };

  static Table* make_table(size_t count) {
    size_t bytes = sizeof(Table) + (count > 0 ? count - 1 : 0) * sizeof(Entry);
    auto* table = static_cast<Table*>(::operator new(bytes));
    table->count = count;
    return table;
  }

  // Index of the first entry with begin > address (binary search).
  static size_t upper_bound(const Table* table, uintptr_t address) {
    size_t lo = 0, hi = table->count;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (table->entries[mid].begin <= address)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  // Publishes `next` (under the writer mutex) and frees the table it replaces once no
  // lookup can still see it.
  void publish(Table* next) {
    Table* old = published_.exchange(next, std::memory_order_seq_cst);
    // A lookup that started before the exchange may hold `old`; one that starts after sees
    // `next` (both sides are seq_cst, so the counter and the pointer are ordered). Waiting
    // for zero rather than for the old table's own readers is coarse but needs no
    // per-table state; lookups are a few dozen instructions, so the wait is short.
    while (lookups_in_progress_.load(std::memory_order_seq_cst) != 0) sched_yield();
    ::operator delete(old);
  }

  std::atomic<Table*> published_{nullptr};
  // Lookups in progress on any thread. A writer waits for zero before freeing a table it
  // replaced; lookups never wait, so this cannot deadlock even when a signal handler looks
  // up on the writer's own thread (while the writer is suspended in the wait loop, the
  // handler's lookup runs to completion and takes its count back).
  mutable std::atomic<int> lookups_in_progress_{0};
  std::mutex writer_mutex_;
};

}  // namespace ironclad::runtime
