#include <gtest/gtest.h>

#include "cpu/report.h"
#include "fixtures.h"

using namespace ironclad::cpu;

namespace {

CpuInputs inputs_for(const fixtures::Machine& m, int ncpus = 1) {
  CpuInputs in;
  in.cpuid = fixtures::cpus(m, ncpus);
  return in;
}

KernelView kernel_flags(const std::string& flags) {
  return parse_cpuinfo(flags);
}

std::string without_word(std::string flags, const std::string& word) {
  std::string padded = " " + flags + " ";
  size_t at = padded.find(" " + word + " ");
  if (at != std::string::npos) padded.erase(at, word.size() + 1);
  return padded.substr(1, padded.size() - 2);
}

ProbeResults probes_all_yes(const FeatureSet& yes, const FeatureSet& no, int ncpus) {
  ProbeResults p;
  for (int c = 0; c < ncpus; ++c) p.cpus.push_back(CpuProbes{c, true, yes, no});
  return p;
}

}  // namespace

TEST(Verdict, AllSourcesAgree) {
  CpuInputs in = inputs_for(fixtures::skylake_x(), 4);
  in.xcr = XcrState{true, 0xe7};
  in.kernel = kernel_flags(fixtures::cpuinfo_flags(in.cpuid[0]));
  FeatureSet cpuid = decode_cpuid(in.cpuid[0]).features;
  in.probes = probes_all_yes(cpuid, FeatureSet::all_x86() - cpuid, 4);
  CpuReport r = judge(in);
  EXPECT_EQ(r.verified, cpuid);
  const FeatureVerdict& v = r.verdict(X86::AVX512F);
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.cpuid, Answer::Yes);
  EXPECT_EQ(v.xcr0, Answer::Yes);
  EXPECT_EQ(v.kernel, Answer::Yes);
  EXPECT_EQ(v.probe, Answer::Yes);
  EXPECT_EQ(v.describe(), "avx512f: verified");
  EXPECT_EQ(r.verdict(X86::SHA).reason, "CPUID says no");
  EXPECT_EQ(r.verdict(X86::SHA).probe, Answer::No);
}

TEST(Verdict, Xcr0WithoutYmmDropsAvxFamilyWithThatReason) {
  CpuInputs in = inputs_for(fixtures::skylake_x());
  in.xcr = XcrState{true, 0x3};  // x87 + SSE only
  CpuReport r = judge(in);
  for (X86 f : {X86::AVX, X86::AVX2, X86::FMA, X86::F16C, X86::AVX512F, X86::AVX512BW,
                X86::AVX512CD, X86::AVX512DQ, X86::AVX512VL}) {
    const FeatureVerdict& v = r.verdict(f);
    EXPECT_FALSE(v.verified) << info(f).llvm;
    EXPECT_EQ(v.xcr0, Answer::No) << info(f).llvm;
    EXPECT_NE(v.reason.find("CPUID says yes, XCR0 lacks YMM"), std::string::npos)
        << info(f).llvm << ": " << v.reason;
  }
  EXPECT_EQ(r.verdict(X86::AVX2).describe(), "avx2: dropped: CPUID says yes, XCR0 lacks YMM state");
  // No XSAVE state needed: legacy SSE, and BMI (VEX-encoded, but general-purpose registers).
  for (X86 f : {X86::SSE2, X86::SSE4_2, X86::POPCNT, X86::AES, X86::PCLMULQDQ, X86::BMI1, X86::BMI2,
                X86::LZCNT, X86::MOVBE})
    EXPECT_TRUE(r.verdict(f).verified) << info(f).llvm << ": " << r.verdict(f).reason;
}

TEST(Verdict, Xcr0WithoutOpmaskZmmDropsOnlyAvx512) {
  CpuInputs in = inputs_for(fixtures::skylake_x());
  in.xcr = XcrState{true, 0x7};
  CpuReport r = judge(in);
  EXPECT_EQ(r.verdict(X86::AVX512F).describe(),
            "avx512f: dropped: CPUID says yes, XCR0 lacks opmask/ZMM state");
  FeatureSet cpuid = decode_cpuid(in.cpuid[0]).features;
  EXPECT_EQ(r.verified, cpuid - FeatureSet::family(Family::Avx512));
  for (X86 f : {X86::AVX, X86::AVX2, X86::FMA, X86::F16C})
    EXPECT_TRUE(r.verdict(f).verified) << info(f).llvm;
}

