// path_* functions: every path is resolved beneath a directory fd of the guest's table
// (path_resolve.h), so nothing outside the preopened directories can be reached.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/host_file.h"
#include "wasi/path_resolve.h"
#include "wasi/rights.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

// A path argument: the directory fd it is relative to and the path bytes.
struct GuestPath {
  int dir_host_fd = -1;
  std::string path;
};

// The directory fd must be open (EBADF), a directory (ENOTDIR) and hold `needed`
// (ENOTCAPABLE).
Errno load_path(Ctx& ctx, const Mem& mem, uint32_t fd, uint64_t needed, uint32_t ptr,
                uint32_t len, GuestPath& out) {
  FdEntry* dir = ctx.fds().get(fd);
  if (dir == nullptr) return Errno::BadF;
  if (!dir->is_directory()) return Errno::NotDir;
  if (!dir->has_rights(needed)) return Errno::NotCapable;
  std::string_view bytes;
  if (!mem.load_string(ptr, len, bytes)) return Errno::Fault;
  out.dir_host_fd = dir->host_fd;
  out.path.assign(bytes);
  return Errno::Success;
}

Errno load_entry(Ctx& ctx, const Mem& mem, uint32_t fd, uint64_t needed, uint32_t ptr,
                 uint32_t len, EntryRef& out) {
  GuestPath p;
  if (Errno e = load_path(ctx, mem, fd, needed, ptr, len, p); e != Errno::Success) return e;
  return resolve_entry(p.dir_host_fd, p.path, ctx.resolve_strategy(), out);
}

Errno host_result(int r) { return r == 0 ? Errno::Success : from_host_errno(errno); }

// A new entry named "name/" (path_link's and path_symlink's new path) must be a directory,
// which neither call creates, so it always fails; but with POSIX's errno: ENOENT when
// nothing is there, EEXIST for a directory, ENOTDIR for anything else. (The kernel is given
// the name without the slash, where the call would succeed.)
Errno new_entry_with_trailing_slash(const EntryRef& entry) {
  struct stat st;
  if (::fstatat(entry.parent.get(), entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return from_host_errno(errno);
  return S_ISDIR(st.st_mode) ? Errno::Exist : Errno::NotDir;
}
}  // namespace

Errno path_create_directory(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t path,
                            uint32_t path_len) {
  EntryRef entry;
  if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathCreateDirectory, path, path_len, entry);
      e != Errno::Success)
    return e;
  return host_result(::mkdirat(entry.parent.get(), entry.name.c_str(), 0777));
}

Errno path_filestat_get(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t lookup_flags,
                        uint32_t path, uint32_t path_len, uint32_t stat_ptr) {
  if (mem.range(stat_ptr, abi::filestat::kSize) == nullptr) return Errno::Fault;
  struct stat st;
  if (lookup_flags & abi::kLookupSymlinkFollow) {
    GuestPath p;
    if (Errno e = load_path(ctx, mem, fd, abi::kRightPathFilestatGet, path, path_len, p);
        e != Errno::Success)
      return e;
    UniqueFd target;
    Errno e = open_beneath(p.dir_host_fd, p.path, O_PATH, 0, true, ctx.resolve_strategy(), target);
    if (e != Errno::Success) return e;
    if (::fstat(target.get(), &st) != 0) return from_host_errno(errno);
  } else {
    EntryRef entry;
    if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathFilestatGet, path, path_len, entry);
        e != Errno::Success)
      return e;
    if (::fstatat(entry.parent.get(), entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return from_host_errno(errno);
  }
  store_filestat(mem, stat_ptr, st);
  return Errno::Success;
}

Errno path_filestat_set_times(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t lookup_flags,
                              uint32_t path, uint32_t path_len, uint64_t atim, uint64_t mtim,
                              uint32_t fstflags) {
  timespec times[2];
  if (Errno e = to_host_times(atim, mtim, fstflags, times); e != Errno::Success) return e;
  if (lookup_flags & abi::kLookupSymlinkFollow) {
    // futimens needs a real (not O_PATH) fd; opening for reading, or else writing, works
    // for any file the caller may change the times of.
    GuestPath p;
    if (Errno e = load_path(ctx, mem, fd, abi::kRightPathFilestatSetTimes, path, path_len, p);
        e != Errno::Success)
      return e;
    UniqueFd target;
    Errno e = open_beneath(p.dir_host_fd, p.path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, true,
                           ctx.resolve_strategy(), target);
    if (e == Errno::Access)
      e = open_beneath(p.dir_host_fd, p.path, O_WRONLY | O_NONBLOCK | O_NOCTTY, 0, true,
                       ctx.resolve_strategy(), target);
    if (e != Errno::Success) return e;
    return host_result(::futimens(target.get(), times));
  }
  EntryRef entry;
  if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathFilestatSetTimes, path, path_len, entry);
      e != Errno::Success)
    return e;
  return host_result(
      ::utimensat(entry.parent.get(), entry.name.c_str(), times, AT_SYMLINK_NOFOLLOW));
}

