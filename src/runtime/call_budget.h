// The fuel and the deadline of the running call from the host (StoreLimits::fuel and
// call_timeout), shared by both tiers and by host functions.
//
// Code that counts fuel spends units from a counter of its own (the interpreter's
// ExecContext::fuel, the JIT's VmContext::fuel): one per function entry and loop iteration,
// one per 64 bytes a bulk operation touches (memory.fill/copy/init, table.fill/copy/init/grow).
// When the counter runs out the tier asks the budget to refill it: with no fuel left, or past
// the deadline, the call ends with an Exhausted error (no fuel) or a Timeout error (past the
// deadline). With a deadline, the counter is handed
// out in slices of kDeadlineSlice units, so the clock is read every fraction of a millisecond
// of running code, never per instruction. Time spent in host functions counts too: a host
// function that would block (poll_oneoff's sleep, a read of a pipe) waits at most until the
// deadline, and one that returns after it ends the call.
//
// Machine code for a store with a deadline and no fuel limit counts nothing: it reads the
// budget's interrupt flag at function entries and loop headers, which the process's
// DeadlineWatchdog raises at the deadline (armed by begin()), and asks interrupted() when it
// is set.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "ironclad/error.h"

namespace ironclad::runtime {

class CallBudget {
 public:
  using Clock = std::chrono::steady_clock;
  // Units handed to a counter at a time when there is a deadline (about a millisecond of a
  // tight loop at most).
  static constexpr uint64_t kDeadlineSlice = uint64_t{1} << 18;

  CallBudget() = default;
  ~CallBudget();
  CallBudget(const CallBudget&) = delete;
  CallBudget& operator=(const CallBudget&) = delete;

  // Starts a call from the host: `fuel` units (0: unlimited), and a deadline `timeout` from
  // now (0: none). The counter of the code that runs is refilled from here; the interrupt
  // flag is lowered and, with a deadline, the watchdog raises it then (a mutex and a map
  // insertion per call from the host; whichever tier runs, as one store may mix them).
  void begin(uint64_t fuel, std::chrono::nanoseconds timeout);
  // Refills `counter` (spent to zero) with the next slice; false when the fuel is spent or
  // the deadline has passed (then exhausted_error() says which).
  bool refill(uint64_t& counter);
  // Spends `units` from `counter`, refilling across slices; false as refill.
  bool spend(uint64_t& counter, uint64_t units);

  // The flag code in interrupt mode reads (VmContext::interrupt): 0 while the call may run.
  std::atomic<uint32_t>* interrupt_flag() { return &interrupt_; }
  // The flag was seen raised: false when the deadline has passed (the call ends with
  // exhausted_error()); true when it was raised early (a deadline of an earlier call), after
  // lowering it.
  bool interrupted();

  std::optional<Clock::time_point> deadline() const { return deadline_; }
  // Whether the deadline has passed (a host function returning after it ends the call).
  bool expired() const { return deadline_ && Clock::now() >= *deadline_; }
  // Exhausted "fuel exhausted", or Timeout "deadline exceeded: ...".
  Error exhausted_error() const;

  // Fuel units for a bulk operation touching `bytes` bytes: one per 64 (a cache line).
  static uint64_t units_for_bytes(uint64_t bytes) { return (bytes + 63) / 64; }

 private:
  uint64_t reserve_ = 0;  // units not yet handed to a counter
  bool unlimited_ = true;
  std::optional<Clock::time_point> deadline_;
  std::chrono::nanoseconds timeout_{0};
  bool deadline_passed_ = false;  // the last refill failed on the deadline
  std::atomic<uint32_t> interrupt_{0};
  bool watched_ = false;    // armed with the watchdog at least once (disarmed at the end)
  bool unwatched_ = false;  // the watchdog could not start a thread
};

}  // namespace ironclad::runtime
