// fd_* and path_* on a real temporary directory preopened as "/sandbox": the operations a
// wasi-libc program performs, and the same operations aimed outside the preopen.
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "guest_test_memory.h"
#include "temp_dir.h"
#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/rights.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

using testing::GuestTestMemory;
using testing::TempDir;

constexpr uint32_t kPreopenFd = 3;
constexpr uint32_t kPathPtr = 0x1000;   // where tests put path strings
constexpr uint32_t kPath2Ptr = 0x1800;  // second path (rename, link, symlink)
constexpr uint32_t kOutPtr = 0x2000;    // results
constexpr uint32_t kIovPtr = 0x3000;
constexpr uint32_t kBufPtr = 0x4000;

// The rights wasi-libc asks for: everything but what contradicts the open mode.
constexpr uint64_t kOpenForReading = abi::kRightsAll & ~abi::kRightsWriting;
constexpr uint64_t kOpenForWriting = abi::kRightsAll & ~abi::kRightsReading;
constexpr uint64_t kOpenForBoth = abi::kRightsAll;

class WasiFsTest : public ::testing::TestWithParam<ResolveStrategy> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(root_.path().empty());
    std::filesystem::create_directories(root_ / "sandbox");
    std::filesystem::create_directories(root_ / "outside");
    root_.write_file("outside/secret.txt", "secret");
    ctx_.set_resolve_strategy(GetParam());
    ASSERT_TRUE(ctx_.preopen_dir(root_ / "sandbox", "/sandbox").ok());
  }

  uint32_t path(const std::string& p, uint32_t at = kPathPtr) {
    m_.write(at, p);
    return static_cast<uint32_t>(p.size());
  }
  // path_open relative to the preopen; returns the errno and stores the fd in *fd.
  Errno open(const std::string& p, uint32_t oflags, uint64_t rights, uint32_t* fd,
             uint32_t lookup = abi::kLookupSymlinkFollow, uint32_t fdflags = 0) {
    uint32_t len = path(p);
    Errno e = path_open(ctx_, m_.view(), kPreopenFd, lookup, kPathPtr, len, oflags, rights,
                        abi::kRightsAll, fdflags, kOutPtr);
    if (e == Errno::Success) *fd = m_.u32(kOutPtr);
    return e;
  }
  Errno write(uint32_t fd, const std::string& data) {
    m_.write(kBufPtr, data);
    m_.write_iovec(kIovPtr, kBufPtr, static_cast<uint32_t>(data.size()));
    return fd_write(ctx_, m_.view(), fd, kIovPtr, 1, kOutPtr);
  }
  std::string read(uint32_t fd, uint32_t max = 256) {
    m_.write_iovec(kIovPtr, kBufPtr, max);
    if (fd_read(ctx_, m_.view(), fd, kIovPtr, 1, kOutPtr) != Errno::Success) return "<error>";
    return m_.str(kBufPtr, m_.u32(kOutPtr));
  }

  TempDir root_;
  WasiContext ctx_;
  GuestTestMemory m_{1 << 16};
};

