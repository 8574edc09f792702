// fd_* functions: operations on an open guest fd, forwarded to its host fd.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "wasi/abi.h"
#include "wasi/deadline_wait.h"
#include "wasi/functions.h"
#include "wasi/host_file.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

// Gathers the guest's (c)iovec array into host iovecs, every buffer bounds-checked.
Errno load_iovecs(const Mem& mem, uint32_t iovs, uint32_t iovs_len, std::vector<iovec>& out) {
  namespace io = abi::iovec;
  if (iovs_len > IOV_MAX) return Errno::Inval;
  if (mem.range(iovs, uint64_t{iovs_len} * io::kSize) == nullptr) return Errno::Fault;
  out.resize(iovs_len);
  for (uint32_t i = 0; i < iovs_len; ++i) {
    uint32_t buf = 0, len = 0;
    mem.load_u32(iovs + uint64_t{i} * io::kSize + io::kBuf, buf);
    mem.load_u32(iovs + uint64_t{i} * io::kSize + io::kBufLen, len);
    uint8_t* p = mem.range(buf, len);
    if (p == nullptr) return Errno::Fault;
    out[i] = {p, len};
  }
  return Errno::Success;
}

// Writing to a pipe whose reader is gone raises SIGPIPE, whose default action would kill
// the embedding application for the guest's sake. SIGPIPE is sent to the writing thread,
// so blocking it on this thread for the write, and consuming the one this write raised,
// turns it into the EPIPE the guest sees, without touching the process's signal setup.
// Regular files never raise it and skip the extra system calls.
template <typename WriteFn>
ssize_t write_without_sigpipe(const FdEntry& e, WriteFn write) {
  if (e.filetype == abi::kFiletypeRegularFile) return write();
  sigset_t pipe_only, previous, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  sigpending(&pending);
  const bool already_pending = sigismember(&pending, SIGPIPE) == 1;
  ssize_t n = write();
  int err = errno;
  if (n < 0 && err == EPIPE && !already_pending) {
    timespec no_wait{0, 0};
    sigtimedwait(&pipe_only, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = err;
  return n;
}

Errno result_of(ssize_t n, const Mem& mem, uint32_t count_ptr) {
  if (n < 0) return from_host_errno(errno);
  return mem.store_u32(count_ptr, static_cast<uint32_t>(n)) ? Errno::Success : Errno::Fault;
}

// The open entry for `fd`, or null (EBADF).
FdEntry* lookup(Ctx& ctx, uint32_t fd) { return ctx.fds().get(fd); }

// For the calls that read, write or seek: a directory is EISDIR whatever its rights (as
// POSIX has it), anything else needs `needed`.
FdEntry* require_data(Ctx& ctx, uint32_t fd, uint64_t needed, Errno& error) {
  FdEntry* e = lookup(ctx, fd);
  if (e != nullptr && e->is_directory()) {
    error = Errno::IsDir;
    return nullptr;
  }
  return require(ctx.fds(), fd, needed, error);
}

}  // namespace

Errno fd_advise(Ctx& ctx, const Mem&, uint32_t fd, uint64_t offset, uint64_t len,
                uint32_t advice) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdAdvise, err);
  if (!e) return err;
  // preview1's advice values 0..5 are POSIX_FADV_NORMAL..NOREUSE in the same order.
  if (advice > 5) return Errno::Inval;
  static constexpr int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                        POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                        POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int r = ::posix_fadvise(e->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len),
                          kHostAdvice[advice]);
  // Advice is only advice: a pipe or terminal saying ESPIPE is not the guest's problem.
  return (r == 0 || r == ESPIPE) ? Errno::Success : from_host_errno(r);
}

Errno fd_allocate(Ctx& ctx, const Mem&, uint32_t fd, uint64_t offset, uint64_t len) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdAllocate, err);
  if (!e) return err;
  if (offset > INT64_MAX || len > INT64_MAX) return Errno::Inval;
  int r = ::posix_fallocate(e->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len));
  return r == 0 ? Errno::Success : from_host_errno(r);
}

Errno fd_close(Ctx& ctx, const Mem&, uint32_t fd) {
  return ctx.fds().close(fd) ? Errno::Success : Errno::BadF;
}

Errno fd_datasync(Ctx& ctx, const Mem&, uint32_t fd) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdDatasync, err);
  if (!e) return err;
  return ::fdatasync(e->host_fd) == 0 ? Errno::Success : from_host_errno(errno);
}

