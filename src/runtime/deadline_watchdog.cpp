#include "runtime/deadline_watchdog.h"

#include <unistd.h>

#include <system_error>

namespace ironclad::runtime {

DeadlineWatchdog& DeadlineWatchdog::instance() {
  static DeadlineWatchdog* watchdog = new DeadlineWatchdog();
  return *watchdog;
}

bool DeadlineWatchdog::ensure_thread() {
  const pid_t pid = ::getpid();
  if (thread_pid_ == pid) return true;
  try {
    std::thread([this] { run(); }).detach();
  } catch (const std::system_error&) {
    return false;
  }
  thread_pid_ = pid;
  return true;
}

bool DeadlineWatchdog::arm(Flag* flag, Clock::time_point deadline) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!ensure_thread()) return false;
  if (auto it = by_flag_.find(flag); it != by_flag_.end()) {
    by_deadline_.erase(it->second);
    by_flag_.erase(it);
  }
  auto at = by_deadline_.emplace(deadline, flag);
  by_flag_.emplace(flag, at);
  // The thread sleeps until the earliest deadline it saw: wake it only when this one is
  // earlier. A store calling again replaces its deadline by a later one and wakes nobody
  // (the thread wakes at the old one, finds it gone and sleeps on): no system call per call.
  if (deadline < sleeping_until_) wake_.notify_one();
  return true;
}

void DeadlineWatchdog::disarm(Flag* flag) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = by_flag_.find(flag); it != by_flag_.end()) {
    by_deadline_.erase(it->second);
    by_flag_.erase(it);
  }
}

void DeadlineWatchdog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (by_deadline_.empty()) {
      sleeping_until_ = Clock::time_point::max();
      wake_.wait(lock);
      continue;
    }
    const Clock::time_point next = by_deadline_.begin()->first;
    if (Clock::now() < next) {
      sleeping_until_ = next;
      wake_.wait_until(lock, next);
      sleeping_until_ = Clock::time_point::min();  // awake: arm() need not wake it
      continue;
    }
    Flag* flag = by_deadline_.begin()->second;
    by_flag_.erase(flag);
    by_deadline_.erase(by_deadline_.begin());
    flag->store(1, std::memory_order_relaxed);
  }
}

}  // namespace ironclad::runtime
