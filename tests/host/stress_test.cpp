// The process survives 1,000 consecutive faults through the real signal path, across two
// threads, with resident memory and open file descriptors stable.
//
// Each fault is the emulated Alder Lake-N SIGILL: vpmullq in code compiled for policy native
// hits an undefined opcode the emulation wrote in its place. The host handles it (crash
// report, quarantine record, demotion, fresh instance) and retries the idempotent call on
// the safe tier. ExtensionHost::reset then puts the extension back on its planned rung (its
// quarantine record forgotten), so the next call faults again. Each thread drives its own
// extension (other module bytes, so its own quarantine record).
#include <dirent.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "host_test_support.h"
#include "support/sanitizers.h"

namespace ironclad::host_test {
namespace {

constexpr int kThreads = 2;
constexpr int kFaultsPerThread = 500;
// Each instance makes this many 4 KiB pages of its memory resident (host_simd.wat `touch`):
// an instance leaked per fault would add 1000 * 256 KiB to the resident set.
constexpr int kPagesTouched = 64;
constexpr long kMaxResidentGrowthBytes = 32L << 20;

// AddressSanitizer keeps freed memory in a quarantine of its own (hundreds of MiB), so
// resident memory says nothing there; LeakSanitizer checks for leaks at exit instead.
constexpr bool kResidentMemoryMeaningful = !ironclad::testing::kUnderAddressSanitizer;

long resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long size = 0, resident = 0;
  int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * ::sysconf(_SC_PAGESIZE) : -1;
}

int open_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return -1;
  int n = 0;
  while (::readdir(d) != nullptr) ++n;
  ::closedir(d);
  return n;
}

// One fault, handled: planned rung, the call faults, is retried on the safe rung and
// returns the right product; then the extension is reset to its planned rung.
::testing::AssertionResult fault_once(ExtensionHost& host, Extension& ext) {
  // The instance about to fault makes its pages resident, so leaking it would show.
  Value pages[] = {Value::from_i32(kPagesTouched)};
  if (auto touched = ext.call("touch", pages); !touched.ok())
    return ::testing::AssertionFailure() << touched.error().describe();
  Value args[] = {v128_i64(6, 9), v128_i64(7, 11)};
  auto product = ext.call("mul", args);
  if (!product.ok()) return ::testing::AssertionFailure() << product.error().describe();
  if ((*product)[0].v128.lane<uint64_t>(0) != 42 || (*product)[0].v128.lane<uint64_t>(1) != 99)
    return ::testing::AssertionFailure() << "wrong product";
  if (ext.status().rung != Rung::Conservative)
    return ::testing::AssertionFailure()
           << "the call did not fault (rung " << to_string(ext.status().rung) << ")";
  if (auto touched = ext.call("touch", pages); !touched.ok())
    return ::testing::AssertionFailure() << touched.error().describe();
  if (auto reset = host.reset(ext.manifest().id); !reset.ok())
    return ::testing::AssertionFailure() << reset.error().describe();
  return ::testing::AssertionSuccess();
}

TEST(Stress, AThousandFaultsAcrossTwoThreadsLeaveMemoryAndDescriptorsStable) {
  std::string why = emulation_unavailable();
  if (!why.empty()) GTEST_SKIP() << "needs CPU emulation: " << why;
  TempDir tmp;
  EventLog events;
  HostConfig config;
  config.data_dir = tmp.path() / "data";
  config.policy = "native";
  config.tier = "jit";
  config.emulate_cpu = "alderlake-n";
  std::atomic<int> restarted{0};
  config.on_event = [&](const HostEvent& e) {
    if (e.kind == HostEventKind::Restarted) ++restarted;
  };
  auto host = ExtensionHost::create(config);
  ASSERT_TRUE(host.ok()) << host.error().describe();
  std::vector<Extension*> exts;
  for (int t = 0; t < kThreads; ++t) {
    std::string id = "stress" + std::to_string(t);
    auto ext = (*host)->load(make_extension(tmp.path(), id, "host_simd.wasm", kSimdExports, id));
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    exts.push_back(*ext);
  }

  // Warm-up: every rung's code compiled, the stores' files open, allocator pools grown.
  for (Extension* ext : exts)
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(fault_once(**host, *ext));
  const int faults_before = restarted.load();
  const long resident_before = resident_bytes();
  const int fds_before = open_fds();
  ASSERT_GT(resident_before, 0);
  ASSERT_GT(fds_before, 0);

  std::atomic<int> failures{0};
  std::vector<std::string> first_failure(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kFaultsPerThread; ++i) {
        auto handled = fault_once(**host, *exts[t]);
        if (!handled) {
          ++failures;
          first_failure[t] = handled.message();
          return;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0) << first_failure[0] << first_failure[1];
  EXPECT_EQ(restarted.load() - faults_before, kThreads * kFaultsPerThread);

  const long resident_after = resident_bytes();
  const int fds_after = open_fds();
  if (kResidentMemoryMeaningful) {
    EXPECT_LT(resident_after - resident_before, kMaxResidentGrowthBytes)
        << "resident memory grew from " << resident_before << " to " << resident_after;
  }
  EXPECT_EQ(fds_after, fds_before);
  for (Extension* ext : exts) {
    // The history is bounded however many faults there were.
    EXPECT_LE(ext->status().incidents.size(), 64u);
    EXPECT_EQ(ext->status().rung, Rung::Planned);
  }
}

}  // namespace
}  // namespace ironclad::host_test