Errno fd_sync(Ctx& ctx, const Mem&, uint32_t fd) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdSync, err);
  if (!e) return err;
  return ::fsync(e->host_fd) == 0 ? Errno::Success : from_host_errno(errno);
}

Errno fd_fdstat_get(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t stat_ptr) {
  namespace fs = abi::fdstat;
  FdEntry* e = lookup(ctx, fd);
  if (!e) return Errno::BadF;
  if (mem.range(stat_ptr, fs::kSize) == nullptr) return Errno::Fault;
  int host_flags = ::fcntl(e->host_fd, F_GETFL);
  if (host_flags < 0) return from_host_errno(errno);
  uint16_t flags = 0;
  if (host_flags & O_APPEND) flags |= abi::kFdflagAppend;
  if (host_flags & O_NONBLOCK) flags |= abi::kFdflagNonblock;
  // O_SYNC includes the O_DSYNC bit on Linux, so test the wider flag first.
  if ((host_flags & O_SYNC) == O_SYNC)
    flags |= abi::kFdflagSync;
  else if (host_flags & O_DSYNC)
    flags |= abi::kFdflagDsync;
  uint8_t zero[fs::kSize] = {};
  mem.store_bytes(stat_ptr, zero, sizeof zero);
  mem.store_u8(stat_ptr + fs::kFiletype, e->filetype);
  mem.store_u16(stat_ptr + fs::kFlags, flags);
  mem.store_u64(stat_ptr + fs::kRightsBase, e->rights_base);
  mem.store_u64(stat_ptr + fs::kRightsInheriting, e->rights_inheriting);
  return Errno::Success;
}

Errno fd_fdstat_set_flags(Ctx& ctx, const Mem&, uint32_t fd, uint32_t flags) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdFdstatSetFlags, err);
  if (!e) return err;
  // Linux cannot change the sync flags of an open file.
  if (flags & (abi::kFdflagDsync | abi::kFdflagRsync | abi::kFdflagSync)) return Errno::NotSup;
  int host_flags = ::fcntl(e->host_fd, F_GETFL);
  if (host_flags < 0) return from_host_errno(errno);
  host_flags &= ~(O_APPEND | O_NONBLOCK);
  if (flags & abi::kFdflagAppend) host_flags |= O_APPEND;
  if (flags & abi::kFdflagNonblock) host_flags |= O_NONBLOCK;
  return ::fcntl(e->host_fd, F_SETFL, host_flags) == 0 ? Errno::Success : from_host_errno(errno);
}

Errno fd_fdstat_set_rights(Ctx& ctx, const Mem&, uint32_t fd, uint64_t base,
                           uint64_t inheriting) {
  FdEntry* e = lookup(ctx, fd);
  if (!e) return Errno::BadF;
  // Rights can only be dropped: asking for one the fd lacks changes nothing and fails.
  if ((base & ~e->rights_base) != 0 || (inheriting & ~e->rights_inheriting) != 0)
    return Errno::NotCapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::Success;
}

Errno fd_filestat_get(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t stat_ptr) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdFilestatGet, err);
  if (!e) return err;
  struct stat st;
  if (::fstat(e->host_fd, &st) != 0) return from_host_errno(errno);
  return store_filestat(mem, stat_ptr, st) ? Errno::Success : Errno::Fault;
}

Errno fd_filestat_set_size(Ctx& ctx, const Mem&, uint32_t fd, uint64_t size) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdFilestatSetSize, err);
  if (!e) return err;
  if (size > INT64_MAX) return Errno::Inval;
  return ::ftruncate(e->host_fd, static_cast<off_t>(size)) == 0 ? Errno::Success
                                                                 : from_host_errno(errno);
}

Errno fd_filestat_set_times(Ctx& ctx, const Mem&, uint32_t fd, uint64_t atim, uint64_t mtim,
                            uint32_t fstflags) {
  Errno err;
  FdEntry* e = require(ctx.fds(), fd, abi::kRightFdFilestatSetTimes, err);
  if (!e) return err;
  timespec times[2];
  if (Errno err = to_host_times(atim, mtim, fstflags, times); err != Errno::Success) return err;
  return ::futimens(e->host_fd, times) == 0 ? Errno::Success : from_host_errno(errno);
}

