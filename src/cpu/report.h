// Source 5 of the feature model: the verdict.
//
// judge() takes the sources (CPUID per logical CPU, XCR0, the kernel's flags, probe outcomes
// per CPU), keeps each one's answer per feature, and verifies a feature only when every
// source that was consulted agrees on every CPU and everything it needs is verified too.
// A dropped feature carries a reason:
//   avx512f: dropped: CPUID says yes, XCR0 lacks opmask/ZMM state
// Sources that were not given are taken as agreeing (Answer::Unknown): a CPUID dump of
// another machine is judged with XCR0 = every state its CPU can save and no probes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cpu/cpuid.h"
#include "cpu/features.h"
#include "cpu/kernel.h"
#include "cpu/probe.h"
#include "cpu/xcr0.h"

namespace ironclad::cpu {

enum class Answer : uint8_t { No, Yes, Unknown };
const char* to_string(Answer answer);  // "no", "yes", "?"

struct CpuInputs {
  std::vector<CpuidSnapshot> cpuid;    // at least one logical CPU
  std::optional<XcrState> xcr;         // not given: every state CPUID says XSAVE manages
  std::optional<KernelView> kernel;    // not given: agrees
  std::optional<ProbeResults> probes;  // not given: no probes
  std::string origin;                  // "this machine", "dump <file>": for reports
};

struct FeatureVerdict {
  X86 feature = X86::SSE2;
  Answer cpuid = Answer::Unknown;   // Yes only if every logical CPU reports it
  Answer xcr0 = Answer::Unknown;    // the OS-enabled register state allows it
  Answer kernel = Answer::Unknown;  // /proc/cpuinfo lists it
  Answer probe = Answer::Unknown;   // its instruction ran on every probed CPU
  std::vector<int> cpuid_missing;   // CPUs whose CPUID does not report it
  std::vector<int> probe_failed;    // CPUs where its probe raised SIGILL
  bool verified = false;
  std::string reason;  // why it was dropped; empty when verified

  // "avx2: verified" or "avx512f: dropped: CPUID says yes, XCR0 lacks opmask/ZMM state"
  std::string describe() const;
};

struct CpuReport {
  CpuInputs inputs;
  std::vector<CpuidFacts> cpus;          // per logical CPU, in input order
  XcrState xcr;                          // the state judged (given or assumed)
  bool xcr_assumed = false;              // not read or given: every state CPUID says XSAVE manages
  std::vector<FeatureVerdict> features;  // one per feature, table order
  FeatureSet verified;

  // Identity, from the first logical CPU and the kernel view.
  std::string vendor, brand;
  uint32_t family = 0, model = 0, stepping = 0;
  std::string microcode;       // "" when unknown
  std::string kernel_release;  // "" when unknown

  const FeatureVerdict& verdict(X86 feature) const {
    return features[static_cast<size_t>(feature)];
  }
  // Hybrid parts: the logical CPUs of each core type (leaf 0x1A), e.g. {0x40: 0-15, 0x20: 16-23}.
  std::map<uint8_t, std::vector<int>> core_types() const;
  // "family 0x19 model 0x11 stepping 1"
  std::string signature_text() const;
};

CpuReport judge(CpuInputs inputs);

// "0-3,8,10-11"
std::string format_cpu_list(const std::vector<int>& cpus);

}  // namespace ironclad::cpu
