// One thread per process that raises a flag when a call's deadline passes (issue 14's epoch
// check). Machine code compiled for a store with a deadline and no fuel limit reads the flag
// of its store at every function entry and loop header (a load and a branch, no store:
// jit/function_translator.cpp); the thread running the code sees it at the next of those and
// asks its CallBudget, which alone decides (the clock) whether the call ends with Timeout.
// So the code is interrupted where it is safe to stop, never by a signal to a random thread,
// and a flag raised late or spuriously (a call that ended just before its deadline, a new
// call armed at once) costs one look at the clock, never a wrong Timeout.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace ironclad::runtime {

class DeadlineWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  using Flag = std::atomic<uint32_t>;

  // The process's watchdog. Never destroyed: a thread still waiting at exit is harmless, and
  // a static destructor would race the stores destroyed after it.
  static DeadlineWatchdog& instance();

  // Raises `*flag` (stores 1) at `deadline`, replacing the flag's earlier deadline if any.
  // False when no thread can be started: the caller must then keep the flag raised, so the
  // code asks the clock at every check (slow but never past a deadline).
  bool arm(Flag* flag, Clock::time_point deadline);
  // Forgets the flag (its owner is going away); after this returns the watchdog never
  // touches it again.
  void disarm(Flag* flag);

 private:
  DeadlineWatchdog() = default;
  void run();
  bool ensure_thread();  // with mutex_ held

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, Flag*> by_deadline_;
  std::unordered_map<Flag*, std::multimap<Clock::time_point, Flag*>::iterator> by_flag_;
  // Until when the thread sleeps (max: no deadline; min: awake, it will look at the map).
  Clock::time_point sleeping_until_ = Clock::time_point::min();
  // The process the thread was started in: a child of fork() has no thread and starts its own.
  pid_t thread_pid_ = 0;
};

}  // namespace ironclad::runtime
