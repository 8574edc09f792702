// This machine, judged: every source read live.
#pragma once

#include <optional>
#include <string>

#include "cpu/report.h"

namespace ironclad::cpu {

struct DetectOptions {
  bool probes = true;      // run (or reuse) execution probes
  bool use_cache = true;   // read and write the per-boot probe cache
  std::string cache_path;  // "" -> default_probe_cache_path()
  // A host view to judge this machine through (host_view.h); nullopt: IRONCLAD_HOST_VIEW.
  std::optional<std::string> view;
};

// Reads CPUID on every online CPU (pinned, in the same pass as the probes), XCR0, the
// kernel view, and the probe outcomes (from this boot's cache when it matches), then
// applies the host view, if any.
CpuInputs read_host_inputs(const DetectOptions& options = {});

// judge(read_host_inputs(options)).
CpuReport detect_host(const DetectOptions& options = {});

// The report of this machine with default options, computed once per process.
const CpuReport& host_cpu();

}  // namespace ironclad::cpu
