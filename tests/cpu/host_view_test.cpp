// Host views (cpu/host_view.h): this machine judged as a narrower one. Checked on fixture
// machines, whose every feature is known, and on this machine, where a view may only ever
// take features away.
#include <gtest/gtest.h>

#include "cpu/host.h"
#include "cpu/host_view.h"
#include "cpu/profiles.h"
#include "fixtures.h"

using namespace ironclad::cpu;

namespace {

// A machine as the host would read it: CPUID on every CPU, XCR0, the kernel's flags.
CpuInputs read_as_host(const fixtures::Machine& m, uint64_t xcr0, int ncpus = 2) {
  CpuInputs in;
  in.origin = "this machine";
  in.cpuid = fixtures::cpus(m, ncpus);
  in.xcr = XcrState{true, xcr0};
  in.kernel = parse_cpuinfo(fixtures::cpuinfo_flags(in.cpuid[0]));
  return in;
}

CpuReport viewed(CpuInputs in, const std::string& view) {
  auto applied = apply_host_view(view, in);
  EXPECT_TRUE(applied.ok()) << view << ": " << applied.error().message;
  return judge(std::move(in));
}

const FeatureSet& v1() { return find_profile("x86-64-v1")->features; }

}  // namespace

TEST(HostView, Sse2OnlyLeavesThePsabiBaseline) {
  CpuReport r = viewed(read_as_host(fixtures::skylake_x(), 0xe7), "sse2-only");
  EXPECT_TRUE(r.verified.has(X86::SSE2));
  EXPECT_TRUE((r.verified - v1()).empty()) << (r.verified - v1()).llvm_names();
  EXPECT_NE(r.verdict(X86::SSE4_1).reason.find("kernel"), std::string::npos)
      << r.verdict(X86::SSE4_1).reason;
  EXPECT_NE(r.inputs.origin.find("host view sse2-only"), std::string::npos) << r.inputs.origin;
}

TEST(HostView, Avx2WithoutAvx512) {
  const CpuInputs host = read_as_host(fixtures::skylake_x(), 0xe7);
  CpuReport before = judge(host);
  CpuReport r = viewed(host, "avx2-no-avx512");
  ASSERT_TRUE(before.verified.has(X86::AVX512F));
  for (const FeatureInfo& fi : x86_features()) {
    if (fi.family == Family::Avx512)
      EXPECT_FALSE(r.verified.has(fi.id)) << fi.name;
    else
      EXPECT_EQ(r.verified.has(fi.id), before.verified.has(fi.id)) << fi.name;
  }
  EXPECT_TRUE(r.verified.has(X86::AVX2));
}

TEST(HostView, AKernelThatHidesNamedFeatures) {
  // This machine's own kernel hides LZCNT ("abm"): a view makes any machine do that.
  const CpuInputs host = read_as_host(fixtures::haswell(), 0x7);
  CpuReport before = judge(host);
  CpuReport r = viewed(host, "kernel-hides:lzcnt,BMI2");
  EXPECT_TRUE(before.verified.has(X86::LZCNT));
  EXPECT_FALSE(r.verified.has(X86::LZCNT));
  EXPECT_FALSE(r.verified.has(X86::BMI2));
  EXPECT_EQ(r.verdict(X86::LZCNT).kernel, Answer::No);
  EXPECT_EQ(r.verified, before.verified - FeatureSet{}.add(X86::LZCNT).add(X86::BMI2));
}

TEST(HostView, AKernelWithoutAFlagsListStillHides) {
  CpuInputs host = read_as_host(fixtures::haswell(), 0x7);
  host.kernel.reset();  // no /proc/cpuinfo: the kernel source agreed with everything
  CpuReport before = judge(host);
  CpuReport r = viewed(host, "kernel-hides:avx2");
  EXPECT_TRUE(before.verified.has(X86::AVX2));
  EXPECT_FALSE(r.verified.has(X86::AVX2));
  EXPECT_EQ(r.verified, before.verified - FeatureSet{}.add(X86::AVX2));
}

TEST(HostView, AHybridPartIsJudgedByItsNarrowCore) {
  const CpuInputs host = read_as_host(fixtures::p_core(), 0x2e7, 4);
  CpuReport before = judge(host);
  ASSERT_TRUE(before.verified.has(X86::AVX512F));
  CpuReport r = viewed(host, "hybrid");
  EXPECT_EQ(r.cpus.size(), 5u);
  EXPECT_EQ(r.core_types().size(), 2u);
  EXPECT_FALSE(r.verified.has(X86::AVX512F));
  EXPECT_EQ(r.verdict(X86::AVX512F).cpuid_missing, std::vector<int>{4});
  EXPECT_TRUE(r.verified.has(X86::AVX2));
  EXPECT_TRUE(r.verified.has(X86::AVX_VNNI));
}

TEST(HostView, ViewsCombine) {
  CpuReport r = viewed(read_as_host(fixtures::skylake_x(), 0xe7), "hybrid+kernel-hides:popcnt");
  EXPECT_FALSE(r.verified.has(X86::AVX512F));
  EXPECT_FALSE(r.verified.has(X86::POPCNT));
  EXPECT_TRUE(r.verified.has(X86::AVX2));
}

TEST(HostView, ASpecThatIsNotAViewIsTheNarrowestPictureAndSaysSo) {
  for (const char* bad : {"avx2-only", "kernel-hides:", "kernel-hides:notafeature", "hybrid+x"}) {
    CpuInputs in = read_as_host(fixtures::skylake_x(), 0xe7);
    auto applied = apply_host_view(bad, in);
    EXPECT_FALSE(applied.ok()) << bad;
    CpuReport r = judge(std::move(in));
    EXPECT_TRUE((r.verified - v1()).empty()) << bad;
    EXPECT_NE(r.inputs.origin.find("IRONCLAD_HOST_VIEW"), std::string::npos) << r.inputs.origin;
  }
}

// Every view, on every fixture machine: nothing is ever added.
TEST(HostView, AViewNeverAddsAFeature) {
  for (const fixtures::Machine& m :
       {fixtures::haswell(), fixtures::skylake_x(), fixtures::p_core(), fixtures::k10()}) {
    const CpuInputs host = read_as_host(m, 0x2e7);
    const FeatureSet before = judge(host).verified;
    for (const char* view :
         {"sse2-only", "avx2-no-avx512", "kernel-hides:sse4.2", "hybrid", "hybrid+sse2-only"}) {
      CpuReport r = viewed(host, view);
      EXPECT_TRUE((r.verified - before).empty()) << view << " added " << (r.verified - before).llvm_names();
    }
  }
}

// This machine: the view of the options (or of IRONCLAD_HOST_VIEW) narrows what is
// verified here, and only narrows it.
TEST(HostView, ThisMachineThroughAView) {
  DetectOptions plain;
  plain.view = "";
  plain.use_cache = false;
  const CpuReport here = detect_host(plain);
  DetectOptions narrow = plain;
  narrow.view = "sse2-only";
  const CpuReport r = detect_host(narrow);
  EXPECT_TRUE((r.verified - here.verified).empty());
  EXPECT_TRUE((r.verified - v1()).empty()) << r.verified.llvm_names();
  EXPECT_TRUE(r.verified.has(X86::SSE2));
  DetectOptions hybrid = plain;
  hybrid.view = "hybrid";
  const CpuReport h = detect_host(hybrid);
  EXPECT_EQ(h.cpus.size(), here.cpus.size() + 1);
  for (const FeatureInfo& fi : x86_features())
    if (fi.family != Family::Base) EXPECT_FALSE(h.verified.has(fi.id)) << fi.name;
}
