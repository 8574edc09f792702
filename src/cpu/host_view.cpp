#include "cpu/host_view.h"

#include <algorithm>
#include <cstdlib>

#include "cpu/profiles.h"

namespace ironclad::cpu {
namespace {

// The kernel view a view edits. Without a flags list the kernel source agreed with
// everything; a view that hides features needs a list that says so.
KernelView& editable_kernel(CpuInputs& inputs) {
  if (!inputs.kernel) inputs.kernel = KernelView{};
  KernelView& k = *inputs.kernel;
  if (!k.have_flags) {
    for (const FeatureInfo& fi : x86_features()) k.flags.insert(std::string(fi.kernel_flag));
    k.have_flags = true;
  }
  return k;
}

// Hides every feature `keep` says no to.
void hide_unless(CpuInputs& inputs, const auto& keep) {
  KernelView& k = editable_kernel(inputs);
  for (const FeatureInfo& fi : x86_features()) {
    // LZCNT's flag is "abm"; a flag shared by two features goes when either goes.
    if (!keep(fi)) k.flags.erase(std::string(fi.kernel_flag));
  }
}

Result<void> hide_listed(CpuInputs& inputs, std::string_view list) {
  std::vector<X86> hidden;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    auto feature = find_x86_feature(name);
    if (!feature)
      return Error::make(ErrorKind::Usage, "kernel-hides: '" + std::string(name) +
                                               "' is not a feature of the model");
    hidden.push_back(*feature);
  }
  if (hidden.empty())
    return Error::make(ErrorKind::Usage, "kernel-hides: names no feature (kernel-hides:lzcnt,bmi)");
  hide_unless(inputs, [&](const FeatureInfo& fi) {
    return std::find(hidden.begin(), hidden.end(), fi.id) == hidden.end();
  });
  return {};
}

// A second core type: a copy of the first CPU's CPUID without AVX-512 and AMX, as the
// E-cores of a hybrid part. Leaf 0x1A and the hybrid bit say so, for the report.
void add_narrow_core(CpuInputs& inputs) {
  if (inputs.cpuid.empty()) return;
  int next = 0;
  for (const CpuidSnapshot& s : inputs.cpuid) next = std::max(next, s.cpu() + 1);
  CpuidSnapshot core = inputs.cpuid.front();
  core.set_cpu(next);
  for (const FeatureInfo& fi : x86_features())
    if (fi.family != Family::Base) clear_cpuid_feature(core, fi.id);
  auto mark = [](CpuidSnapshot& s, uint8_t type) {
    if (s.get(0).eax >= 0x1A) {
      CpuidRegs r = s.get(0x1A);
      r.eax = (r.eax & 0x00ffffffu) | (uint32_t{type} << 24);
      s.set(0x1A, 0, r);
    }
    CpuidRegs l7 = s.get(7, 0);
    l7.edx |= 1u << 15;
    s.set(7, 0, l7);
  };
  mark(inputs.cpuid.front(), static_cast<uint8_t>(CoreType::Core));
  mark(core, static_cast<uint8_t>(CoreType::Atom));
  inputs.cpuid.push_back(std::move(core));
}

void keep_baseline(CpuInputs& inputs) {
  const Profile* v1 = find_profile("x86-64-v1");
  hide_unless(inputs, [&](const FeatureInfo& fi) { return v1 && v1->features.has(fi.id); });
}

Result<void> apply_one(std::string_view view, CpuInputs& inputs) {
  if (view == "sse2-only") {
    keep_baseline(inputs);
  } else if (view == "avx2-no-avx512") {
    hide_unless(inputs, [](const FeatureInfo& fi) { return fi.family != Family::Avx512; });
  } else if (view.starts_with("kernel-hides:")) {
    return hide_listed(inputs, view.substr(std::string_view("kernel-hides:").size()));
  } else if (view == "hybrid") {
    add_narrow_core(inputs);
  } else {
    return Error::make(ErrorKind::Usage,
                       "'" + std::string(view) +
                           "' is not a host view (sse2-only, avx2-no-avx512, "
                           "kernel-hides:F[,F...], hybrid)");
  }
  return {};
}

}  // namespace

Result<void> apply_host_view(std::string_view spec, CpuInputs& inputs) {
  std::string_view rest = spec;
  while (!rest.empty()) {
    size_t plus = rest.find('+');
    auto applied = apply_one(rest.substr(0, plus), inputs);
    if (!applied.ok()) {
      keep_baseline(inputs);
      inputs.origin += " (" + std::string(kHostViewVariable) + ": " + applied.error().message +
                       "; judged as sse2-only)";
      return applied.error();
    }
    rest = plus == std::string_view::npos ? std::string_view{} : rest.substr(plus + 1);
  }
  if (!spec.empty()) inputs.origin += " (host view " + std::string(spec) + ")";
  return {};
}

std::string host_view_from_environment() {
  const char* spec = std::getenv(kHostViewVariable);
  return spec ? std::string(spec) : std::string();
}

}  // namespace ironclad::cpu