Errno path_link(Ctx& ctx, const Mem& mem, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                uint32_t old_len, uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  // Following a final symlink would be done by the kernel, outside our resolution, and
  // could hard-link a file from outside the preopen: refuse it, as wasmtime does.
  if (old_flags & abi::kLookupSymlinkFollow) return Errno::Inval;
  EntryRef from, to;
  if (Errno e = load_entry(ctx, mem, old_fd, abi::kRightPathLinkSource, old_path, old_len, from);
      e != Errno::Success)
    return e;
  if (Errno e = load_entry(ctx, mem, new_fd, abi::kRightPathLinkTarget, new_path, new_len, to);
      e != Errno::Success)
    return e;
  if (from.trailing_slash) {
    // "name/" is a directory, which cannot be hard-linked (EPERM), or not one (ENOTDIR).
    struct stat st;
    if (::fstatat(from.parent.get(), from.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return from_host_errno(errno);
    return S_ISDIR(st.st_mode) ? Errno::Perm : Errno::NotDir;
  }
  if (to.trailing_slash) return new_entry_with_trailing_slash(to);
  return host_result(
      ::linkat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str(), 0));
}

Errno path_open(Ctx& ctx, const Mem& mem, uint32_t dir_fd, uint32_t lookup_flags, uint32_t path,
                uint32_t path_len, uint32_t oflags, uint64_t rights_base,
                uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_ptr) {
  if (mem.range(fd_ptr, 4) == nullptr) return Errno::Fault;
  uint64_t needed = abi::kRightPathOpen;
  if (oflags & abi::kOflagCreat) needed |= abi::kRightPathCreateFile;
  if (oflags & abi::kOflagTrunc) needed |= abi::kRightPathFilestatSetSize;
  GuestPath p;
  if (Errno e = load_path(ctx, mem, dir_fd, needed, path, path_len, p); e != Errno::Success)
    return e;
  const FdEntry& dir = *ctx.fds().get(dir_fd);
  // Rights the directory does not pass on are not granted (programs often ask for every
  // right there is); but opening for reading or writing where the directory passes on no
  // right to do so is refused rather than quietly downgraded.
  const uint64_t granted = rights_base & dir.rights_inheriting;
  const bool read = granted & abi::kRightsReading;
  const bool write = granted & abi::kRightsWriting;
  if ((rights_base & abi::kRightsReading && !read) || (rights_base & abi::kRightsWriting && !write))
    return Errno::NotCapable;
  const uint64_t dir_inheriting = dir.rights_inheriting;

  int flags = 0;
  if (oflags & abi::kOflagCreat) flags |= O_CREAT;
  if (oflags & abi::kOflagExcl) flags |= O_EXCL;
  if (oflags & abi::kOflagTrunc) flags |= O_TRUNC;
  if (oflags & abi::kOflagDirectory) flags |= O_DIRECTORY;
  // The access mode follows the rights asked for, as wasi-libc derives them from O_RDONLY /
  // O_WRONLY / O_RDWR. A directory asked for with a writing right is EISDIR (the kernel's
  // answer), as POSIX has it.
  if (read && write)
    flags |= O_RDWR;
  else if (write)
    flags |= O_WRONLY;
  else
    flags |= O_RDONLY;
  if (fdflags & abi::kFdflagAppend) flags |= O_APPEND;
  if (fdflags & abi::kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & abi::kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & abi::kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & abi::kFdflagSync) flags |= O_SYNC;

  // The open itself never blocks: opening a FIFO waits for its other end, forever if there is
  // none, and no deadline could end that. With O_NONBLOCK a FIFO opened for reading is there at
  // once (its reads wait, bounded by the call's deadline: fd_read), one opened for writing
  // without a reader is ENXIO. The fd then blocks as the guest asked.
  UniqueFd opened;
  Errno e = open_beneath(p.dir_host_fd, p.path, flags | O_NOCTTY | O_NONBLOCK, 0666,
                         lookup_flags & abi::kLookupSymlinkFollow, ctx.resolve_strategy(), opened);
  if (e != Errno::Success) return e;
  if (!(fdflags & abi::kFdflagNonblock)) {
    int status = ::fcntl(opened.get(), F_GETFL);
    if (status < 0 || ::fcntl(opened.get(), F_SETFL, status & ~O_NONBLOCK) != 0)
      return from_host_errno(errno);
  }
  FdEntry entry;
  entry.filetype = filetype_of_host_fd(opened.get());
  entry.rights_base = rights::for_opened(rights_base, dir_inheriting, entry.is_directory(),
                                         /*readable=*/!write || read, /*writable=*/write);
  entry.rights_inheriting = rights_inheriting & dir_inheriting;
  entry.host_fd = opened.release();
  uint32_t guest_fd = ctx.fds().insert(std::move(entry));
  mem.store_u32(fd_ptr, guest_fd);
  return Errno::Success;
}

Errno path_readlink(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t path, uint32_t path_len,
                    uint32_t buf, uint32_t buf_len, uint32_t bufused_ptr) {
  uint8_t* out = mem.range(buf, buf_len);
  if (out == nullptr || mem.range(bufused_ptr, 4) == nullptr) return Errno::Fault;
  EntryRef entry;
  if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathReadlink, path, path_len, entry);
      e != Errno::Success)
    return e;
  ssize_t n = ::readlinkat(entry.parent.get(), entry.name.c_str(), reinterpret_cast<char*>(out),
                           buf_len);
  if (n < 0) return from_host_errno(errno);
  mem.store_u32(bufused_ptr, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno path_remove_directory(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t path,
                            uint32_t path_len) {
  EntryRef entry;
  if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathRemoveDirectory, path, path_len, entry);
      e != Errno::Success)
    return e;
  return host_result(::unlinkat(entry.parent.get(), entry.name.c_str(), AT_REMOVEDIR));
}

