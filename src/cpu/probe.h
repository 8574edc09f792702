// Source 4 of the feature model: execution probes.
//
// For each feature one representative instruction is executed on the calling thread under a
// temporary SIGILL handler: a SIGILL means 'no'. The instructions are raw bytes in the
// library (it is built for baseline x86-64 and has no target attributes), executed only
// inside a probe. probe_cpus() does this on every online CPU in turn, the thread pinned with
// sched_setaffinity (several CPUs at once, on a few threads), so a hybrid part is judged by
// its weakest core. Results are cached per
// boot: the cache key holds the boot id, the kernel release, the microcode revisions, the
// probed CPUs and the probe table, so any of those changing re-probes.
//
// The handler is installed only for the duration of a probing pass and acts only on the
// probing thread while a probe runs; any other SIGILL goes to the handler installed before
// (or the default action), as DESIGN.md invariant 5 asks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/features.h"
#include "cpu/kernel.h"
#include "ironclad/error.h"

namespace ironclad::cpu {

// The probe outcomes of one logical CPU. A feature is in `yes`, in `no`, or (not probed) in
// neither.
struct CpuProbes {
  int cpu = 0;
  bool pinned = true;  // false: sched_setaffinity failed, the probes ran wherever the thread was
  FeatureSet yes;
  FeatureSet no;
};

struct ProbeResults {
  std::vector<CpuProbes> cpus;
  double elapsed_ms = 0;    // wall time of the pass that measured them (threads, pinning included)
  double busy_ms = 0;       // of which running probes, summed over CPUs (the rest is waiting for
                            // a pinned thread to get its CPU, which grows with the machine's load)
  bool from_cache = false;  // read from the per-boot cache, not measured by this process
  std::string cache_path;   // where the cache is (or would be) kept
  std::vector<std::string> notes;  // cache misses, write failures, CPUs that could not be pinned
};

// The instruction a feature's probe executes, in Intel syntax ("vpaddd zmm0, zmm1, zmm2").
std::string_view probe_instruction(X86 feature);
// The probe's machine code (starts with endbr64, ends with ret): for tests that decode it.
const uint8_t* probe_code(X86 feature);

// Holds the temporary SIGILL handler; probing passes are serialized process-wide. Probes run
// on the thread that calls probe_here(); it may be another thread than the constructor's.
class ProbeSession {
 public:
  ProbeSession();
  ~ProbeSession();
  ProbeSession(const ProbeSession&) = delete;
  ProbeSession& operator=(const ProbeSession&) = delete;

  // Executes the probe of `feature` on the calling thread: true if it ran (and, for LZCNT,
  // behaved as LZCNT rather than BSR).
  bool probe_here(X86 feature);
  // Every feature, on the calling thread.
  CpuProbes probe_all_here(int cpu);
};

// The CPUs this process can run on: /sys/devices/system/cpu/online ∩ its affinity mask.
std::vector<int> online_cpus();
// "0-3,8,10-11" -> {0,1,2,3,8,10,11}; empty on malformed text.
std::vector<int> parse_cpu_list(std::string_view text);

// Calls fn(index, cpu, pinned) once for each CPU of `cpus`, on worker threads that pin
// themselves to that CPU first (the caller's own affinity is left alone). Different CPUs are
// served concurrently, so fn must only touch the slot of its index. `pinned` is false when
// sched_setaffinity failed (fn then runs wherever the worker is).
void for_each_cpu(const std::vector<int>& cpus,
                  const std::function<void(size_t index, int cpu, bool pinned)>& fn);

// Probes every feature on every CPU of `cpus`, measuring the wall time (threads and pinning
// included). `also`, when given, runs first on each CPU while the thread is pinned there
// (the host reads CPUID in the same pass); like for_each_cpu's fn it runs concurrently.
ProbeResults probe_cpus(const std::vector<int>& cpus,
                        const std::function<void(size_t index, int cpu)>& also = nullptr);

// The per-boot cache.
// $XDG_CACHE_HOME/ironclad/cpu-probes, else $HOME/.cache/ironclad/cpu-probes ("" if neither).
std::string default_probe_cache_path();
// The text that must match for a cached result to be used.
std::string probe_cache_key(const KernelView& kernel, const std::vector<int>& cpus);
// This boot's id (/proc/sys/kernel/random/boot_id), or "" when unreadable.
std::string read_boot_id();
std::optional<ProbeResults> read_probe_cache(const std::string& path, const std::string& key);
Result<void> write_probe_cache(const std::string& path, const std::string& key,
                               const ProbeResults& results);

}  // namespace ironclad::cpu