TEST(Verdict, NoOsxsaveMeansNoVexState) {
  CpuInputs in = inputs_for(fixtures::haswell());
  in.xcr = XcrState{false, 0};
  CpuReport r = judge(in);
  EXPECT_FALSE(r.verified.has(X86::AVX));
  EXPECT_NE(r.verdict(X86::AVX).reason.find("OSXSAVE = 0"), std::string::npos);
  EXPECT_TRUE(r.verified.has(X86::SSE4_2));
}

TEST(Verdict, AssumedXcr0IsWhatTheCpuCanSave) {
  CpuReport r = judge(inputs_for(fixtures::skylake_x()));
  EXPECT_TRUE(r.xcr_assumed);
  EXPECT_EQ(r.xcr.xcr0, 0xe7u);
  EXPECT_TRUE(r.verified.has(X86::AVX512F));
  // A CPU whose XSAVE cannot manage ZMM state cannot run AVX-512 whatever leaf 7 says.
  fixtures::Machine m = fixtures::skylake_x();
  m.xsave_mask = 0x7;
  EXPECT_FALSE(judge(inputs_for(m)).verified.has(X86::AVX512F));
}

// A dump whose OS had not enabled XSAVE (CPUID.1:ECX.OSXSAVE = 0 on every CPU, as a Hygon
// C86 3185 dump has it) is judged without YMM state when no XCR0 is given: the dump records
// its OS's answer. It was judged AVX/AVX2/FMA/F16C-capable (issue 11).
TEST(Verdict, AssumedXcr0HonoursTheDumpsOsxsaveBit) {
  fixtures::Machine m = fixtures::haswell();
  m.l1ecx &= ~fixtures::l1ecx::OSXSAVE;
  CpuReport r = judge(inputs_for(m, 4));
  EXPECT_TRUE(r.xcr_assumed);
  EXPECT_FALSE(r.xcr.osxsave);
  for (X86 f : {X86::AVX, X86::AVX2, X86::FMA, X86::F16C}) {
    EXPECT_FALSE(r.verified.has(f)) << info(f).name;
    EXPECT_NE(r.verdict(f).reason.find("OSXSAVE = 0"), std::string::npos) << r.verdict(f).reason;
  }
  EXPECT_TRUE(r.verified.has(X86::SSE4_2));
  EXPECT_TRUE(r.verified.has(X86::BMI2));  // not VEX-encoded state: no XSAVE needed
  // One CPU of four without it is enough: the weakest CPU decides.
  CpuInputs mixed = inputs_for(fixtures::haswell(), 4);
  mixed.cpuid[2] = fixtures::snapshot(m, 2);
  EXPECT_FALSE(judge(mixed).verified.has(X86::AVX));
}

TEST(Verdict, CpuinfoWithoutAvxDropsAvxAndWhatNeedsIt) {
  CpuInputs in = inputs_for(fixtures::skylake_x());
  in.xcr = XcrState{true, 0xe7};
  in.kernel = kernel_flags(without_word(fixtures::cpuinfo_flags(in.cpuid[0]), "avx"));
  CpuReport r = judge(in);
  const FeatureVerdict& avx = r.verdict(X86::AVX);
  EXPECT_EQ(avx.kernel, Answer::No);
  EXPECT_EQ(avx.describe(),
            "avx: dropped: CPUID says yes, the kernel turned it off ('avx' is not in the "
            "/proc/cpuinfo flags)");
  for (X86 f : {X86::AVX2, X86::FMA, X86::F16C, X86::AVX512F, X86::AVX512VL}) {
    EXPECT_FALSE(r.verdict(f).verified) << info(f).llvm;
    EXPECT_EQ(r.verdict(f).kernel, Answer::Yes) << info(f).llvm;
  }
  EXPECT_EQ(r.verdict(X86::AVX2).reason, "CPUID says yes, needs avx, which is dropped");
  EXPECT_EQ(r.verdict(X86::AVX512BW).reason, "CPUID says yes, needs avx512f, which is dropped");
  for (X86 f : {X86::SSE4_2, X86::BMI2, X86::AES, X86::POPCNT})
    EXPECT_TRUE(r.verdict(f).verified) << info(f).llvm;
}

