// Source 3 of the feature model: the kernel's view.
//
// Linux lists in /proc/cpuinfo the features it lets user space use. It clears a flag when it
// turned the feature off: `clearcpuid=`, the GDS mitigation in 'force' mode (which disables
// AVX), `noxsave`/`noavx`-style options, or a hypervisor quirk. A feature CPUID reports but
// the kernel does not list is not used. AT_HWCAP2 (getauxval) is read too; on x86-64 it only
// carries RING3MWAIT and FSGSBASE, neither a code-generation feature, so it is reported but
// decides nothing (on AArch64 it would be the main kernel source).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/features.h"

namespace ironclad::cpu {

struct KernelView {
  bool have_flags = false;             // a flags list was found
  std::set<std::string> flags;         // flags every processor lists
  std::string release;                 // uname -r, or empty
  std::vector<std::string> microcode;  // distinct "microcode" values of /proc/cpuinfo
  bool have_hwcap = false;             // read from this process (not from a file)
  uint64_t hwcap = 0, hwcap2 = 0;      // getauxval(AT_HWCAP / AT_HWCAP2)

  bool lists(X86 feature) const { return flags.count(std::string(info(feature).kernel_flag)) != 0; }
  // The microcode values joined with ',' ("0x1000065"), or "" when unknown.
  std::string microcode_text() const;
};

// Parses /proc/cpuinfo text: the flags every processor block lists (intersection, so a
// hybrid part is judged by its weakest core) and the microcode values. Text without any
// "flags" line is taken as a bare flags list ("fpu sse2 avx ...").
KernelView parse_cpuinfo(std::string_view text);

// "FSGSBASE RING3MWAIT" (the x86 AT_HWCAP2 bits), "none" when 0.
std::string describe_hwcap2(uint64_t hwcap2);

// This machine: /proc/cpuinfo, uname -r, AT_HWCAP and AT_HWCAP2.
KernelView read_kernel_view();

}  // namespace ironclad::cpu
