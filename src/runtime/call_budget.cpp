#include "runtime/call_budget.h"

#include <algorithm>
#include <cstdio>

namespace ironclad::runtime {

void CallBudget::begin(uint64_t fuel, std::chrono::nanoseconds timeout) {
  unlimited_ = fuel == 0;
  reserve_ = fuel;
  timeout_ = timeout;
  deadline_passed_ = false;
  if (timeout.count() > 0)
    deadline_ = Clock::now() + timeout;
  else
    deadline_.reset();
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
