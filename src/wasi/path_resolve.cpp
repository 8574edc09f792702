#include "wasi/path_resolve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

namespace ironclad::wasi {
namespace {

// Linux's limit on symlinks followed during one lookup (MAXSYMLINKS).
constexpr int kMaxSymlinks = 40;
// RESOLVE_BENEATH gives EAGAIN when a concurrent rename could have raced its `..`
// handling; retrying a few times is what the kernel documentation suggests.
constexpr int kOpenat2Retries = 8;

std::atomic<bool> g_kernel_lacks_openat2{false};

bool contains_nul(std::string_view path) { return path.find('\0') != std::string_view::npos; }

// Splits at '/' and appends the components (empty ones and "." dropped) to `out`.
void split_components(std::string_view path, std::deque<std::string>& out, bool at_front) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = slash + 1;
  }
  if (at_front)
    out.insert(out.begin(), parts.begin(), parts.end());
  else
    out.insert(out.end(), parts.begin(), parts.end());
}

// The target of the symlink `name` in `dir`, or false when it is not a symlink.
bool read_symlink(int dir, const std::string& name, std::string& target) {
  char buf[4096];
  ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  target.assign(buf, static_cast<size_t>(n));
  return true;
}

// The manual walk. `dirs` holds the directories entered below the base, so `..` at the
// base is an escape rather than a step up.
Errno open_beneath_manual(int base, std::string_view path, int flags, mode_t mode,
                          bool follow_final, UniqueFd& out) {
  if (!path.empty() && path.front() == '/') return Errno::NotCapable;
  const bool trailing_slash = !path.empty() && path.back() == '/';
  // "name/" must be a directory, so a final symlink is followed as POSIX does, and a
  // file is ENOTDIR (or, when it would be created, EISDIR, as the kernel answers).
  if (trailing_slash) {
    if (flags & O_CREAT) return Errno::IsDir;
    follow_final = true;
    flags |= O_DIRECTORY;
  }
  std::deque<std::string> pending;
  split_components(path, pending, false);
  std::vector<UniqueFd> dirs;
  int symlinks_followed = 0;
  auto current = [&] { return dirs.empty() ? base : dirs.back().get(); };
  auto expand = [&](const std::string& target) -> Errno {
    if (++symlinks_followed > kMaxSymlinks) return Errno::Loop;
    if (target.empty()) return Errno::NoEnt;
    if (target.front() == '/') return Errno::NotCapable;  // absolute targets leave the base
    split_components(target, pending, true);
    return Errno::Success;
  };

  while (!pending.empty()) {
    std::string component = std::move(pending.front());
    pending.pop_front();
    if (component == "..") {
      if (dirs.empty()) return Errno::NotCapable;
      dirs.pop_back();
      continue;
    }
    const bool last = pending.empty();
    if (!last) {
      // An intermediate component must be a directory; a symlink is expanded by hand.
      int fd = ::openat(current(), component.c_str(),
                        O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        dirs.emplace_back(fd);
        continue;
      }
      int err = errno;
      std::string target;
      if (read_symlink(current(), component, target)) {
        if (Errno e = expand(target); e != Errno::Success) return e;
        continue;
      }
      return from_host_errno(err);
    }
    int fd = ::openat(current(), component.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      // O_PATH|O_NOFOLLOW opens a symlink itself rather than failing: follow it if asked.
      struct stat st;
      if (follow_final && (flags & O_PATH) && ::fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
        ::close(fd);
        std::string target;
        if (!read_symlink(current(), component, target)) return Errno::NoEnt;
        if (Errno e = expand(target); e != Errno::Success) return e;
        continue;
      }
      out.reset(fd);
      return Errno::Success;
    }
    int err = errno;
    std::string target;
    if (follow_final && read_symlink(current(), component, target)) {
      if (Errno e = expand(target); e != Errno::Success) return e;
      continue;
    }
    return from_host_errno(err);
  }
  // Nothing left but the directory the walk ended in (the path ended in "." or "..", or
  // was only those).
  int fd = ::openat(current(), ".", flags | O_CLOEXEC, mode);
  if (fd < 0) return from_host_errno(errno);
  out.reset(fd);
  return Errno::Success;
}

// The kernel's walk. Returns false when openat2 is unusable and the manual walk must run.
bool open_beneath_openat2(int base, std::string_view path, int flags, mode_t mode,
                          bool follow_final, UniqueFd& out, Errno& result) {
  if (g_kernel_lacks_openat2.load(std::memory_order_relaxed)) return false;
  std::string cpath(path);
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | (follow_final ? 0 : O_NOFOLLOW));
  // openat2 rejects a mode unless the file may be created. O_TMPFILE includes the
  // O_DIRECTORY bit, so it must be tested as a whole.
  const bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = creates ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < kOpenat2Retries; ++attempt) {
    long fd = ::syscall(SYS_openat2, base, cpath.c_str(), &how, sizeof how);
    if (fd >= 0) {
      out.reset(static_cast<int>(fd));
      result = Errno::Success;
      return true;
    }
    int err = errno;
    if (err == EAGAIN) continue;
    if (err == ENOSYS) {
      g_kernel_lacks_openat2.store(true, std::memory_order_relaxed);
      return false;
    }
    // RESOLVE_BENEATH reports every attempt to leave the base (.., absolute paths and
    // symlinks) as EXDEV.
    result = err == EXDEV ? Errno::NotCapable : from_host_errno(err);
    return true;
  }
  return false;  // persistently racing: the manual walk is race-free by construction
}

}  // namespace

Errno open_beneath(int dir_fd, std::string_view path, int flags, mode_t mode, bool follow_final,
                   ResolveStrategy strategy, UniqueFd& out) {
  if (contains_nul(path)) return Errno::Inval;
  if (path.empty()) return Errno::NoEnt;
  if (strategy == ResolveStrategy::Auto) {
    Errno result = Errno::Success;
    if (open_beneath_openat2(dir_fd, path, flags, mode, follow_final, out, result)) return result;
  }
  return open_beneath_manual(dir_fd, path, flags, mode, follow_final, out);
}

Errno resolve_entry(int dir_fd, std::string_view path, ResolveStrategy strategy, EntryRef& out) {
  if (contains_nul(path)) return Errno::Inval;
  if (path.empty()) return Errno::NoEnt;
  if (path.front() == '/') return Errno::NotCapable;
  std::string_view trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  out.trailing_slash = trimmed.size() != path.size();
  size_t slash = trimmed.rfind('/');
  std::string_view dir_part = slash == std::string_view::npos ? std::string_view{}
                                                              : trimmed.substr(0, slash + 1);
  std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);

  if (name == "." || name == "..") {
    // The entry is a directory reached by the whole path: resolve all of it (so `..`
    // is checked against the base) and name it as "." inside itself.
    Errno e = open_beneath(dir_fd, trimmed, O_PATH | O_DIRECTORY, 0, true, strategy, out.parent);
    if (e != Errno::Success) return e;
    out.name = ".";
    return Errno::Success;
  }
  if (dir_part.empty()) {
    int fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return from_host_errno(errno);
    out.parent.reset(fd);
  } else {
    Errno e = open_beneath(dir_fd, dir_part, O_PATH | O_DIRECTORY, 0, true, strategy, out.parent);
    if (e != Errno::Success) return e;
  }
  out.name = std::string(name);
  return Errno::Success;
}

}  // namespace ironclad::wasi