Errno fd_read(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
              uint32_t nread_ptr) {
  Errno err;
  FdEntry* e = require_data(ctx, fd, abi::kRightFdRead, err);
  if (!e) return err;
  std::vector<iovec> host;
  if (Errno err = load_iovecs(mem, iovs, iovs_len, host); err != Errno::Success) return err;
  if (mem.range(nread_ptr, 4) == nullptr) return Errno::Fault;
  // A read that could block (a pipe, a terminal) waits at most until the deadline of the
  // running call, which then ends (runtime::CallBudget).
  if (e->filetype != abi::kFiletypeRegularFile &&
      !wait_ready(e->host_fd, POLLIN, ctx.call_deadline()))
    return Errno::Again;
  return result_of(::readv(e->host_fd, host.data(), static_cast<int>(host.size())), mem,
                   nread_ptr);
}

Errno fd_pread(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
               uint64_t offset, uint32_t nread_ptr) {
  Errno err;
  FdEntry* e = require_data(ctx, fd, abi::kRightFdRead | abi::kRightFdSeek, err);
  if (!e) return err;
  if (offset > INT64_MAX) return Errno::Inval;
  std::vector<iovec> host;
  if (Errno err = load_iovecs(mem, iovs, iovs_len, host); err != Errno::Success) return err;
  if (mem.range(nread_ptr, 4) == nullptr) return Errno::Fault;
  return result_of(::preadv(e->host_fd, host.data(), static_cast<int>(host.size()),
                            static_cast<off_t>(offset)),
                   mem, nread_ptr);
}

Errno fd_write(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
               uint32_t nwritten_ptr) {
  Errno err;
  FdEntry* e = require_data(ctx, fd, abi::kRightFdWrite, err);
  if (!e) return err;
  std::vector<iovec> host;
  if (Errno err = load_iovecs(mem, iovs, iovs_len, host); err != Errno::Success) return err;
  if (mem.range(nwritten_ptr, 4) == nullptr) return Errno::Fault;
  // A write that could block (a full pipe nobody reads) waits at most until the deadline of
  // the running call, and then moves only what fits without blocking (a short write, which
  // the guest's libc continues).
  if (const auto& deadline = ctx.call_deadline();
      deadline && e->filetype != abi::kFiletypeRegularFile) {
    if (!wait_ready(e->host_fd, POLLOUT, deadline)) return Errno::Again;
    host = first_bytes(host, kWritableWithoutBlocking);
  }
  ssize_t n = write_without_sigpipe(
      *e, [&] { return ::writev(e->host_fd, host.data(), static_cast<int>(host.size())); });
  return result_of(n, mem, nwritten_ptr);
}

Errno fd_pwrite(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                uint64_t offset, uint32_t nwritten_ptr) {
  Errno err;
  FdEntry* e = require_data(ctx, fd, abi::kRightFdWrite | abi::kRightFdSeek, err);
  if (!e) return err;
  if (offset > INT64_MAX) return Errno::Inval;
  std::vector<iovec> host;
  if (Errno err = load_iovecs(mem, iovs, iovs_len, host); err != Errno::Success) return err;
  if (mem.range(nwritten_ptr, 4) == nullptr) return Errno::Fault;
  ssize_t n = write_without_sigpipe(*e, [&] {
    return ::pwritev(e->host_fd, host.data(), static_cast<int>(host.size()),
                     static_cast<off_t>(offset));
  });
  return result_of(n, mem, nwritten_ptr);
}

Errno fd_prestat_get(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t prestat_ptr) {
  namespace ps = abi::prestat;
  FdEntry* e = lookup(ctx, fd);
  if (!e || !e->preopen_name) return Errno::BadF;  // wasi-libc stops scanning at EBADF
  if (mem.range(prestat_ptr, ps::kSize) == nullptr) return Errno::Fault;
  uint8_t zero[ps::kSize] = {};
  mem.store_bytes(prestat_ptr, zero, sizeof zero);
  mem.store_u8(prestat_ptr + ps::kTag, abi::kPreopentypeDir);
  mem.store_u32(prestat_ptr + ps::kNameLen, static_cast<uint32_t>(e->preopen_name->size()));
  return Errno::Success;
}

Errno fd_prestat_dir_name(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t path_ptr,
                          uint32_t path_len) {
  FdEntry* e = lookup(ctx, fd);
  if (!e || !e->preopen_name) return Errno::BadF;
  const std::string& name = *e->preopen_name;
  if (path_len < name.size()) return Errno::NameTooLong;
  return mem.store_bytes(path_ptr, name.data(), name.size()) ? Errno::Success : Errno::Fault;
}

