// Waiting on a host fd no longer than the running call's deadline (runtime::CallBudget):
// reads and writes of pipes, terminals and sockets would otherwise block the calling thread
// for as long as the other end likes, which no deadline checked in wasm code can end.
#pragma once

#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace ironclad::wasi {

using CallDeadline = std::optional<std::chrono::steady_clock::time_point>;

// Whether `fd` could make a read or write block (anything but a regular file or a directory).
bool may_block(int fd);

// Waits until `fd` is ready for `events` (POLLIN or POLLOUT) or the deadline has passed;
// true when ready (or when there is no deadline: the caller then blocks as it always did).
// The wait is rounded up to the millisecond: waking just before the deadline would hand the
// guest an EAGAIN it may spin on.
bool wait_ready(int fd, short events, const CallDeadline& deadline);

// Bytes a write may move without blocking once `fd` polled writable: a pipe promises room
// for PIPE_BUF bytes then, so a larger write could block for the rest.
constexpr size_t kWritableWithoutBlocking = 4096;

// The first `max_bytes` of `iovs` (the later buffers dropped, the last one cut).
std::vector<iovec> first_bytes(const std::vector<iovec>& iovs, size_t max_bytes);

}  // namespace ironclad::wasi
