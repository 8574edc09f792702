// Clocks, randomness, sched_yield and poll_oneoff (clock subscriptions sleep; fd
// subscriptions use poll(2), with regular files always ready as POSIX has them).
#include <poll.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

std::optional<clockid_t> host_clock(uint32_t id) {
  switch (id) {
    case abi::kClockRealtime: return CLOCK_REALTIME;
    case abi::kClockMonotonic: return CLOCK_MONOTONIC;
    case abi::kClockProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case abi::kClockThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
    default: return std::nullopt;
  }
}

uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return to_ns(ts);
}

void sleep_ns(uint64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1'000'000'000ull), static_cast<long>(ns % 1'000'000'000ull)};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct ClockSub {
  uint64_t userdata;
  clockid_t clock;
  uint64_t deadline;  // in `clock`'s time
};

struct FdSub {
  uint64_t userdata;
  uint8_t type;
  int host_fd;
};

}  // namespace

Errno clock_res_get(Ctx&, const Mem& mem, uint32_t clock_id, uint32_t res_ptr) {
  auto clock = host_clock(clock_id);
  if (!clock) return Errno::Inval;
  timespec ts{};
  if (::clock_getres(*clock, &ts) != 0) return from_host_errno(errno);
  return mem.store_u64(res_ptr, to_ns(ts)) ? Errno::Success : Errno::Fault;
}

Errno clock_time_get(Ctx&, const Mem& mem, uint32_t clock_id, uint64_t, uint32_t time_ptr) {
  auto clock = host_clock(clock_id);
  if (!clock) return Errno::Inval;
  timespec ts{};
  if (::clock_gettime(*clock, &ts) != 0) return from_host_errno(errno);
  return mem.store_u64(time_ptr, to_ns(ts)) ? Errno::Success : Errno::Fault;
}