TEST(Verdict, CpuinfoGdsForceStyle) {
  // The GDS mitigation in 'force' mode clears AVX and everything depending on it.
  CpuInputs in = inputs_for(fixtures::haswell());
  std::string flags = fixtures::cpuinfo_flags(in.cpuid[0]);
  for (const char* f : {"avx", "avx2", "fma", "f16c"}) flags = without_word(flags, f);
  in.kernel = kernel_flags(flags);
  CpuReport r = judge(in);
  EXPECT_EQ(r.verified, (FeatureSet{X86::SSE2, X86::SSE3, X86::SSSE3, X86::SSE4_1, X86::SSE4_2,
                                    X86::POPCNT, X86::LZCNT, X86::BMI1, X86::BMI2, X86::MOVBE,
                                    X86::CX16, X86::AES, X86::PCLMULQDQ}));
}

TEST(Verdict, KernelNotGivenAgrees) {
  CpuReport r = judge(inputs_for(fixtures::haswell()));
  EXPECT_EQ(r.verdict(X86::AVX2).kernel, Answer::Unknown);
  EXPECT_EQ(r.verdict(X86::AVX2).probe, Answer::Unknown);
  EXPECT_TRUE(r.verified.has(X86::AVX2));
}

TEST(Verdict, CpuinfoIsIntersectedOverProcessors) {
  KernelView k = parse_cpuinfo(
      "processor\t: 0\nmicrocode\t: 0x2b\nflags\t\t: fpu sse2 avx avx2\n\n"
      "processor\t: 1\nmicrocode\t: 0x2b\nflags\t\t: fpu sse2 avx\n");
  EXPECT_TRUE(k.have_flags);
  EXPECT_TRUE(k.lists(X86::AVX));
  EXPECT_FALSE(k.lists(X86::AVX2));
  EXPECT_EQ(k.microcode_text(), "0x2b");
  KernelView bare = parse_cpuinfo("sse2 avx avx512f\n");
  EXPECT_TRUE(bare.lists(X86::AVX512F));
  KernelView empty = parse_cpuinfo("processor : 0\n");
  EXPECT_FALSE(empty.have_flags);
}

TEST(Verdict, AFailedProbeOnOneCoreDropsTheFeatureForAll) {
  CpuInputs in = inputs_for(fixtures::haswell(), 4);
  FeatureSet cpuid = decode_cpuid(in.cpuid[0]).features;
  in.probes = probes_all_yes(cpuid, FeatureSet{}, 4);
  in.probes->cpus[2].yes.remove(X86::AVX2);
  in.probes->cpus[2].no.add(X86::AVX2);
  CpuReport r = judge(in);
  const FeatureVerdict& v = r.verdict(X86::AVX2);
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.probe, Answer::No);
  EXPECT_EQ(v.probe_failed, std::vector<int>{2});
  EXPECT_EQ(v.describe(),
            "avx2: dropped: CPUID says yes, the probe 'vpaddd ymm0, ymm1, ymm2' raised SIGILL on "
            "CPU 2");
  EXPECT_FALSE(r.verified.has(X86::AVX2));
  EXPECT_TRUE(r.verified.has(X86::AVX));
  EXPECT_TRUE(r.verified.has(X86::FMA));
}

TEST(Verdict, LzcntProbeThatRanAsBsr) {
  CpuInputs in = inputs_for(fixtures::haswell(), 2);
  FeatureSet cpuid = decode_cpuid(in.cpuid[0]).features;
  in.probes = probes_all_yes(cpuid - FeatureSet{X86::LZCNT}, FeatureSet{X86::LZCNT}, 2);
  CpuReport r = judge(in);
  EXPECT_NE(r.verdict(X86::LZCNT).reason.find("ran as BSR (no LZCNT) on CPUs 0-1"),
            std::string::npos)
      << r.verdict(X86::LZCNT).reason;
}

TEST(Verdict, AmxProbeFailureMentionsThePermission) {
  fixtures::Machine m = fixtures::skylake_x();
  m.l7edx |= fixtures::l7edx::AMX_TILE | fixtures::l7edx::AMX_INT8;
  m.xsave_mask = 0x602e7;
  CpuInputs in = inputs_for(m);
  FeatureSet cpuid = decode_cpuid(in.cpuid[0]).features;
  in.probes =
      probes_all_yes(cpuid - FeatureSet::family(Family::Amx), FeatureSet::family(Family::Amx), 1);
  CpuReport r = judge(in);
  EXPECT_EQ(r.verdict(X86::AMX_TILE).xcr0, Answer::Yes);
  EXPECT_NE(r.verdict(X86::AMX_TILE).reason.find("ARCH_REQ_XCOMP_PERM"), std::string::npos)
      << r.verdict(X86::AMX_TILE).reason;
  EXPECT_FALSE(r.verified.has(X86::AMX_INT8));
}

