// args_*, environ_*, clock_*, random_get, poll_oneoff on a buffer memory, including
// out-of-bounds pointers (EFAULT, with nothing written).
#include <time.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>

#include "guest_test_memory.h"
#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

using testing::GuestTestMemory;

TEST(WasiArgs, SizesCountTheTerminatingNuls) {
  WasiContext ctx;
  ctx.set_args({"prog.wasm", "hello", ""});
  GuestTestMemory m;
  ASSERT_EQ(args_sizes_get(ctx, m.view(), 0, 4), Errno::Success);
  EXPECT_EQ(m.u32(0), 3u);
  EXPECT_EQ(m.u32(4), 10u + 6u + 1u);
}

TEST(WasiArgs, GetWritesPointersIntoOneBuffer) {
  WasiContext ctx;
  ctx.set_args({"prog.wasm", "hello"});
  GuestTestMemory m;
  ASSERT_EQ(args_get(ctx, m.view(), 100, 200), Errno::Success);
  EXPECT_EQ(m.u32(100), 200u);
  EXPECT_EQ(m.u32(104), 210u);
  EXPECT_EQ(m.str(200, 16), std::string("prog.wasm\0hello\0", 16));
}

TEST(WasiArgs, PointersOutsideMemoryAreEFault) {
  WasiContext ctx;
  ctx.set_args({"prog.wasm", "hello"});
  GuestTestMemory m(1024);
  EXPECT_EQ(args_sizes_get(ctx, m.view(), 1022, 0), Errno::Fault);
  EXPECT_EQ(args_get(ctx, m.view(), 0, 1020), Errno::Fault);  // strings run past the end
  EXPECT_EQ(args_get(ctx, m.view(), 0xFFFFFFFC, 0), Errno::Fault);
  EXPECT_EQ(args_get(ctx, GuestMemory(), 0, 0), Errno::Fault);  // caller without memory
}

TEST(WasiEnviron, ListsKeyValueStrings) {
  WasiContext ctx;
  ctx.set_env({"GREETING=hi", "EMPTY="});
  GuestTestMemory m;
  ASSERT_EQ(environ_sizes_get(ctx, m.view(), 0, 4), Errno::Success);
  EXPECT_EQ(m.u32(0), 2u);
  EXPECT_EQ(m.u32(4), 12u + 7u);
  ASSERT_EQ(environ_get(ctx, m.view(), 16, 64), Errno::Success);
  EXPECT_EQ(m.str(m.u32(16), 12), std::string("GREETING=hi\0", 12));
  EXPECT_EQ(m.str(m.u32(20), 7), std::string("EMPTY=\0", 7));
}

TEST(WasiClocks, MonotonicAdvancesAndRealtimeIsNow) {
  WasiContext ctx;
  GuestTestMemory m;
  ASSERT_EQ(clock_time_get(ctx, m.view(), abi::kClockMonotonic, 0, 0), Errno::Success);
  uint64_t first = m.u64(0);
  ASSERT_EQ(clock_time_get(ctx, m.view(), abi::kClockMonotonic, 0, 8), Errno::Success);
  EXPECT_GE(m.u64(8), first);
  ASSERT_EQ(clock_time_get(ctx, m.view(), abi::kClockRealtime, 0, 16), Errno::Success);
  uint64_t host_now = static_cast<uint64_t>(::time(nullptr)) * 1'000'000'000ull;
  EXPECT_NEAR(static_cast<double>(m.u64(16)), static_cast<double>(host_now), 5e9);
  for (uint32_t id : {abi::kClockProcessCputime, abi::kClockThreadCputime}) {
    EXPECT_EQ(clock_time_get(ctx, m.view(), id, 0, 24), Errno::Success);
    EXPECT_EQ(clock_res_get(ctx, m.view(), id, 32), Errno::Success);
    EXPECT_GT(m.u64(32), 0u);
  }
}

TEST(WasiClocks, UnknownClockIsEInvalAndBadPointerEFault) {
  WasiContext ctx;
  GuestTestMemory m(64);
  EXPECT_EQ(clock_time_get(ctx, m.view(), 9, 0, 0), Errno::Inval);
  EXPECT_EQ(clock_res_get(ctx, m.view(), 9, 0), Errno::Inval);
  EXPECT_EQ(clock_time_get(ctx, m.view(), abi::kClockMonotonic, 0, 60), Errno::Fault);
}

TEST(WasiRandom, FillsTheBufferAndChecksBounds) {
  WasiContext ctx;
  GuestTestMemory m;
  ASSERT_EQ(random_get(ctx, m.view(), 0, 64), Errno::Success);
  ASSERT_EQ(random_get(ctx, m.view(), 64, 64), Errno::Success);
  EXPECT_NE(m.str(0, 64), std::string(64, '\0'));
  EXPECT_NE(m.str(0, 64), m.str(64, 64));
  EXPECT_EQ(random_get(ctx, m.view(), m.size() - 10, 11), Errno::Fault);
  EXPECT_EQ(random_get(ctx, m.view(), m.size(), 0), Errno::Success);  // empty range at the end
}