Errno random_get(Ctx&, const Mem& mem, uint32_t buf, uint32_t len) {
  uint8_t* p = mem.range(buf, len);
  if (p == nullptr) return Errno::Fault;
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return from_host_errno(errno);
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

Errno sched_yield(Ctx&, const Mem&) {
  ::sched_yield();
  return Errno::Success;
}

Errno poll_oneoff(Ctx& ctx, const Mem& mem, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                  uint32_t nevents_ptr) {
  namespace sub = abi::subscription;
  namespace ev = abi::event;
  if (nsubscriptions == 0) return Errno::Inval;
  if (mem.range(in, uint64_t{nsubscriptions} * sub::kSize) == nullptr ||
      mem.range(out, uint64_t{nsubscriptions} * ev::kSize) == nullptr ||
      mem.range(nevents_ptr, 4) == nullptr)
    return Errno::Fault;

  std::vector<Event> events;   // ready at once: errors and regular files
  std::vector<ClockSub> clocks;
  std::vector<FdSub> fd_subs;  // waited on with poll(2)
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    uint64_t base = in + uint64_t{i} * sub::kSize;
    uint64_t userdata = 0;
    mem.load_u64(base + sub::kUserdata, userdata);
    uint8_t tag = *mem.range(base + sub::kTag, 1);
    if (tag == abi::kEventtypeClock) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      mem.load_u32(base + sub::kClockId, id);
      mem.load_u64(base + sub::kClockTimeout, timeout);
      std::memcpy(&flags, mem.range(base + sub::kClockFlags, 2), 2);
      auto clock = host_clock(id);
      if (!clock) {
        events.push_back({userdata, Errno::Inval, tag, 0, 0});
        continue;
      }
      uint64_t deadline = (flags & abi::kSubclockAbstime) ? timeout : now_ns(*clock) + timeout;
      clocks.push_back({userdata, *clock, deadline});
    } else if (tag == abi::kEventtypeFdRead || tag == abi::kEventtypeFdWrite) {
      uint32_t fd = 0;
      mem.load_u32(base + sub::kFdFd, fd);
      FdEntry* entry = ctx.fds().get(fd);
      if (entry == nullptr || !entry->has_rights(abi::kRightPollFdReadwrite)) {
        events.push_back({userdata, entry ? Errno::NotCapable : Errno::BadF, tag, 0, 0});
        continue;
      }
      if (entry->filetype == abi::kFiletypeRegularFile) {
        uint64_t available = 0;
        struct stat st;
        off_t pos = ::lseek(entry->host_fd, 0, SEEK_CUR);
        if (tag == abi::kEventtypeFdRead && pos >= 0 && ::fstat(entry->host_fd, &st) == 0 &&
            st.st_size > pos)
          available = static_cast<uint64_t>(st.st_size - pos);
        events.push_back({userdata, Errno::Success, tag, available, 0});
        continue;
      }
      fd_subs.push_back({userdata, tag, entry->host_fd});
    } else {
      events.push_back({userdata, Errno::Inval, tag, 0, 0});
    }
  }

  // How long until the first clock fires (none: wait for fds only).
  std::optional<uint64_t> wait_ns;
  for (const auto& c : clocks) {
    uint64_t now = now_ns(c.clock);
    uint64_t remaining = c.deadline > now ? c.deadline - now : 0;
    wait_ns = wait_ns ? std::min(*wait_ns, remaining) : remaining;
  }
  if (!events.empty()) wait_ns = 0;  // something is ready already: only look, don't wait
  // Never past the deadline of the running call (the call then ends: runtime::CallBudget).
  if (const auto& deadline = ctx.call_deadline()) {
    auto left = *deadline - std::chrono::steady_clock::now();
    uint64_t left_ns = left.count() > 0
                           ? static_cast<uint64_t>(
                                 std::chrono::duration_cast<std::chrono::nanoseconds>(left).count())
                           : 0;
    wait_ns = wait_ns ? std::min(*wait_ns, left_ns) : left_ns;
  }

  if (!fd_subs.empty()) {
    std::vector<pollfd> pfds;
    for (const auto& f : fd_subs)
      pfds.push_back({f.host_fd, static_cast<short>(f.type == abi::kEventtypeFdRead ? POLLIN : POLLOUT), 0});
    int timeout_ms = -1;
    if (wait_ns) timeout_ms = static_cast<int>(std::min<uint64_t>((*wait_ns + 999'999) / 1'000'000, INT32_MAX));
    int n = ::poll(pfds.data(), pfds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) return from_host_errno(errno);
    for (size_t i = 0; i < pfds.size(); ++i) {
      if (pfds[i].revents == 0) continue;
      Event e{fd_subs[i].userdata, Errno::Success, fd_subs[i].type, 0, 0};
      if (pfds[i].revents & POLLHUP) e.flags = abi::kEventFdReadwriteHangup;
      if (pfds[i].revents & (POLLERR | POLLNVAL)) e.error = Errno::Io;
      events.push_back(e);
    }
  } else if (wait_ns && *wait_ns > 0) {
    sleep_ns(*wait_ns);
  }
  for (const auto& c : clocks) {
    if (now_ns(c.clock) >= c.deadline)
      events.push_back({c.userdata, Errno::Success, abi::kEventtypeClock, 0, 0});
  }

  for (size_t i = 0; i < events.size(); ++i) {
    uint64_t base = out + i * ev::kSize;
    uint8_t zero[ev::kSize] = {};
    mem.store_bytes(base, zero, sizeof zero);
    mem.store_u64(base + ev::kUserdata, events[i].userdata);
    mem.store_u16(base + ev::kError, static_cast<uint16_t>(events[i].error));
    mem.store_u8(base + ev::kType, events[i].type);
    mem.store_u64(base + ev::kFdNbytes, events[i].nbytes);
    mem.store_u16(base + ev::kFdFlags, events[i].flags);
  }
  mem.store_u32(nevents_ptr, static_cast<uint32_t>(events.size()));
  return Errno::Success;
}

}  // namespace ironclad::wasi
