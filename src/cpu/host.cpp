#include "cpu/host.h"

#include "cpu/host_view.h"

namespace ironclad::cpu {

CpuInputs read_host_inputs(const DetectOptions& options) {
  CpuInputs in;
  in.origin = "this machine";
  in.kernel = read_kernel_view();
  in.xcr = read_xcr_here();

  std::vector<int> cpus = online_cpus();
  std::string key, path;
  std::optional<ProbeResults> cached;
  if (options.probes) {
    key = probe_cache_key(*in.kernel, cpus);
    path = options.cache_path.empty() ? default_probe_cache_path() : options.cache_path;
    if (options.use_cache) cached = read_probe_cache(path, key);
  }

  // One pass over the CPUs: CPUID on each (cheap and never cached: it is the first source),
  // and the probes when the cache has nothing for this boot.
  in.cpuid.resize(cpus.size());
  auto read_cpuid = [&](size_t index, int cpu) { in.cpuid[index] = read_cpuid_here(cpu); };
  if (cached) {
    for_each_cpu(cpus, [&](size_t index, int cpu, bool) { read_cpuid(index, cpu); });
    in.probes = std::move(cached);
  } else if (options.probes) {
    ProbeResults measured = probe_cpus(cpus, read_cpuid);
    measured.cache_path = path;
    if (options.use_cache) {
      auto written = write_probe_cache(path, key, measured);
      if (!written.ok())
        measured.notes.push_back("probe cache not written: " + written.error().message);
    }
    in.probes = std::move(measured);
  } else {
    for_each_cpu(cpus, [&](size_t index, int cpu, bool) { read_cpuid(index, cpu); });
  }
  if (in.cpuid.empty()) in.cpuid.push_back(read_cpuid_here(0));  // no CPU list: this one
  // After the probes and their cache: a view changes what is judged, not what was measured.
  const std::string view = options.view ? *options.view : host_view_from_environment();
  if (!view.empty()) (void)apply_host_view(view, in);  // a bad spec is noted in in.origin
  return in;
}

CpuReport detect_host(const DetectOptions& options) {
  return judge(read_host_inputs(options));
}

const CpuReport& host_cpu() {
  static const CpuReport report = detect_host();
  return report;
}

}  // namespace ironclad::cpu
