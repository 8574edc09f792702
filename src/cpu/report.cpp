#include "cpu/report.h"

#include <algorithm>
#include <cstdio>

namespace ironclad::cpu {

const char* to_string(Answer answer) {
  switch (answer) {
    case Answer::No:
      return "no";
    case Answer::Yes:
      return "yes";
    case Answer::Unknown:
      return "?";
  }
  return "?";
}

std::string format_cpu_list(const std::vector<int>& input) {
  std::vector<int> cpus = input;
  std::sort(cpus.begin(), cpus.end());
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) out += '-' + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

std::string FeatureVerdict::describe() const {
  std::string name(info(feature).llvm);
  return verified ? name + ": verified" : name + ": dropped: " + reason;
}

std::map<uint8_t, std::vector<int>> CpuReport::core_types() const {
  std::map<uint8_t, std::vector<int>> out;
  for (const CpuidFacts& c : cpus) out[c.core_type].push_back(c.cpu);
  return out;
}

std::string CpuReport::signature_text() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "family 0x%x model 0x%x stepping %u", family, model, stepping);
  return buf;
}

namespace {

// "CPU 3", "CPUs 16-23 (Atom)": which CPUs, with their core types on hybrid parts.
std::string which_cpus(const std::vector<int>& cpus, const CpuReport& report) {
  std::string out = (cpus.size() == 1 ? "CPU " : "CPUs ") + format_cpu_list(cpus);
  std::vector<std::string> types;
  for (const CpuidFacts& c : report.cpus) {
    if (c.core_type == 0 || std::find(cpus.begin(), cpus.end(), c.cpu) == cpus.end()) continue;
    std::string t = core_type_name(c.core_type);
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  }
  if (!types.empty()) {
    out += " (";
    for (size_t i = 0; i < types.size(); ++i) out += (i ? ", " : "") + types[i];
    out += ")";
  }
  return out;
}

}  // namespace

CpuReport judge(CpuInputs inputs) {
  CpuReport r;
  for (const CpuidSnapshot& s : inputs.cpuid) r.cpus.push_back(decode_cpuid(s));
  if (!r.cpus.empty()) {
    const CpuidFacts& first = r.cpus.front();
    r.vendor = first.vendor;
    r.brand = first.brand;
    r.family = first.family;
    r.model = first.model;
    r.stepping = first.stepping;
  }
  if (inputs.kernel) {
    r.microcode = inputs.kernel->microcode_text();
    r.kernel_release = inputs.kernel->release;
  }

  if (inputs.xcr) {
    r.xcr = *inputs.xcr;
  } else {
    // Not given: the OS enabled every state the CPU can save (the weakest CPU's view), if
    // it enabled XSAVE at all. CPUID's OSXSAVE bit is the OS's answer (CR4.OSXSAVE), and a
    // dump records it: an OS that left it clear runs no AVX, whatever the CPU supports.
    r.xcr_assumed = true;
    r.xcr.osxsave = !r.cpus.empty();
    r.xcr.xcr0 = ~0ull;
    for (const CpuidFacts& c : r.cpus) {
      r.xcr.osxsave = r.xcr.osxsave && c.xsave && c.osxsave;
      r.xcr.xcr0 &= c.xcr0_supported | xcr0::kX87 | xcr0::kSse;
    }
    if (!r.xcr.osxsave) r.xcr.xcr0 = 0;
  }

  const bool kernel_flags = inputs.kernel && inputs.kernel->have_flags;
  FeatureSet direct;
  std::vector<std::vector<std::string>> objections(kX86FeatureCount);
  for (const FeatureInfo& fi : x86_features()) {
    FeatureVerdict v;
    v.feature = fi.id;
    auto& why = objections[static_cast<size_t>(fi.id)];

    // 1. CPUID, on every logical CPU.
    for (const CpuidFacts& c : r.cpus)
      if (!c.features.has(fi.id)) v.cpuid_missing.push_back(c.cpu);
    v.cpuid =
        r.cpus.empty() ? Answer::Unknown : (v.cpuid_missing.empty() ? Answer::Yes : Answer::No);

    // 2. The OS-enabled register state.
    std::string xcr_why;
    v.xcr0 = xcr_allows(r.xcr, fi.state, &xcr_why) ? Answer::Yes : Answer::No;
    if (v.xcr0 == Answer::No) why.push_back(xcr_why);

    // 3. The kernel's view.
    if (kernel_flags) {
      v.kernel = inputs.kernel->lists(fi.id) ? Answer::Yes : Answer::No;
      if (v.kernel == Answer::No)
        why.push_back("the kernel turned it off ('" + std::string(fi.kernel_flag) +
                      "' is not in the /proc/cpuinfo flags)");
    }

    // 4. Execution probes, on every probed CPU.
    if (inputs.probes) {
      bool any = false;
      for (const CpuProbes& p : inputs.probes->cpus) {
        if (p.no.has(fi.id)) v.probe_failed.push_back(p.cpu);
        any = any || p.yes.has(fi.id) || p.no.has(fi.id);
      }
      v.probe = !v.probe_failed.empty() ? Answer::No : (any ? Answer::Yes : Answer::Unknown);
      if (v.probe == Answer::No) {
        std::string what = fi.id == X86::LZCNT ? "ran as BSR (no LZCNT)" : "raised SIGILL";
        why.push_back("the probe '" + std::string(probe_instruction(fi.id)) + "' " + what + " on " +
                      which_cpus(v.probe_failed, r));
        if (fi.family == Family::Amx)
          why.back() +=
              " (AMX also needs arch_prctl(ARCH_REQ_XCOMP_PERM), which probing does "
              "not request)";
      }
    }

    bool ok = v.cpuid != Answer::No && v.xcr0 != Answer::No && v.kernel != Answer::No &&
              v.probe != Answer::No;
    direct.set(fi.id, ok);
    r.features.push_back(std::move(v));
  }

  // 5. The intersection, closed under requirements: nothing without what it needs.
  r.verified = direct.consistent();
  for (FeatureVerdict& v : r.features) {
    v.verified = r.verified.has(v.feature);
    if (v.verified) continue;
    const FeatureInfo& fi = info(v.feature);
    auto& why = objections[static_cast<size_t>(v.feature)];
    if (direct.has(v.feature)) {
      for (int8_t need : fi.needs)
        if (need >= 0 && !r.verified.has(static_cast<X86>(need))) {
          why.push_back("needs " + std::string(info(static_cast<X86>(need)).llvm) +
                        ", which is dropped");
          break;
        }
    }
    if (v.cpuid == Answer::No) {
      v.reason = v.cpuid_missing.size() == r.cpus.size()
                     ? "CPUID says no"
                     : "CPUID says no on " + which_cpus(v.cpuid_missing, r);
      if (v.probe == Answer::Yes) v.reason += " (its probe ran, but CPUID is not overruled)";
      continue;
    }
    v.reason = "CPUID says yes";
    for (size_t i = 0; i < why.size(); ++i) v.reason += (i ? "; " : ", ") + why[i];
  }

  r.inputs = std::move(inputs);
  return r;
}

}  // namespace ironclad::cpu