TEST(Verdict, ProbesNotRunAgree) {
  CpuInputs in = inputs_for(fixtures::haswell(), 2);
  in.probes = ProbeResults{};
  in.probes->cpus.push_back(CpuProbes{0, true, FeatureSet{X86::SSE2}, FeatureSet{}});
  CpuReport r = judge(in);
  EXPECT_EQ(r.verdict(X86::AVX2).probe, Answer::Unknown);
  EXPECT_TRUE(r.verified.has(X86::AVX2));
}

TEST(Verdict, CpuidNoIsNotOverruledByAProbe) {
  // A hypervisor that masks a feature in CPUID still lets the instruction run; Ironclad
  // follows CPUID (the hypervisor may migrate the VM to a host without it).
  CpuInputs in = inputs_for(fixtures::haswell());
  in.probes = probes_all_yes(FeatureSet::all_x86(), FeatureSet{}, 1);
  CpuReport r = judge(in);
  EXPECT_FALSE(r.verified.has(X86::AVX512F));
  EXPECT_EQ(r.verdict(X86::AVX512F).reason,
            "CPUID says no (its probe ran, but CPUID is not overruled)");
}

TEST(Verdict, HybridIsJudgedByItsWeakestCore) {
  CpuInputs in;
  for (int c = 0; c < 4; ++c) in.cpuid.push_back(fixtures::snapshot(fixtures::p_core(), c));
  for (int c = 4; c < 8; ++c) in.cpuid.push_back(fixtures::snapshot(fixtures::e_core(), c));
  CpuReport r = judge(in);
  FeatureSet p = decode_cpuid(in.cpuid[0]).features;
  FeatureSet e = decode_cpuid(in.cpuid[4]).features;
  ASSERT_TRUE(p.has(X86::AVX512F));
  ASSERT_FALSE(e.has(X86::AVX512F));
  EXPECT_EQ(r.verified, (p & e).consistent());
  const FeatureVerdict& v = r.verdict(X86::AVX512F);
  EXPECT_EQ(v.cpuid, Answer::No);
  EXPECT_EQ(v.cpuid_missing, (std::vector<int>{4, 5, 6, 7}));
  EXPECT_EQ(v.reason, "CPUID says no on CPUs 4-7 (Atom)");
  EXPECT_TRUE(r.verified.has(X86::AVX_VNNI));
  auto types = r.core_types();
  EXPECT_EQ(types[0x40], (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(types[0x20], (std::vector<int>{4, 5, 6, 7}));
}

TEST(Verdict, SeveralObjectionsAreAllReported) {
  CpuInputs in = inputs_for(fixtures::skylake_x(), 2);
  in.xcr = XcrState{true, 0x7};
  in.kernel = kernel_flags(without_word(fixtures::cpuinfo_flags(in.cpuid[0]), "avx512f"));
  FeatureSet cpuid = decode_cpuid(in.cpuid[0]).features;
  in.probes = probes_all_yes(cpuid - FeatureSet{X86::AVX512F}, FeatureSet{X86::AVX512F}, 2);
  CpuReport r = judge(in);
  EXPECT_EQ(r.verdict(X86::AVX512F).reason,
            "CPUID says yes, XCR0 lacks opmask/ZMM state; the kernel turned it off ('avx512f' is "
            "not in the /proc/cpuinfo flags); the probe 'vpaddd zmm0, zmm1, zmm2' raised SIGILL "
            "on CPUs 0-1");
}

TEST(Verdict, Identity) {
  CpuInputs in = inputs_for(fixtures::zen4());
  in.kernel = parse_cpuinfo("processor : 0\nmicrocode : 0xa101148\nflags : sse2\n");
  in.kernel->release = "6.1.0";
  CpuReport r = judge(in);
  EXPECT_EQ(r.vendor, "AuthenticAMD");
  EXPECT_EQ(r.signature_text(), "family 0x19 model 0x11 stepping 1");
  EXPECT_EQ(r.microcode, "0xa101148");
  EXPECT_EQ(r.kernel_release, "6.1.0");
  EXPECT_EQ(format_cpu_list({5, 0, 1, 2, 7, 8}), "0-2,5,7-8");
}
