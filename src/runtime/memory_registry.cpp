// The registry of guarded memory reservations. The signal handler asks it whether a fault
// address is in linear memory, so the ranges live in a PublishedRanges (published_ranges.h),
// like the code registry's: a lookup takes no lock and allocates nothing, writers replace
// the sorted table as a whole under a mutex.
#include "runtime/memory_registry.h"

#include <cstdio>
#include <string>

#include "runtime/published_ranges.h"

namespace ironclad::runtime {

namespace {

struct Reservation {
  uintptr_t begin = 0;
  uintptr_t end = 0;  // one past the last byte
};

// Constant-initialised: usable by a signal handler before any dynamic initialiser runs.
constinit PublishedRanges<Reservation> reservations;

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
  Reservation clash;
  if (!reservations.insert(Reservation{begin, end}, clash))
    return Error::make(ErrorKind::Usage, "register_memory_reservation: range " +
                                             range_text(begin, end) + " overlaps reservation " +
                                             range_text(clash.begin, clash.end));
  return {};
}

bool unregister_memory_reservation(uintptr_t begin) {
  return reservations.erase(begin);
}

bool in_memory_reservation(uintptr_t address) {
  Reservation found;
  return reservations.find(address, found);
}

}  // namespace ironclad::runtime
