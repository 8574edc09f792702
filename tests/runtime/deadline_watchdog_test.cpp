// The process's deadline watchdog (runtime/deadline_watchdog.h): it raises each armed flag
// at its deadline, in deadline order, forgets a disarmed flag and honours a re-arm. The
// order makes these tests independent of timing: once a flag with a later deadline is
// raised, every earlier one still armed has been raised too.
#include "runtime/deadline_watchdog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/call_budget.h"

namespace ironclad::runtime {
namespace {

using Clock = DeadlineWatchdog::Clock;
using namespace std::chrono_literals;

// Waits (at most 30 s, far beyond any deadline here) for the flag to be raised.
bool raised_soon(const DeadlineWatchdog::Flag& flag) {
  auto give_up = Clock::now() + 30s;
  while (Clock::now() < give_up) {
    if (flag.load() != 0) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

TEST(DeadlineWatchdog, RaisesAFlagAtItsDeadlineNotBefore) {
  DeadlineWatchdog::Flag flag{0};
  const auto deadline = Clock::now() + 50ms;
  DeadlineWatchdog::instance().arm(&flag, deadline);
  ASSERT_TRUE(raised_soon(flag));
  EXPECT_GE(Clock::now(), deadline);
  DeadlineWatchdog::instance().disarm(&flag);
}

TEST(DeadlineWatchdog, ADisarmedFlagIsNeverRaised) {
  DeadlineWatchdog::Flag gone{0}, later{0};
  DeadlineWatchdog::instance().arm(&gone, Clock::now() + 20ms);
  DeadlineWatchdog::instance().arm(&later, Clock::now() + 60ms);
  DeadlineWatchdog::instance().disarm(&gone);
  ASSERT_TRUE(raised_soon(later));
  EXPECT_EQ(gone.load(), 0u);
}

TEST(DeadlineWatchdog, ReArmingReplacesTheEarlierDeadline) {
  DeadlineWatchdog::Flag moved{0}, marker{0};
  DeadlineWatchdog::instance().arm(&moved, Clock::now() + 10ms);
  DeadlineWatchdog::instance().arm(&moved, Clock::now() + 1h);
  DeadlineWatchdog::instance().arm(&marker, Clock::now() + 50ms);
  ASSERT_TRUE(raised_soon(marker));
  EXPECT_EQ(moved.load(), 0u) << "raised at the deadline it no longer has";
  DeadlineWatchdog::instance().disarm(&moved);
}

TEST(DeadlineWatchdog, AnEarlierDeadlineArmedLaterIsRaisedFirst) {
  // The thread sleeps until the earliest deadline it knows: arming an earlier one wakes it.
  DeadlineWatchdog::Flag late{0}, early{0};
  DeadlineWatchdog::instance().arm(&late, Clock::now() + 1h);
  DeadlineWatchdog::instance().arm(&early, Clock::now() + 20ms);
  ASSERT_TRUE(raised_soon(early));
  EXPECT_EQ(late.load(), 0u);
  DeadlineWatchdog::instance().disarm(&late);
}

TEST(CallBudgetInterrupt, TheBudgetDecidesByTheClockAndLowersAnEarlyFlag) {
  CallBudget budget;
  budget.begin(0, 1h);
  budget.interrupt_flag()->store(1);  // raised early (a stale deadline)
  EXPECT_TRUE(budget.interrupted());
  EXPECT_EQ(budget.interrupt_flag()->load(), 0u);
  budget.begin(0, 1ms);
  std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(budget.interrupted());
  EXPECT_EQ(budget.exhausted_error().kind, ErrorKind::Timeout);
}

TEST(CallBudgetInterrupt, TheFlagIsRaisedAtTheCallsDeadlineAndLoweredByTheNextBegin) {
  CallBudget budget;
  budget.begin(0, 20ms);
  ASSERT_TRUE(raised_soon(*budget.interrupt_flag()));
  EXPECT_TRUE(budget.expired());
  budget.begin(0, 1h);
  EXPECT_EQ(budget.interrupt_flag()->load(), 0u) << "a new call starts with the flag down";
  // Armed for an hour: the destructor disarms it, so the watchdog never touches a dead budget.
}

}  // namespace
}  // namespace ironclad::runtime
