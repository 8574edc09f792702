// Linear memories: one address-space reservation per memory, made up front so the base
// never moves; growing only makes more of it readable and writable.
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/memory_registry.h"
#include "runtime/runtime.h"

namespace ironclad::runtime {
namespace {

// A 32-bit memory never exceeds 4 GiB.
constexpr uint64_t kMaxPages32 = 65536;

void* reserve(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

std::string pages_text(uint64_t pages) {
  return std::to_string(pages) + (pages == 1 ? " page" : " pages");
}

}  // namespace

Result<std::unique_ptr<Memory>> Memory::create(const wasm::MemoryType& type,
                                               const StoreLimits& limits,
                                               std::shared_ptr<InstanceBudget> budget) {
  const uint64_t min = type.limits.min;
  if (min > limits.max_memory_pages) {
    return Error::make(ErrorKind::Exhausted, "memory of " + pages_text(min) +
                                                 " exceeds the store's cap of " +
                                                 pages_text(limits.max_memory_pages));
  }
  if (min > kMaxPages32) {
    return Error::make(ErrorKind::Exhausted,
                       "memory of " + pages_text(min) + " exceeds the 32-bit limit of 65536 pages");
  }
  if (type.limits.max && *type.limits.max < min) {
    return Error::make(ErrorKind::Usage, "memory type has max " + pages_text(*type.limits.max) +
                                             " below its min " + pages_text(min));
  }

  std::unique_ptr<Memory> m(new Memory());
  m->max_pages_ = type.limits.max;
  m->cap_pages_ = limits.max_memory_pages;
  uint64_t limit = std::min(limits.max_memory_pages, kMaxPages32);
  if (type.limits.max) limit = std::min(limit, *type.limits.max);

  // First choice: the whole 32-bit range plus a guard of the same size, so a JIT can
  // elide bounds checks. Under an address-space limit (RLIMIT_AS) fall back to the most
  // this memory can ever use, then to its initial size (growth then fails with -1, which
  // memory.grow is always allowed to do). The reservation is never empty so base is
  // never null, even for a zero-page memory.
  void* p = reserve(kGuardedReservation);
  std::string why;
  if (p) {
    // Registered, so that a fault in it from code with implicit checks becomes a trap.
    auto registered = register_memory_reservation(
        reinterpret_cast<uintptr_t>(p), reinterpret_cast<uintptr_t>(p) + kGuardedReservation);
    if (registered.ok()) {
      m->reserved_bytes_ = kGuardedReservation;
      m->guard_region_ = true;
    } else {
      munmap(p, kGuardedReservation);
      p = nullptr;
      why = "the guarded reservation could not be registered (" + registered.error().message + ")";
    }
  } else {
    why = std::string("the 8 GiB guarded reservation failed (") + std::strerror(errno) + ")";
  }
  if (!p) {
    const uint64_t candidates[] = {limit, min};
    for (uint64_t pages : candidates) {
      uint64_t bytes = std::max<uint64_t>(pages * kPageSize, kPageSize);
      p = reserve(bytes);
      if (p) {
        m->reserved_bytes_ = bytes;
        m->reservation_note_ = why + "; reserved " + pages_text(pages) + " without a guard";
        if (pages < limit) m->reservation_note_ += ", so growth stops there";
        limit = std::min(limit, pages);
        break;
      }
      why += std::string("; reserving ") + pages_text(pages) + " failed (" + std::strerror(errno) +
             ")";
    }
    if (!p) return Error::make(ErrorKind::Exhausted, "cannot reserve a linear memory: " + why);
  }
  m->base = static_cast<uint8_t*>(p);
  m->limit_pages_ = limit;
  if (budget && !budget->charge(min * kPageSize)) {
    return Error::make(ErrorKind::Exhausted,
                       "memory of " + pages_text(min) +
                           " exceeds what is left of the instance's budget for memories and "
                           "tables (" +
                           std::to_string(budget->limit() - budget->used()) + " of " +
                           std::to_string(budget->limit()) + " bytes)");
  }
  m->budget_ = std::move(budget);

  if (min > 0 && mprotect(m->base, min * kPageSize, PROT_READ | PROT_WRITE) != 0) {
    return Error::make(ErrorKind::Exhausted, "cannot commit " + pages_text(min) +
                                                 " of linear memory: " + std::strerror(errno));
  }
  m->size_bytes = min * kPageSize;
  return m;
}

Memory::~Memory() {
  if (budget_) budget_->release(size_bytes);
  if (guard_region_) unregister_memory_reservation(reinterpret_cast<uintptr_t>(base));
  if (base) munmap(base, reserved_bytes_);
}

wasm::MemoryType Memory::current_type() const {
  wasm::MemoryType t;
  t.limits.min = pages();
  t.limits.max = max_pages_;
  return t;
}

int64_t Memory::grow(uint64_t delta) {
  const uint64_t old_pages = pages();
  if (delta > limit_pages_ - old_pages) return -1;  // limit_pages_ >= old_pages always
  if (delta == 0) return static_cast<int64_t>(old_pages);
  if (budget_ && !budget_->charge(delta * kPageSize)) return -1;
  // Fresh anonymous pages read as zero, as the spec requires of grown memory.
  if (mprotect(base + size_bytes, delta * kPageSize, PROT_READ | PROT_WRITE) != 0) {
    if (budget_) budget_->release(delta * kPageSize);
    return -1;
  }
  size_bytes += delta * kPageSize;
  return static_cast<int64_t>(old_pages);
}

}  // namespace ironclad::runtime