Errno fd_readdir(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t buf, uint32_t buf_len,
                 uint64_t cookie, uint32_t bufused_ptr) {
  namespace de = abi::dirent;
  FdEntry* e = lookup(ctx, fd);
  if (!e) return Errno::BadF;
  if (!e->is_directory()) return Errno::NotDir;
  if (!e->has_rights(abi::kRightFdReaddir)) return Errno::NotCapable;
  if (mem.range(buf, buf_len) == nullptr || mem.range(bufused_ptr, 4) == nullptr)
    return Errno::Fault;
  // A listing starts at cookie 0: take a snapshot then, and let later cookies (the index
  // of the next entry) page through it, so entries are neither skipped nor repeated.
  if (cookie == 0 || !e->listing_valid) {
    int dup_fd = ::openat(e->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup_fd < 0) return from_host_errno(errno);
    DIR* dir = ::fdopendir(dup_fd);
    if (dir == nullptr) {
      int err = errno;
      ::close(dup_fd);
      return from_host_errno(err);
    }
    e->listing.clear();
    while (dirent* d = ::readdir(dir)) {
      DirListingEntry entry{d->d_name, static_cast<uint64_t>(d->d_ino), abi::kFiletypeUnknown};
      struct stat st;
      if (d->d_type != DT_UNKNOWN)
        entry.filetype = filetype_from_mode(DTTOIF(d->d_type));
      else if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        entry.filetype = filetype_from_mode(st.st_mode);
      e->listing.push_back(std::move(entry));
    }
    ::closedir(dir);
    e->listing_valid = true;
  }
  // Fill the buffer; the last entry may be cut short, which tells the guest to call again
  // with a bigger buffer or the next cookie.
  uint64_t used = 0;
  for (uint64_t i = cookie; i < e->listing.size() && used < buf_len; ++i) {
    const DirListingEntry& entry = e->listing[i];
    uint8_t header[de::kSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(entry.name.size());
    std::memcpy(header + de::kNext, &next, 8);
    std::memcpy(header + de::kIno, &entry.inode, 8);
    std::memcpy(header + de::kNamlen, &namlen, 4);
    header[de::kType] = entry.filetype;
    uint64_t n = std::min<uint64_t>(de::kSize, buf_len - used);
    mem.store_bytes(buf + used, header, n);
    used += n;
    n = std::min<uint64_t>(namlen, buf_len - used);
    mem.store_bytes(buf + used, entry.name.data(), n);
    used += n;
  }
  mem.store_u32(bufused_ptr, static_cast<uint32_t>(used));
  return Errno::Success;
}

Errno fd_renumber(Ctx& ctx, const Mem&, uint32_t from, uint32_t to) {
  return ctx.fds().renumber(from, to) ? Errno::Success : Errno::BadF;
}

Errno fd_seek(Ctx& ctx, const Mem& mem, uint32_t fd, uint64_t offset, uint32_t whence,
              uint32_t newoffset_ptr) {
  // Asking where the offset is (0 from the current position) is fd_tell's right.
  const bool only_tells = offset == 0 && whence == abi::kWhenceCur;
  Errno err;
  FdEntry* e = require_data(ctx, fd, 0, err);
  if (!e) return err;
  if (!e->has_rights(abi::kRightFdSeek) && !(only_tells && e->has_rights(abi::kRightFdTell)))
    return Errno::NotCapable;
  int host_whence;
  switch (whence) {
    case abi::kWhenceSet: host_whence = SEEK_SET; break;
    case abi::kWhenceCur: host_whence = SEEK_CUR; break;
    case abi::kWhenceEnd: host_whence = SEEK_END; break;
    default: return Errno::Inval;
  }
  if (mem.range(newoffset_ptr, 8) == nullptr) return Errno::Fault;
  // The offset is a signed filedelta carried in an i64.
  off_t pos = ::lseek(e->host_fd, static_cast<off_t>(static_cast<int64_t>(offset)), host_whence);
  if (pos < 0) return from_host_errno(errno);
  mem.store_u64(newoffset_ptr, static_cast<uint64_t>(pos));
  return Errno::Success;
}

Errno fd_tell(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t offset_ptr) {
  Errno err;
  FdEntry* e = require_data(ctx, fd, abi::kRightFdTell, err);
  if (!e) return err;
  if (mem.range(offset_ptr, 8) == nullptr) return Errno::Fault;
  off_t pos = ::lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return from_host_errno(errno);
  mem.store_u64(offset_ptr, static_cast<uint64_t>(pos));
  return Errno::Success;
}

}  // namespace ironclad::wasi
