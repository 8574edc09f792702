#include "runtime/call_budget.h"

#include <algorithm>
#include <cstdio>

#include "runtime/deadline_watchdog.h"

namespace ironclad::runtime {

void CallBudget::begin(uint64_t fuel, std::chrono::nanoseconds timeout) {
  unlimited_ = fuel == 0;
  reserve_ = fuel;
  timeout_ = timeout;
  deadline_passed_ = false;
  interrupt_.store(0, std::memory_order_relaxed);
  if (timeout.count() > 0) {
    deadline_ = Clock::now() + timeout;
    watched_ = true;
    unwatched_ = !DeadlineWatchdog::instance().arm(&interrupt_, *deadline_);
    if (unwatched_) interrupt_.store(1, std::memory_order_relaxed);
  } else {
    deadline_.reset();
  }
}

CallBudget::~CallBudget() {
  if (watched_) DeadlineWatchdog::instance().disarm(&interrupt_);
}

bool CallBudget::interrupted() {
  if (expired()) {
    deadline_passed_ = true;
    return false;
  }
  // Without a watchdog thread the flag stays raised: every check looks at the clock.
  if (!unwatched_) interrupt_.store(0, std::memory_order_relaxed);
  return true;
}

bool CallBudget::refill(uint64_t& counter) {
  if (expired()) {
    deadline_passed_ = true;
    return false;
  }
  deadline_passed_ = false;
  if (!unlimited_ && reserve_ == 0) return false;
  uint64_t slice = deadline_ ? kDeadlineSlice : UINT64_MAX;
  if (!unlimited_) slice = std::min(slice, reserve_);
  if (!unlimited_) reserve_ -= slice;
  counter += slice;
  return true;
}

bool CallBudget::spend(uint64_t& counter, uint64_t units) {
  while (counter < units) {
    units -= counter;
    counter = 0;
    if (!refill(counter)) return false;
  }
  counter -= units;
  return true;
}

Error CallBudget::exhausted_error() const {
  if (!deadline_passed_ && !expired()) return Error::make(ErrorKind::Exhausted, "fuel exhausted");
  char text[96];
  std::snprintf(text, sizeof text, "deadline exceeded: the call ran past its %.3f s timeout",
                std::chrono::duration<double>(timeout_).count());
  return Error::make(ErrorKind::Timeout, text);
}

}  // namespace ironclad::runtime