TEST(WasiPoll, RelativeClockSubscriptionSleepsThenFires) {
  namespace sub = abi::subscription;
  WasiContext ctx;
  GuestTestMemory m;
  m.write_u64(sub::kUserdata, 0x1234);
  m.write_u64(sub::kClockTimeout, 20'000'000);  // 20 ms on the monotonic clock
  m.write_u32(sub::kClockId, abi::kClockMonotonic);
  timespec before, after;
  ::clock_gettime(CLOCK_MONOTONIC, &before);
  ASSERT_EQ(poll_oneoff(ctx, m.view(), 0, 1000, 1, 2000), Errno::Success);
  ::clock_gettime(CLOCK_MONOTONIC, &after);
  double elapsed_ms = (after.tv_sec - before.tv_sec) * 1e3 + (after.tv_nsec - before.tv_nsec) / 1e6;
  EXPECT_GE(elapsed_ms, 19.0);
  EXPECT_EQ(m.u32(2000), 1u);
  EXPECT_EQ(m.u64(1000 + abi::event::kUserdata), 0x1234u);
  EXPECT_EQ(m.u16(1000 + abi::event::kError), 0u);
  EXPECT_EQ(m.u8(1000 + abi::event::kType), abi::kEventtypeClock);
}

TEST(WasiPoll, NoSubscriptionsIsEInvalAndBadArraysEFault) {
  WasiContext ctx;
  GuestTestMemory m(256);
  EXPECT_EQ(poll_oneoff(ctx, m.view(), 0, 100, 0, 200), Errno::Inval);
  EXPECT_EQ(poll_oneoff(ctx, m.view(), 0, 100, 1000, 200), Errno::Fault);
}

TEST(WasiPoll, BadFdSubscriptionReportsEBadFInItsEvent) {
  namespace sub = abi::subscription;
  WasiContext ctx;
  GuestTestMemory m;
  m.write_u64(sub::kUserdata, 7);
  m.write(sub::kTag, std::string(1, static_cast<char>(abi::kEventtypeFdRead)));
  m.write_u32(sub::kFdFd, 99);
  ASSERT_EQ(poll_oneoff(ctx, m.view(), 0, 1000, 1, 2000), Errno::Success);
  EXPECT_EQ(m.u32(2000), 1u);
  EXPECT_EQ(m.u16(1000 + abi::event::kError), static_cast<uint16_t>(Errno::BadF));
}

// The deadline of the running call (runtime::CallBudget; the linker hands it to the context
// before each WASI call) bounds what would block: a 30 s clock subscription returns at the
// deadline, a read of an empty pipe gives EAGAIN there (the linker then ends the call).
TEST(WasiDeadline, ASleepEndsAtTheCallsDeadline) {
  namespace sub = abi::subscription;
  using namespace std::chrono_literals;
  WasiContext ctx;
  GuestTestMemory m;
  m.write_u64(sub::kClockTimeout, 30'000'000'000);
  m.write_u32(sub::kClockId, abi::kClockMonotonic);
  runtime::CallBudget budget;
  ctx.set_call_budget(&budget);
  auto start = std::chrono::steady_clock::now();
  budget.begin(0, 50ms);
  ASSERT_EQ(poll_oneoff(ctx, m.view(), 0, 1000, 1, 2000), Errno::Success);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 10s) << "the sleep ran on past the deadline";
  EXPECT_TRUE(ctx.past_call_deadline());
}

TEST(WasiDeadline, AReadOfAnEmptyPipeEndsAtTheCallsDeadline) {
  using namespace std::chrono_literals;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  WasiContext ctx;
  ctx.set_stdio(0, fds[0]);
  GuestTestMemory m;
  m.write_iovec(100, 200, 16);
  runtime::CallBudget budget;
  ctx.set_call_budget(&budget);
  auto start = std::chrono::steady_clock::now();
  budget.begin(0, 50ms);
  EXPECT_EQ(fd_read(ctx, m.view(), 0, 100, 1, 300), Errno::Again);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 10s);
  EXPECT_TRUE(ctx.past_call_deadline()) << "woke before the deadline: the guest would spin";
  // Data that is there is read as always.
  ASSERT_EQ(::write(fds[1], "hi", 2), 2);
  budget.begin(0, 10s);
  EXPECT_EQ(fd_read(ctx, m.view(), 0, 100, 1, 300), Errno::Success);
  EXPECT_EQ(m.u32(300), 2u);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace ironclad::wasi
