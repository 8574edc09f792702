// Host file metadata in preview1's terms.
#pragma once

#include <sys/stat.h>

#include <cstdint>

#include "wasi/errno.h"
#include "wasi/guest_memory.h"

namespace ironclad::wasi {

uint8_t filetype_from_mode(mode_t mode);
// abi::kFiletypeUnknown when the fd cannot be inspected.
uint8_t filetype_of_host_fd(int fd);
// The two timestamps (atime, mtime) of a *_set_times call for futimens/utimensat:
// UTIME_NOW / UTIME_OMIT as fstflags say; EINVAL when a time is both given and "now".
Errno to_host_times(uint64_t atim, uint64_t mtim, uint32_t fstflags, timespec times[2]);
// Writes a preview1 `filestat` at `ptr`; false when it does not fit in guest memory.
bool store_filestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st);

}  // namespace ironclad::wasi
