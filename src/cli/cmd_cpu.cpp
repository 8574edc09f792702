// `ironclad cpu`: the CPU feature model, feature by feature.
//
//   ironclad cpu                          this machine: every source, the verdict, the reasons
//   ironclad cpu --from-dump FILE         another machine, from an InstLatx64 CPUID dump
//                [--xcr0 HEX] [--cpuinfo FILE]
//   ironclad cpu --profile NAME           a named profile (x86-64-v3, alderlake-n, zen4, ...)
//   ironclad cpu --policy P [--features "+f,-g"]   what the JIT would get
//   ironclad cpu --json                   one JSON object for machines
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cpu/fingerprint.h"
#include "cpu/host.h"
#include "cpu/policy.h"
#include "cpu/profiles.h"
#include "cpu/report.h"

namespace ironclad::cli {

namespace {

using namespace ironclad::cpu;
using json = nlohmann::ordered_json;

struct CpuArgs {
  std::string dump;
  std::string xcr0;
  std::string cpuinfo;
  std::string profile;
  std::string policy = to_string(kDefaultPolicy);
  std::string features;
  bool json = false;
  bool reprobe = false;
};

// The policies a table shows a column for; the interpreter keeps nothing.
constexpr Policy kColumns[] = {Policy::Native, Policy::Conservative, Policy::Baseline};

json answer_json(Answer a) {
  if (a == Answer::Unknown) return nullptr;
  return a == Answer::Yes;
}

json names_json(const FeatureSet& s) {
  json out = json::array();
  for (X86 f : s.list()) out.push_back(std::string(info(f).llvm));
  return out;
}

json policy_json(const ResolvedPolicy& p) {
  return json{{"name", to_string(p.policy)},
              {"jit", p.jit},
              {"features", names_json(p.features)},
              {"llvm_features", p.jit ? p.llvm_features() : ""},
              {"warnings", p.warnings},
              {"notes", p.notes}};
}

json fingerprint_json(const Fingerprint& f) {
  return json{{"hash", f.hash_hex()},       {"vendor", f.vendor},
              {"family", f.family},         {"model", f.model},
              {"stepping", f.stepping},     {"microcode", f.microcode},
              {"kernel", f.kernel_release}, {"verified", names_json(f.verified)}};
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "ironclad cpu: {}\n", message);
  return 2;
}

std::string cpuid_cell(const FeatureVerdict& v, size_t ncpus) {
  if (v.cpuid == Answer::No && v.cpuid_missing.size() < ncpus) return "part";
  return to_string(v.cpuid);
}

void print_policy(const ResolvedPolicy& p, bool is_default) {
  fmt::print("\npolicy      {}{}: ", to_string(p.policy), is_default ? " (the default)" : "");
  if (!p.jit) {
    fmt::print("no JIT; every function runs in the interpreter\n");
  } else {
    fmt::print("{} features for the JIT\n", p.features.size());
    fmt::print("  features  {}\n", p.features.empty() ? "(none)" : p.features.llvm_names());
    fmt::print("  LLVM      cpu x86-64, features {}\n", p.llvm_features());
  }
  for (const std::string& n : p.notes) fmt::print("  note: {}\n", n);
  for (const std::string& w : p.warnings) fmt::print("  warning: {}\n", w);
}

int show_profile(const CpuArgs& args, const std::vector<OverrideSource>& overrides, Policy policy) {
  const Profile* profile = find_profile(args.profile);
  if (!profile) {
    std::string names;
    for (const Profile& p : profiles()) names += (names.empty() ? "" : ", ") + std::string(p.name);
    return usage_error("unknown profile '" + args.profile + "'; known: " + names);
  }
  // A profile is taken as the verified set of a machine of that model.
  ResolvedPolicy resolved = resolve_policy(policy, profile->features, overrides);
  if (args.json) {
    json j;
    j["profile"] = json{{"name", profile->name},
                        {"description", profile->description},
                        {"hybrid", profile->hybrid},
                        {"dump", profile->dump},
                        {"features", names_json(profile->features)}};
    j["policy"] = policy_json(resolved);
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print("profile     {}: {}\n", profile->name, profile->description);
  if (!profile->dump.empty()) fmt::print("checked     against ../shared/cpuid/{}\n", profile->dump);
  fmt::print("\n{:<20} {:<20} {:<8} {:>2} {:>2} {:>2}\n", "feature", "llvm", "profile", "N", "C",
             "B");
  for (const FeatureInfo& fi : x86_features()) {
    if (!profile->features.has(fi.id)) continue;
    std::string cols;
    for (Policy p : kColumns)
      cols += fmt::format(" {:>2}",
                          resolve_policy(p, profile->features).features.has(fi.id) ? "+" : "-");
    fmt::print("{:<20} {:<20} {:<8}{}\n", fi.name, fi.llvm, "yes", cols);
  }
  fmt::print(
      "\nN = native, C = conservative, B = baseline (x86-64-v2); interpreter keeps nothing.\n");
  print_policy(resolved, policy == kDefaultPolicy);
  return 0;
}

int run_cpu(const CpuArgs& args) {
  auto policy = parse_policy(args.policy);
  if (!policy)
    return usage_error("unknown policy '" + args.policy +
                       "'; known: native, conservative, baseline, interpreter");
  std::vector<OverrideSource> overrides;
  if (auto env = env_overrides()) overrides.push_back(*env);
  if (!args.features.empty()) overrides.push_back({"--features", args.features});

  if (!args.profile.empty()) return show_profile(args, overrides, *policy);

  // The inputs: this machine, or a dump; --xcr0 and --cpuinfo replace one source.
  CpuInputs inputs;
  if (!args.dump.empty()) {
    auto cpus = load_instlatx64(args.dump);
    if (!cpus.ok()) return usage_error(cpus.error().message);
    inputs.cpuid = std::move(cpus).value();
    inputs.origin = "dump " + args.dump;
  } else {
    DetectOptions opt;
    opt.use_cache = !args.reprobe;
    // Probes judge this machine's own sources; with an injected source they still run.
    inputs = read_host_inputs(opt);
  }
  if (!args.xcr0.empty()) {
    uint64_t value = 0;
    std::string text = args.xcr0;
    if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) text = text.substr(2);
    size_t used = 0;
    try {
      value = std::stoull(text, &used, 16);
    } catch (const std::exception&) {
      used = 0;
    }
    if (text.empty() || used != text.size())
      return usage_error("--xcr0 wants a hexadecimal value such as 0x2e7, not '" + args.xcr0 + "'");
    inputs.xcr = XcrState{true, value};
  }
  if (!args.cpuinfo.empty()) {
    auto text = read_file(args.cpuinfo);
    if (!text) return usage_error("cannot read '" + args.cpuinfo + "'");
    KernelView view = parse_cpuinfo(*text);
    if (!view.have_flags) return usage_error("'" + args.cpuinfo + "' has no cpuinfo flags");
    if (inputs.kernel) {  // this machine's release, microcode and auxv; the file's flags
      view.release = inputs.kernel->release;
      if (view.microcode.empty()) view.microcode = inputs.kernel->microcode;
      view.have_hwcap = inputs.kernel->have_hwcap;
      view.hwcap = inputs.kernel->hwcap;
      view.hwcap2 = inputs.kernel->hwcap2;
    }
    inputs.kernel = std::move(view);
  }

  CpuReport report = judge(std::move(inputs));
  ResolvedPolicy resolved = resolve_policy(*policy, report.verified, overrides);
  std::vector<ResolvedPolicy> columns;
  for (Policy p : kColumns) columns.push_back(resolve_policy(p, report.verified));
  Fingerprint fingerprint = fingerprint_of(report);
  const std::optional<ProbeResults>& probes = report.inputs.probes;

  std::vector<int> cpu_numbers;
  for (const CpuidFacts& c : report.cpus) cpu_numbers.push_back(c.cpu);

  if (args.json) {
    json j;
    json core_types = json::object();
    for (const auto& [type, cpus] : report.core_types())
      if (type != 0) core_types[core_type_name(type)] = cpus;
    j["machine"] = json{{"origin", report.inputs.origin},
                        {"vendor", report.vendor},
                        {"brand", report.brand},
                        {"family", report.family},
                        {"model", report.model},
                        {"stepping", report.stepping},
                        {"microcode", report.microcode},
                        {"kernel", report.kernel_release},
                        {"logical_cpus", cpu_numbers},
                        {"core_types", core_types},
                        {"hwcap2", report.inputs.kernel && report.inputs.kernel->have_hwcap
                                       ? json(report.inputs.kernel->hwcap2)
                                       : json(nullptr)},
                        {"osxsave", report.xcr.osxsave},
                        {"xcr0", fmt::format("{:#x}", report.xcr.xcr0)},
                        {"xcr0_assumed", report.xcr_assumed}};
    if (probes) {
      json per_cpu = json::array();
      for (const CpuProbes& p : probes->cpus)
        per_cpu.push_back(json{{"cpu", p.cpu}, {"pinned", p.pinned}, {"no", names_json(p.no)}});
      j["probes"] = json{{"from_cache", probes->from_cache},
                         {"elapsed_ms", probes->elapsed_ms},
                         {"busy_ms", probes->busy_ms},
                         {"cache_path", probes->cache_path},
                         {"cpus", per_cpu},
                         {"notes", probes->notes}};
    } else {
      j["probes"] = nullptr;
    }
    j["verified"] = names_json(report.verified);
    json features = json::array();
    for (const FeatureVerdict& v : report.features) {
      const FeatureInfo& fi = info(v.feature);
      json kept = json::object();
      for (const ResolvedPolicy& c : columns) kept[to_string(c.policy)] = c.features.has(v.feature);
      features.push_back(json{{"name", fi.llvm},
                              {"stable_name", fi.name},
                              {"cpuid", answer_json(v.cpuid)},
                              {"cpuid_missing_cpus", v.cpuid_missing},
                              {"xcr0", answer_json(v.xcr0)},
                              {"kernel", answer_json(v.kernel)},
                              {"probe", answer_json(v.probe)},
                              {"probe_failed_cpus", v.probe_failed},
                              {"verified", v.verified},
                              {"reason", v.reason},
                              {"policies", kept}});
    }
    j["features"] = std::move(features);
    j["policy"] = policy_json(resolved);
    j["fingerprint"] = fingerprint_json(fingerprint);
    fmt::print("{}\n", j.dump(2));
    return 0;
  }

  // The header: what was judged.
  fmt::print("judging     {}\n", report.inputs.origin);
  fmt::print("CPU         {} {}, {}{}\n", report.vendor, report.brand, report.signature_text(),
             report.microcode.empty() ? "" : ", microcode " + report.microcode);
  std::string types;
  for (const auto& [type, cpus] : report.core_types())
    if (type != 0)
      types += fmt::format("{}{} {}", types.empty() ? "; hybrid: " : ", ", core_type_name(type),
                           format_cpu_list(cpus));
  fmt::print("CPUs        {} logical ({}){}\n", report.cpus.size(), format_cpu_list(cpu_numbers),
             types);
  if (!report.inputs.kernel)
    fmt::print("kernel      not given: taken as agreeing\n");
  else
    fmt::print(
        "kernel      {}, {} cpuinfo flags, AT_HWCAP2 {}\n",
        report.kernel_release.empty() ? std::string("release unknown") : report.kernel_release,
        report.inputs.kernel->flags.size(),
        report.inputs.kernel->have_hwcap
            ? fmt::format("{:#x} ({})", report.inputs.kernel->hwcap2,
                          describe_hwcap2(report.inputs.kernel->hwcap2))
            : std::string("not read"));
  fmt::print(
      "XCR0        {}\n",
      !report.xcr.osxsave
          ? std::string("unavailable: OSXSAVE is off, no XSAVE state")
          : fmt::format("{:#x} ({}){}", report.xcr.xcr0, describe_xcr0(report.xcr.xcr0),
                        report.xcr_assumed ? ", assumed: every state the CPU can save" : ""));
  if (probes) {
    if (probes->from_cache)
      fmt::print(
          "probes      from this boot's cache {} (took {:.2f} ms on {} CPUs, {:.2f} ms probing)\n",
          probes->cache_path, probes->elapsed_ms, probes->cpus.size(), probes->busy_ms);
    else
      fmt::print(
          "probes      {} features x {} CPUs in {:.2f} ms, measured now ({:.2f} ms probing, the "
          "rest waiting for the CPUs)\n",
          kX86FeatureCount, probes->cpus.size(), probes->elapsed_ms, probes->busy_ms);
    for (const std::string& n : probes->notes) fmt::print("  note: {}\n", n);
  } else {
    fmt::print("probes      none (not this machine)\n");
  }

  fmt::print("\n{:<19} {:<19} {:<5} {:<5} {:<6} {:<5} {:<8} {:>1} {:>1} {:>1}  {}\n", "feature",
             "llvm", "cpuid", "xcr0", "kernel", "probe", "verdict", "N", "C", "B", "reason");
  for (const FeatureVerdict& v : report.features) {
    const FeatureInfo& fi = info(v.feature);
    std::string cols;
    for (const ResolvedPolicy& c : columns) cols += c.features.has(v.feature) ? "+ " : "- ";
    fmt::print("{:<19} {:<19} {:<5} {:<5} {:<6} {:<5} {:<8} {} {}\n", fi.name, fi.llvm,
               cpuid_cell(v, report.cpus.size()), to_string(v.xcr0), to_string(v.kernel),
               to_string(v.probe), v.verified ? "yes" : "DROPPED", cols, v.reason);
  }
  fmt::print(
      "\n? = source not consulted (taken as agreeing); part = CPUID says yes on some CPUs only.\n"
      "N = native, C = conservative (the default: no AVX-512, no AMX), B = baseline "
      "(x86-64-v2 ∩ verified);\nthe interpreter policy keeps nothing.\n");
  fmt::print("\nverified    {} of {}: {}\n", report.verified.size(), kX86FeatureCount,
             report.verified.llvm_names());
  print_policy(resolved, *policy == kDefaultPolicy);
  fmt::print("\nfingerprint {}  ({} {}, microcode {}, kernel {})\n", fingerprint.hash_hex(),
             fingerprint.vendor, report.signature_text(),
             fingerprint.microcode.empty() ? "?" : fingerprint.microcode,
             fingerprint.kernel_release.empty() ? "?" : fingerprint.kernel_release);
  return 0;
}

}  // namespace

void register_cpu_command(CLI::App& app, int& exit_status) {
  auto args = std::make_shared<CpuArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cpu",
      "Explain the CPU feature model: each source's answer per feature, the verdict, "
      "the policies");
  cmd->add_option("--from-dump", args->dump,
                  "Judge another machine from a CPUID dump (InstLatx64 text format)");
  cmd->add_option("--xcr0", args->xcr0, "Take XCR0 to be this value (hex), e.g. 0x7");
  cmd->add_option("--cpuinfo", args->cpuinfo,
                  "Take the kernel's flags from this /proc/cpuinfo copy (or a bare flags list)");
  cmd->add_option("--profile", args->profile,
                  "Show a named profile: x86-64-v1..v4, alderlake-n, haswell, zen4, ...");
  cmd->add_option("--policy", args->policy,
                  "native, conservative (default), baseline or interpreter");
  cmd->add_option("--features", args->features,
                  "Overrides on top of the policy, e.g. \"+avx512f,-fma\" (after "
                  "IRONCLAD_CPU_FEATURES)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--reprobe", args->reprobe,
                "Run the probes again instead of using this boot's cache (and time them)");
  cmd->callback([args, &exit_status] { exit_status = run_cpu(*args); });
}

}  // namespace ironclad::cli
