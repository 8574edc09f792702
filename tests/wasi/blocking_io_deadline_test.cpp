// What could block a host thread for as long as another process likes: a write to a pipe
// nobody reads, the open of a FIFO nobody opens from the other end. With a call deadline
// (runtime::CallBudget) each returns at the deadline at the latest, and the call then ends
// (issue 12, finding 6: time in host calls counts).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "guest_test_memory.h"
#include "runtime/call_budget.h"
#include "temp_dir.h"
#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

using namespace std::chrono_literals;
using testing::GuestTestMemory;
using testing::TempDir;

constexpr uint32_t kIovPtr = 100;
constexpr uint32_t kOutPtr = 300;
constexpr uint32_t kBufPtr = 0x1000;

// A pipe whose buffer is full: its write end blocks until someone reads.
struct FullPipe {
  int fds[2] = {-1, -1};
  FullPipe() {
    if (::pipe(fds) != 0) return;
    int flags = ::fcntl(fds[1], F_GETFL);
    ::fcntl(fds[1], F_SETFL, flags | O_NONBLOCK);
    char block[4096] = {};
    while (::write(fds[1], block, sizeof block) > 0) {
    }
    ::fcntl(fds[1], F_SETFL, flags);
  }
  ~FullPipe() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  // Frees `bytes` of room by reading them.
  void drain(size_t bytes) {
    std::string sink(bytes, '\0');
    while (bytes > 0) {
      ssize_t n = ::read(fds[0], sink.data(), bytes);
      if (n <= 0) return;
      bytes -= static_cast<size_t>(n);
    }
  }
};

TEST(WasiBlockingDeadline, AWriteToAFullPipeEndsAtTheCallsDeadline) {
  FullPipe pipe;
  ASSERT_GE(pipe.fds[1], 0);
  WasiContext ctx;
  ctx.set_stdio(1, pipe.fds[1]);
  GuestTestMemory m(1 << 20);
  m.write_iovec(kIovPtr, kBufPtr, 16);
  runtime::CallBudget budget;
  ctx.set_call_budget(&budget);
  auto start = std::chrono::steady_clock::now();
  budget.begin(0, 50ms);
  EXPECT_EQ(fd_write(ctx, m.view(), 1, kIovPtr, 1, kOutPtr), Errno::Again);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 10s) << "the write blocked on past the deadline";
  EXPECT_TRUE(ctx.past_call_deadline()) << "woke before the deadline: the guest would spin";
}

// Once the pipe has some room, a large write moves what fits (a short write the guest's libc
// continues) instead of blocking for the rest.
TEST(WasiBlockingDeadline, ALargeWriteIntoSomeRoomIsAShortWrite) {
  FullPipe pipe;
  ASSERT_GE(pipe.fds[1], 0);
  pipe.drain(8192);
  WasiContext ctx;
  ctx.set_stdio(1, pipe.fds[1]);
  GuestTestMemory m(1 << 20);
  m.write_iovec(kIovPtr, kBufPtr, 512 * 1024);
  runtime::CallBudget budget;
  ctx.set_call_budget(&budget);
  auto start = std::chrono::steady_clock::now();
  budget.begin(0, 10s);
  ASSERT_EQ(fd_write(ctx, m.view(), 1, kIovPtr, 1, kOutPtr), Errno::Success);
  EXPECT_GT(m.u32(kOutPtr), 0u);
  EXPECT_LT(m.u32(kOutPtr), 512u * 1024);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // Without a deadline a write waits as the guest asked (here: for room it gets at once).
  ctx.set_call_budget(nullptr);
  pipe.drain(8192);
  m.write_iovec(kIovPtr, kBufPtr, 16);
  EXPECT_EQ(fd_write(ctx, m.view(), 1, kIovPtr, 1, kOutPtr), Errno::Success);
  EXPECT_EQ(m.u32(kOutPtr), 16u);
}

class WasiFifo : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(root_.path().empty());
    ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0600), 0);
    ASSERT_TRUE(ctx_.preopen_dir(root_.path(), "/sandbox").ok());
    m_.write(kPathPtr, "fifo");
  }
  Errno open(uint64_t rights, uint32_t fdflags, uint32_t* fd) {
    Errno e = path_open(ctx_, m_.view(), 3, 0, kPathPtr, 4, 0, rights, abi::kRightsAll, fdflags,
                        kOutPtr);
    if (e == Errno::Success) *fd = m_.u32(kOutPtr);
    return e;
  }
  static constexpr uint32_t kPathPtr = 0x800;
  TempDir root_;
  WasiContext ctx_;
  GuestTestMemory m_{1 << 16};
};

// Opening a FIFO never waits for the other end (a blocking open would hang forever if no one
// comes, past any deadline): for reading it opens at once and its reads wait, bounded by the
// call's deadline; for writing without a reader it is ENXIO.
TEST_F(WasiFifo, OpeningAFifoNeverWaitsForTheOtherEnd) {
  auto start = std::chrono::steady_clock::now();
  uint32_t fd = 0;
  EXPECT_EQ(open(abi::kRightsAll & ~abi::kRightsReading, 0, &fd), Errno::NxIo);
  ASSERT_EQ(open(abi::kRightsAll & ~abi::kRightsWriting, 0, &fd), Errno::Success);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "an open waited for a peer";
  // The fd blocks as the guest asked (no FDFLAG_NONBLOCK)...
  ASSERT_EQ(fd_fdstat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u16(kOutPtr + abi::fdstat::kFlags) & abi::kFdflagNonblock, 0);
  // ...bounded by the call's deadline.
  runtime::CallBudget budget;
  ctx_.set_call_budget(&budget);
  budget.begin(0, 50ms);
  m_.write_iovec(kIovPtr, kBufPtr, 16);
  EXPECT_EQ(fd_read(ctx_, m_.view(), fd, kIovPtr, 1, kOutPtr), Errno::Again);
  EXPECT_TRUE(ctx_.past_call_deadline());
}

// A guest that asks for a non-blocking fd keeps it.
TEST_F(WasiFifo, ANonBlockingOpenStaysNonBlocking) {
  uint32_t fd = 0;
  ASSERT_EQ(open(abi::kRightsAll & ~abi::kRightsWriting, abi::kFdflagNonblock, &fd),
            Errno::Success);
  ASSERT_EQ(fd_fdstat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_NE(m_.u16(kOutPtr + abi::fdstat::kFlags) & abi::kFdflagNonblock, 0);
}

}  // namespace
}  // namespace ironclad::wasi
