#include "runtime/start_trace.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace ironclad::runtime::start_trace {
namespace {

struct Mark {
  std::atomic<bool> taken{false};
  std::atomic<bool> done{false};
  int64_t wall_ns = 0;  // CLOCK_MONOTONIC
  int64_t cpu_ns = 0;   // CLOCK_PROCESS_CPUTIME_ID: every thread, from the process's start
};

Mark marks[static_cast<int>(Phase::kCount)];

int64_t now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

}  // namespace

namespace detail {
std::atomic<bool> enabled{false};

void record(Phase phase) {
  Mark& m = marks[static_cast<int>(phase)];
  // A plain load first: the phases are marked again on every later call into wasm (each
  // crossing between the tiers), where an exchange, a locked instruction, cost ~1% of
  // SQLite's main thread.
  if (m.taken.load(std::memory_order_relaxed)) return;
  if (m.taken.exchange(true, std::memory_order_relaxed)) return;
  m.cpu_ns = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  m.wall_ns = now_ns(CLOCK_MONOTONIC);
  m.done.store(true, std::memory_order_release);
}
}  // namespace detail

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::Main:
      return "before main";
    case Phase::Options:
      return "options";
    case Phase::Read:
      return "read";
    case Phase::Decode:
      return "decode";
    case Phase::Validate:
      return "validate";
    case Phase::Setup:
      return "setup";
    case Phase::Instantiate:
      return "instantiate";
    case Phase::FirstInstruction:
      return "first function";
    case Phase::kCount:
      break;
  }
  return "?";
}

void enable() {
  detail::enabled.store(true, std::memory_order_relaxed);
  detail::record(Phase::Main);
}

std::string report() {
  if (!detail::enabled.load(std::memory_order_relaxed)) return {};
  // In the order they were reached: a start function runs its first instruction inside the
  // instantiation, before its end.
  std::vector<int> reached;
  for (int i = 0; i < static_cast<int>(Phase::kCount); ++i)
    if (marks[i].done.load(std::memory_order_acquire)) reached.push_back(i);
  std::sort(reached.begin(), reached.end(), [](int a, int b) {
    return marks[a].wall_ns != marks[b].wall_ns ? marks[a].wall_ns < marks[b].wall_ns : a < b;
  });
  std::string out;
  char line[200];
  const Mark* previous = nullptr;
  for (int i : reached) {
    const Mark& m = marks[i];
    const char* name = phase_name(static_cast<Phase>(i));
    if (previous == nullptr) {
      std::snprintf(line, sizeof line, "ironclad: start: %s %.1f ms CPU\n", name, ms(m.cpu_ns));
    } else {
      std::snprintf(line, sizeof line, "ironclad: start: %s %.1f ms wall, %.1f ms CPU\n", name,
                    ms(m.wall_ns - previous->wall_ns), ms(m.cpu_ns - previous->cpu_ns));
    }
    out += line;
    previous = &m;
  }
  const Mark& main_mark = marks[static_cast<int>(Phase::Main)];
  const Mark& first = marks[static_cast<int>(Phase::FirstInstruction)];
  if (first.done.load(std::memory_order_acquire) &&
      main_mark.done.load(std::memory_order_acquire)) {
    std::snprintf(line, sizeof line,
                  "ironclad: start: first instruction at %.1f ms CPU since the process started, "
                  "%.1f ms wall since main\n",
                  ms(first.cpu_ns), ms(first.wall_ns - main_mark.wall_ns));
    out += line;
  }
  return out;
}

}  // namespace ironclad::runtime::start_trace
