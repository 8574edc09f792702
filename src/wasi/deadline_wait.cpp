#include "wasi/deadline_wait.h"

#include <limits.h>
#include <poll.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace ironclad::wasi {

static_assert(kWritableWithoutBlocking <= PIPE_BUF);

bool may_block(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return true;
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

bool wait_ready(int fd, short events, const CallDeadline& deadline) {
  if (!deadline) return true;
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline -
                                                             std::chrono::steady_clock::now());
    pollfd pfd{fd, events, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(std::clamp<int64_t>(left.count(), 0, INT32_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    // An error or a hangup is "ready": the read or write that follows reports it.
    return ready != 0;
  }
}

std::vector<iovec> first_bytes(const std::vector<iovec>& iovs, size_t max_bytes) {
  std::vector<iovec> out;
  for (const iovec& v : iovs) {
    if (max_bytes == 0) break;
    size_t take = std::min(v.iov_len, max_bytes);
    out.push_back({v.iov_base, take});
    max_bytes -= take;
  }
  return out;
}

}  // namespace ironclad::wasi
