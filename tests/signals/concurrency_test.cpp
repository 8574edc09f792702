// Threads taking faults at the same time: each fault unwinds its own thread's activation,
// nothing leaks (file descriptors, memory, the per-thread signal stacks of exited threads).
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "ironclad/signals.h"
#include "machine_code.h"
#include "runtime/activation.h"

namespace ironclad::runtime {
namespace {

using test::CodePage;
using test::run_in_child;
using test::TestCodeInfo;
namespace code = test::code;

int open_fd_count() {
  int count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir)) ++count;
    closedir(dir);
  }
  return count;
}

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

int mapping_count() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  int count = 0;
  while (std::getline(maps, line)) ++count;
  return count;
}

TEST(Concurrency, TwoThreadsTakeAThousandFaultsEachAtTheSameTime) {
  auto outcome = run_in_child([] {
    std::string failures;
    install_signal_handlers();
    constexpr size_t kMemory = 1 << 20;
    auto* memory = static_cast<uint8_t*>(
        mmap(nullptr, kMemory, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    TestCodeInfo info;
    info.reservation_begin = reinterpret_cast<uintptr_t>(memory);
    info.reservation_end = info.reservation_begin + kMemory;
    CodePage trap(code::kUd2, info);
    CodePage load(code::kLoad, info);
    info.traps[trap.begin()] = TrapKind::Unreachable;

    int fds_before = open_fd_count();
    long rss_before = resident_kib();
    std::atomic<int> go{0};
    std::atomic<int> right[2] = {0, 0};
    auto worker = [&](int id) {
      go.fetch_add(1);
      while (go.load() < 2) {
      }  // start together
      for (int i = 0; i < 1000; ++i) {
        Activation act;
        if (i % 2 == 0) {
          enter_activation(act, [&] { trap.as<void()>()(); });
          if (act.trap == TrapKind::Unreachable && act.fault.pc == trap.begin()) right[id]++;
        } else {
          uintptr_t address = info.reservation_begin + static_cast<uintptr_t>(i) * 64;
          enter_activation(act, [&] { load.as<int(uintptr_t)>()(address); });
          if (act.trap == TrapKind::OutOfBoundsMemoryAccess && act.fault.fault_address == address)
            right[id]++;
        }
        if (current_activation() != nullptr) return;
      }
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    CHILD_CHECK(failures, right[0].load() == 1000);
    CHILD_CHECK(failures, right[1].load() == 1000);
    CHILD_CHECK(failures, open_fd_count() == fds_before);
    long rss_after = resident_kib();
    CHILD_CHECK(failures, rss_after - rss_before < 4096);  // two thread stacks and change
    if (!failures.empty())
      failures += "fds " + std::to_string(fds_before) + " -> " + std::to_string(open_fd_count()) +
                  ", RSS " + std::to_string(rss_before) + " KiB -> " + std::to_string(rss_after) +
                  " KiB\n";
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

// Each thread that enters an activation gets an alternate signal stack, released when the
// thread exits: a hundred short-lived threads leave no mappings behind.
TEST(Concurrency, ExitedThreadsReleaseTheirSignalStacks) {
  auto outcome = run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage trap(code::kUd2, info);
    info.traps[trap.begin()] = TrapKind::Unreachable;
    auto one_thread = [&](bool* had_stack, bool* trapped) {
      Activation act;
      enter_activation(act, [&] { trap.as<void()>()(); });
      *trapped = act.trap == TrapKind::Unreachable;
      stack_t current{};
      sigaltstack(nullptr, &current);
      *had_stack = !(current.ss_flags & SS_DISABLE);
    };
    bool had_stack = false, trapped = false;
    std::thread(one_thread, &had_stack, &trapped).join();  // warm up (thread stack caching)
    int before = mapping_count();
    int ok = 0;
    for (int i = 0; i < 100; ++i) {
      std::thread(one_thread, &had_stack, &trapped).join();
      if (had_stack && trapped) ++ok;
    }
    CHILD_CHECK(failures, ok == 100);
    int after = mapping_count();
    // A leaked stack is one or two mappings per thread (its guard page apart): 100 to 200.
    // Allow a few for allocators growing (AddressSanitizer maps new regions as it goes).
    CHILD_CHECK(failures, after - before < 20);
    if (!failures.empty())
      failures += "mappings " + std::to_string(before) + " -> " + std::to_string(after) + "\n";
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

}  // namespace
}  // namespace ironclad::runtime
