// Opening guest paths without leaving a preopened directory. Every path a WASI program
// names is resolved relative to a directory fd of its fd table; neither `..`, an absolute
// path nor a symlink (absolute, or relative but climbing out, or an intermediate symlinked
// directory) may reach anything outside that directory. An escape attempt is ENOTCAPABLE,
// as in wasmtime.
//
// The kernel does the work when it can: openat2(RESOLVE_BENEATH) (Linux 5.6+). Elsewhere a
// component-by-component walk with openat(O_NOFOLLOW) resolves each symlink by hand,
// keeping a stack of the directories it went through so `..` can never pop above the base.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/errno.h"
#include "wasi/unique_fd.h"

namespace ironclad::wasi {

enum class ResolveStrategy : uint8_t {
  Auto,    // openat2(RESOLVE_BENEATH), or the manual walk when the kernel lacks openat2
  Manual,  // always the manual walk (tests use it to cover the fallback)
};

// Opens `path` beneath `dir_fd` with open(2) `flags` (O_CLOEXEC is added) and `mode`.
// follow_final: whether a symlink as the last component is followed (symlinks in the
// middle always are, beneath dir_fd). On success `out` owns the new fd.
Errno open_beneath(int dir_fd, std::string_view path, int flags, mode_t mode, bool follow_final,
                   ResolveStrategy strategy, UniqueFd& out);

// For operations on a directory entry itself (mkdir, unlink, rename, readlink, stat
// without following...): the directory that holds the last component, opened beneath
// dir_fd, and that component's name. The name is never empty, never contains '/', and is
// never "..": a path ending in "." or ".." resolves to the directory it names with name
// ".". The caller then uses *at() calls on (parent, name), which never follow a final
// symlink unless asked to.
struct EntryRef {
  UniqueFd parent;
  std::string name;
  bool trailing_slash = false;  // the path ended in '/': the entry must be a directory
};
Errno resolve_entry(int dir_fd, std::string_view path, ResolveStrategy strategy, EntryRef& out);

}  // namespace ironclad::wasi