Errno path_rename(Ctx& ctx, const Mem& mem, uint32_t old_fd, uint32_t old_path, uint32_t old_len,
                  uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  EntryRef from, to;
  if (Errno e = load_entry(ctx, mem, old_fd, abi::kRightPathRenameSource, old_path, old_len, from);
      e != Errno::Success)
    return e;
  if (Errno e = load_entry(ctx, mem, new_fd, abi::kRightPathRenameTarget, new_path, new_len, to);
      e != Errno::Success)
    return e;
  return host_result(
      ::renameat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str()));
}

Errno path_symlink(Ctx& ctx, const Mem& mem, uint32_t target, uint32_t target_len, uint32_t fd,
                   uint32_t path, uint32_t path_len) {
  // The target is stored, not resolved: whatever it says, later lookups through the link
  // are resolved beneath a preopen like every other path. An absolute target could never
  // be followed there (and would point the host's own tools outside the sandbox), so it is
  // refused as an escape.
  std::string_view target_bytes;
  if (!mem.load_string(target, target_len, target_bytes)) return Errno::Fault;
  if (target_bytes.find('\0') != std::string_view::npos) return Errno::Inval;
  std::string target_str(target_bytes);
  EntryRef entry;
  if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathSymlink, path, path_len, entry);
      e != Errno::Success)
    return e;
  if (!target_str.empty() && target_str.front() == '/') return Errno::NotCapable;
  if (entry.trailing_slash) return new_entry_with_trailing_slash(entry);
  return host_result(::symlinkat(target_str.c_str(), entry.parent.get(), entry.name.c_str()));
}

Errno path_unlink_file(Ctx& ctx, const Mem& mem, uint32_t fd, uint32_t path, uint32_t path_len) {
  EntryRef entry;
  if (Errno e = load_entry(ctx, mem, fd, abi::kRightPathUnlinkFile, path, path_len, entry);
      e != Errno::Success)
    return e;
  if (entry.trailing_slash) {
    // "name/" names a directory, which unlink never removes; a file there is ENOTDIR.
    struct stat st;
    if (::fstatat(entry.parent.get(), entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return from_host_errno(errno);
    return S_ISDIR(st.st_mode) ? Errno::IsDir : Errno::NotDir;
  }
  return host_result(::unlinkat(entry.parent.get(), entry.name.c_str(), 0));
}

}  // namespace ironclad::wasi