TEST_P(WasiFsTest, PreopenIsAnnouncedWithItsGuestName) {
  ASSERT_EQ(fd_prestat_get(ctx_, m_.view(), kPreopenFd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u8(kOutPtr), abi::kPreopentypeDir);
  EXPECT_EQ(m_.u32(kOutPtr + 4), 8u);
  ASSERT_EQ(fd_prestat_dir_name(ctx_, m_.view(), kPreopenFd, kBufPtr, 8), Errno::Success);
  EXPECT_EQ(m_.str(kBufPtr, 8), "/sandbox");
  // wasi-libc scans fds upward until EBADF.
  EXPECT_EQ(fd_prestat_get(ctx_, m_.view(), kPreopenFd + 1, kOutPtr), Errno::BadF);
  EXPECT_EQ(fd_prestat_get(ctx_, m_.view(), 1, kOutPtr), Errno::BadF);  // stdout: no preopen
  EXPECT_EQ(fd_prestat_dir_name(ctx_, m_.view(), kPreopenFd, kBufPtr, 3), Errno::NameTooLong);
}

TEST_P(WasiFsTest, CreateWriteSeekReadAFile) {
  uint32_t fd = 0;
  ASSERT_EQ(open("notes.txt", abi::kOflagCreat | abi::kOflagTrunc, kOpenForBoth, &fd),
            Errno::Success);
  EXPECT_GT(fd, kPreopenFd);
  ASSERT_EQ(write(fd, "hello wasi"), Errno::Success);
  EXPECT_EQ(m_.u32(kOutPtr), 10u);
  ASSERT_EQ(fd_tell(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u64(kOutPtr), 10u);
  ASSERT_EQ(fd_seek(ctx_, m_.view(), fd, static_cast<uint64_t>(-4), abi::kWhenceCur, kOutPtr),
            Errno::Success);
  EXPECT_EQ(m_.u64(kOutPtr), 6u);
  EXPECT_EQ(read(fd), "wasi");
  ASSERT_EQ(fd_filestat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u8(kOutPtr + abi::filestat::kFiletype), abi::kFiletypeRegularFile);
  EXPECT_EQ(m_.u64(kOutPtr + abi::filestat::kSize_), 10u);
  // pread/pwrite leave the position alone.
  m_.write_iovec(kIovPtr, kBufPtr, 5);
  ASSERT_EQ(fd_pread(ctx_, m_.view(), fd, kIovPtr, 1, 0, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.str(kBufPtr, 5), "hello");
  ASSERT_EQ(fd_close(ctx_, m_.view(), fd), Errno::Success);
  EXPECT_EQ(fd_close(ctx_, m_.view(), fd), Errno::BadF);
  EXPECT_EQ(root_.read_file("sandbox/notes.txt"), "hello wasi");
}

TEST_P(WasiFsTest, FdstatReportsTypeFlagsAndTheRightsOfTheOpenMode) {
  uint32_t fd = 0;
  ASSERT_EQ(open("log.txt", abi::kOflagCreat, kOpenForWriting, &fd,
                 abi::kLookupSymlinkFollow, abi::kFdflagAppend),
            Errno::Success);
  ASSERT_EQ(fd_fdstat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u8(kOutPtr), abi::kFiletypeRegularFile);
  EXPECT_EQ(m_.u16(kOutPtr + 2), abi::kFdflagAppend);
  // Every file right but reading (opened for writing); it may pass on what it asked for.
  EXPECT_EQ(m_.u64(kOutPtr + 8), rights::kFile & ~abi::kRightsReading);
  EXPECT_EQ(m_.u64(kOutPtr + 16), rights::kDirectoryInheriting);
  ASSERT_EQ(fd_fdstat_set_flags(ctx_, m_.view(), fd, 0), Errno::Success);
  ASSERT_EQ(fd_fdstat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u16(kOutPtr + 2), 0u);
  ASSERT_EQ(fd_fdstat_get(ctx_, m_.view(), kPreopenFd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u8(kOutPtr), abi::kFiletypeDirectory);
  EXPECT_EQ(m_.u64(kOutPtr + 8), rights::kDirectory);
  EXPECT_EQ(m_.u64(kOutPtr + 16), rights::kDirectoryInheriting);
  EXPECT_EQ(fd_fdstat_get(ctx_, m_.view(), 77, kOutPtr), Errno::BadF);
}

TEST_P(WasiFsTest, DirectoriesAreCreatedListedAndRemoved) {
  ASSERT_EQ(path_create_directory(ctx_, m_.view(), kPreopenFd, kPathPtr, path("dir")),
            Errno::Success);
  EXPECT_EQ(path_create_directory(ctx_, m_.view(), kPreopenFd, kPathPtr, path("dir")),
            Errno::Exist);
  root_.write_file("sandbox/dir/a.txt", "a");
  root_.write_file("sandbox/dir/b.txt", "bb");
  uint32_t dir_fd = 0;
  ASSERT_EQ(open("dir", abi::kOflagDirectory, kOpenForReading, &dir_fd), Errno::Success);

  // Page through with a buffer too small for all entries, as wasi-libc's readdir does.
  std::set<std::string> names;
  uint64_t cookie = 0;
  for (int round = 0; round < 10; ++round) {
    ASSERT_EQ(fd_readdir(ctx_, m_.view(), dir_fd, kBufPtr, 40, cookie, kOutPtr), Errno::Success);
    uint32_t used = m_.u32(kOutPtr);
    uint32_t pos = 0;
    while (pos + abi::dirent::kSize <= used) {
      uint32_t namlen = m_.u32(kBufPtr + pos + abi::dirent::kNamlen);
      if (pos + abi::dirent::kSize + namlen > used) break;  // cut short: ask again
      names.insert(m_.str(kBufPtr + pos + abi::dirent::kSize, namlen));
      cookie = m_.u64(kBufPtr + pos + abi::dirent::kNext);
      pos += abi::dirent::kSize + namlen;
    }
    if (used < 40) break;
  }
  EXPECT_EQ(names, (std::set<std::string>{".", "..", "a.txt", "b.txt"}));

  EXPECT_EQ(path_remove_directory(ctx_, m_.view(), kPreopenFd, kPathPtr, path("dir")),
            Errno::NotEmpty);
  ASSERT_EQ(path_unlink_file(ctx_, m_.view(), kPreopenFd, kPathPtr, path("dir/a.txt")),
            Errno::Success);
  ASSERT_EQ(path_unlink_file(ctx_, m_.view(), kPreopenFd, kPathPtr, path("dir/b.txt")),
            Errno::Success);
  EXPECT_EQ(path_remove_directory(ctx_, m_.view(), kPreopenFd, kPathPtr, path("dir")),
            Errno::Success);
  EXPECT_FALSE(std::filesystem::exists(root_ / "sandbox/dir"));
}

TEST_P(WasiFsTest, UnlinkWithATrailingSlashNeverRemovesAFile) {
  root_.write_file("sandbox/keep.txt", "k");
  EXPECT_EQ(path_unlink_file(ctx_, m_.view(), kPreopenFd, kPathPtr, path("keep.txt/")),
            Errno::NotDir);
  EXPECT_TRUE(std::filesystem::exists(root_ / "sandbox/keep.txt"));
}

TEST_P(WasiFsTest, TimesAreSetByPathAndByFd) {
  root_.write_file("sandbox/t.txt", "t");
  constexpr uint64_t kMtime = 1'000'000'000ull * 1'600'000'000ull + 5;  // 2020-09-13
  ASSERT_EQ(path_filestat_set_times(ctx_, m_.view(), kPreopenFd, abi::kLookupSymlinkFollow,
                                    kPathPtr, path("t.txt"), 0, kMtime, abi::kFstflagMtim),
            Errno::Success);
  ASSERT_EQ(path_filestat_get(ctx_, m_.view(), kPreopenFd, 0, kPathPtr, path("t.txt"), kOutPtr),
            Errno::Success);
  EXPECT_EQ(m_.u64(kOutPtr + abi::filestat::kMtim), kMtime);
  uint32_t fd = 0;
  ASSERT_EQ(open("t.txt", 0, kOpenForWriting, &fd), Errno::Success);
  ASSERT_EQ(fd_filestat_set_times(ctx_, m_.view(), fd, kMtime, 0, abi::kFstflagAtim),
            Errno::Success);
  ASSERT_EQ(fd_filestat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u64(kOutPtr + abi::filestat::kAtim), kMtime);
  // A time both given and "now" is contradictory.
  EXPECT_EQ(fd_filestat_set_times(ctx_, m_.view(), fd, 0, 0,
                                  abi::kFstflagMtim | abi::kFstflagMtimNow),
            Errno::Inval);
  ASSERT_EQ(fd_filestat_set_size(ctx_, m_.view(), fd, 100), Errno::Success);
  EXPECT_EQ(std::filesystem::file_size(root_ / "sandbox/t.txt"), 100u);
}

TEST_P(WasiFsTest, RenameAndFilestatByPath) {
  root_.write_file("sandbox/old.txt", "12345");
  uint32_t new_len = path("new.txt", kPath2Ptr);
  ASSERT_EQ(path_rename(ctx_, m_.view(), kPreopenFd, kPathPtr, path("old.txt"), kPreopenFd,
                        kPath2Ptr, new_len),
            Errno::Success);
  EXPECT_EQ(root_.read_file("sandbox/new.txt"), "12345");
  ASSERT_EQ(path_filestat_get(ctx_, m_.view(), kPreopenFd, 0, kPathPtr, path("new.txt"), kOutPtr),
            Errno::Success);
  EXPECT_EQ(m_.u64(kOutPtr + abi::filestat::kSize_), 5u);
  EXPECT_EQ(path_filestat_get(ctx_, m_.view(), kPreopenFd, 0, kPathPtr, path("old.txt"), kOutPtr),
            Errno::NoEnt);
}

TEST_P(WasiFsTest, SymlinkCreatedByTheGuestCannotBeUsedToEscape) {
  // An absolute target is refused outright; a relative one climbing out is created but
  // leads nowhere.
  uint32_t target_len = path(root_ / "outside", kPath2Ptr);
  EXPECT_EQ(path_symlink(ctx_, m_.view(), kPath2Ptr, target_len, kPreopenFd, kPathPtr,
                         path("evil")),
            Errno::NotCapable);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(root_ / "sandbox/evil")));
  uint32_t fd = 0;
  EXPECT_EQ(open("evil/secret.txt", 0, kOpenForReading, &fd), Errno::NoEnt);
  target_len = path("../outside", kPath2Ptr);
  ASSERT_EQ(path_symlink(ctx_, m_.view(), kPath2Ptr, target_len, kPreopenFd, kPathPtr,
                         path("evil2")),
            Errno::Success);
  EXPECT_EQ(open("evil2/secret.txt", 0, kOpenForReading, &fd), Errno::NotCapable);
  // readlink shows the link itself without following it.
  ASSERT_EQ(path_readlink(ctx_, m_.view(), kPreopenFd, kPathPtr, path("evil2"), kBufPtr, 64,
                          kOutPtr),
            Errno::Success);
  EXPECT_EQ(m_.str(kBufPtr, m_.u32(kOutPtr)), "../outside");
}

TEST_P(WasiFsTest, NoPathOperationReachesOutsideThePreopen) {
  uint32_t fd = 0;
  EXPECT_EQ(open("../outside/secret.txt", 0, kOpenForReading, &fd), Errno::NotCapable);
  EXPECT_EQ(open("/etc/passwd", 0, kOpenForReading, &fd), Errno::NotCapable);
  EXPECT_EQ(open("../outside/new.txt", abi::kOflagCreat, kOpenForWriting, &fd),
            Errno::NotCapable);
  EXPECT_EQ(path_unlink_file(ctx_, m_.view(), kPreopenFd, kPathPtr,
                             path("../outside/secret.txt")),
            Errno::NotCapable);
  EXPECT_EQ(path_create_directory(ctx_, m_.view(), kPreopenFd, kPathPtr, path("../outside/d")),
            Errno::NotCapable);
  EXPECT_EQ(path_filestat_get(ctx_, m_.view(), kPreopenFd, abi::kLookupSymlinkFollow, kPathPtr,
                              path("../outside/secret.txt"), kOutPtr),
            Errno::NotCapable);
  root_.write_file("sandbox/mine.txt", "mine");
  uint32_t to_len = path("../outside/stolen.txt", kPath2Ptr);
  EXPECT_EQ(path_rename(ctx_, m_.view(), kPreopenFd, kPathPtr, path("mine.txt"), kPreopenFd,
                        kPath2Ptr, to_len),
            Errno::NotCapable);
  EXPECT_EQ(path_link(ctx_, m_.view(), kPreopenFd, 0, kPathPtr, path("../outside/secret.txt"),
                      kPreopenFd, kPath2Ptr, path("copy.txt", kPath2Ptr)),
            Errno::NotCapable);
  EXPECT_EQ(root_.read_file("outside/secret.txt"), "secret");
  EXPECT_FALSE(std::filesystem::exists(root_ / "outside/new.txt"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "outside/d"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "outside/stolen.txt"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "sandbox/copy.txt"));
}

TEST_P(WasiFsTest, PathArgumentsAreBoundsCheckedAndNeedADirectoryFd) {
  EXPECT_EQ(path_create_directory(ctx_, m_.view(), kPreopenFd, m_.size() - 2, 10), Errno::Fault);
  EXPECT_EQ(path_create_directory(ctx_, m_.view(), 42, kPathPtr, path("x")), Errno::BadF);
  EXPECT_EQ(path_create_directory(ctx_, m_.view(), 1, kPathPtr, path("x")), Errno::NotDir);
  uint32_t len = path("x");
  EXPECT_EQ(path_open(ctx_, m_.view(), kPreopenFd, 0, kPathPtr, len, abi::kOflagCreat,
                      abi::kRightsWriting, 0, 0, m_.size()),
            Errno::Fault);
  EXPECT_FALSE(std::filesystem::exists(root_ / "sandbox/x"));
}

TEST_P(WasiFsTest, IovecsOutsideMemoryAreEFault) {
  uint32_t fd = 0;
  ASSERT_EQ(open("f.txt", abi::kOflagCreat, kOpenForBoth, &fd),
            Errno::Success);
  m_.write_iovec(kIovPtr, m_.size() - 4, 8);  // buffer runs past the end
  EXPECT_EQ(fd_write(ctx_, m_.view(), fd, kIovPtr, 1, kOutPtr), Errno::Fault);
  EXPECT_EQ(fd_read(ctx_, m_.view(), fd, kIovPtr, 1, kOutPtr), Errno::Fault);
  EXPECT_EQ(fd_write(ctx_, m_.view(), fd, m_.size() - 4, 1, kOutPtr), Errno::Fault);  // array
  m_.write_iovec(kIovPtr, kBufPtr, 1);
  EXPECT_EQ(fd_write(ctx_, m_.view(), fd, kIovPtr, 1, m_.size() - 2), Errno::Fault);  // count
  EXPECT_EQ(root_.read_file("sandbox/f.txt"), "");
}

TEST_P(WasiFsTest, StdoutGoesToTheConfiguredHostFd) {
  std::FILE* capture = std::tmpfile();
  ASSERT_NE(capture, nullptr);
  ctx_.set_stdio(1, ::fileno(capture));
  ASSERT_EQ(write(1, "to stdout\n"), Errno::Success);
  std::rewind(capture);
  char buf[32] = {};
  EXPECT_EQ(std::fread(buf, 1, sizeof buf - 1, capture), 10u);
  EXPECT_STREQ(buf, "to stdout\n");
  std::fclose(capture);
}

// Stdio is the host's: an embedding application's log file, terminal or pipe. The guest may
// write it (and read stdin), never truncate, redate, grow, seek, sync or re-flag it, even
// after renumbering it. Before, fd_filestat_set_size(1, 0) truncated a redirected log and
// fd_fdstat_set_flags(0, NONBLOCK) left the shared stdin non-blocking.
TEST_P(WasiFsTest, StdioIsAStreamTheGuestCannotChange) {
  root_.write_file("host.log", "application log\n");
  const std::string log_path = root_ / "host.log";
  int log = ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(log, 0);
  int stdin_pipe[2];
  ASSERT_EQ(::pipe(stdin_pipe), 0);
  ctx_.set_stdio(0, stdin_pipe[0]);
  ctx_.set_stdio(1, log);
  struct stat before;
  ASSERT_EQ(::stat(log_path.c_str(), &before), 0);

  for (uint32_t fd : {0u, 1u}) {
    SCOPED_TRACE(fd);
    EXPECT_EQ(fd_filestat_set_size(ctx_, m_.view(), fd, 0), Errno::NotCapable);
    EXPECT_EQ(fd_filestat_set_times(ctx_, m_.view(), fd, 0, 0,
                                    abi::kFstflagAtimNow | abi::kFstflagMtimNow),
              Errno::NotCapable);
    EXPECT_EQ(fd_allocate(ctx_, m_.view(), fd, 0, 1ull << 30), Errno::NotCapable);
    EXPECT_EQ(fd_fdstat_set_flags(ctx_, m_.view(), fd, abi::kFdflagNonblock), Errno::NotCapable);
    EXPECT_EQ(fd_seek(ctx_, m_.view(), fd, 0, abi::kWhenceSet, kOutPtr), Errno::NotCapable);
    EXPECT_EQ(fd_tell(ctx_, m_.view(), fd, kOutPtr), Errno::NotCapable);
    EXPECT_EQ(fd_sync(ctx_, m_.view(), fd), Errno::NotCapable);
    EXPECT_EQ(fd_datasync(ctx_, m_.view(), fd), Errno::NotCapable);
    EXPECT_EQ(fd_advise(ctx_, m_.view(), fd, 0, 0, 4), Errno::NotCapable);
    EXPECT_EQ(fd_fdstat_set_rights(ctx_, m_.view(), fd, abi::kRightsAll, 0), Errno::NotCapable);
    EXPECT_EQ(fd_filestat_get(ctx_, m_.view(), fd, kOutPtr), Errno::Success);
  }
  m_.write(kBufPtr, "x");
  m_.write_iovec(kIovPtr, kBufPtr, 1);
  EXPECT_EQ(fd_pwrite(ctx_, m_.view(), 1, kIovPtr, 1, 0, kOutPtr), Errno::NotCapable);
  EXPECT_EQ(fd_pread(ctx_, m_.view(), 0, kIovPtr, 1, 0, kOutPtr), Errno::NotCapable);
  EXPECT_EQ(fd_write(ctx_, m_.view(), 0, kIovPtr, 1, kOutPtr), Errno::NotCapable);
  // What stays allowed: writing stdout, asking what it is.
  ASSERT_EQ(write(1, "guest line\n"), Errno::Success);
  ASSERT_EQ(fd_fdstat_get(ctx_, m_.view(), 1, kOutPtr), Errno::Success);
  EXPECT_EQ(m_.u64(kOutPtr + 8), rights::kStdout);
  // Renumbered, it is the same stream with the same rights.
  uint32_t other = 0;
  root_.write_file("sandbox/other.txt", "");
  ASSERT_EQ(open("other.txt", 0, kOpenForBoth, &other), Errno::Success);
  ASSERT_EQ(fd_renumber(ctx_, m_.view(), 1, other), Errno::Success);
  EXPECT_EQ(fd_filestat_set_size(ctx_, m_.view(), other, 0), Errno::NotCapable);

  EXPECT_EQ(root_.read_file("host.log"), "application log\nguest line\n");
  struct stat after;
  ASSERT_EQ(::stat(log_path.c_str(), &after), 0);
  EXPECT_LE(after.st_blocks, before.st_blocks + 8) << "fd_allocate grew the log";
  EXPECT_EQ(::fcntl(stdin_pipe[0], F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(log, F_GETFL) & O_APPEND, 0);
  ::close(stdin_pipe[0]);
  ::close(stdin_pipe[1]);
  ::close(log);
}

TEST_P(WasiFsTest, WritingToABrokenPipeIsEPipeNotADeadHost) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);  // no reader: a plain write would raise SIGPIPE and kill this process
  ctx_.set_stdio(1, fds[1]);
  EXPECT_EQ(write(1, "lost"), Errno::Pipe);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);  // consumed, not left for later
  ::close(fds[1]);
}

TEST_P(WasiFsTest, RenumberMovesAnFdOntoAnother) {
  uint32_t a = 0, b = 0;
  root_.write_file("sandbox/a.txt", "A");
  root_.write_file("sandbox/b.txt", "B");
  ASSERT_EQ(open("a.txt", 0, kOpenForReading, &a), Errno::Success);
  ASSERT_EQ(open("b.txt", 0, kOpenForReading, &b), Errno::Success);
  ASSERT_EQ(fd_renumber(ctx_, m_.view(), a, b), Errno::Success);
  EXPECT_EQ(read(b), "A");
  EXPECT_EQ(fd_close(ctx_, m_.view(), a), Errno::BadF);
  EXPECT_EQ(fd_renumber(ctx_, m_.view(), 99, b), Errno::BadF);
}

INSTANTIATE_TEST_SUITE_P(Strategies, WasiFsTest,
                         ::testing::Values(ResolveStrategy::Auto, ResolveStrategy::Manual),
                         [](const auto& info) {
                           return info.param == ResolveStrategy::Auto ? std::string("Openat2")
                                                                      : std::string("ManualWalk");
                         });

}  // namespace
}  // namespace ironclad::wasi
