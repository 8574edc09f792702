#include "cpu/fingerprint.h"

#include <gtest/gtest.h>

#include "cpu/report.h"
#include "fixtures.h"

using namespace ironclad::cpu;

namespace {

Fingerprint sample() {
  Fingerprint f;
  f.vendor = "AuthenticAMD";
  f.family = 0x19;
  f.model = 0x11;
  f.stepping = 1;
  f.microcode = "0xa101148";
  f.kernel_release = "6.1.0-18-amd64";
  f.verified = FeatureSet{X86::SSE2, X86::SSE4_2, X86::AVX, X86::AVX2, X86::AVX512F};
  return f;
}

}  // namespace

TEST(Fingerprint, CanonicalText) {
  EXPECT_EQ(sample().canonical(),
            "ironclad-cpu-fingerprint 1\n"
            "vendor=AuthenticAMD\n"
            "family=0x19\n"
            "model=0x11\n"
            "stepping=1\n"
            "microcode=0xa101148\n"
            "kernel=6.1.0-18-amd64\n"
            "arch=x86-64\n"
            "verified=SSE2,SSE4.2,AVX,AVX2,AVX512F\n");
}

TEST(Fingerprint, HashIsStableAcrossBuildsAndRuns) {
  // XXH3-64 of the canonical text above: a change here invalidates every cache and
  // quarantine record in the field, so it must be deliberate.
  EXPECT_EQ(sample().hash_hex(), "0db9a4d5b58a56c4");
  EXPECT_EQ(sample().hash(), sample().hash());
}

TEST(Fingerprint, EveryFieldCounts) {
  const uint64_t base = sample().hash();
  Fingerprint f = sample();
  f.vendor = "GenuineIntel";
  EXPECT_NE(f.hash(), base);
  f = sample();
  f.stepping = 2;
  EXPECT_NE(f.hash(), base);
  f = sample();
  f.microcode = "0xa101149";
  EXPECT_NE(f.hash(), base);
  f = sample();
  f.kernel_release = "6.1.0-19-amd64";
  EXPECT_NE(f.hash(), base);
  f = sample();
  f.verified.remove(X86::AVX512F);
  EXPECT_NE(f.hash(), base);
  // The order features were added in does not matter.
  f = sample();
  f.verified = FeatureSet{X86::AVX512F, X86::AVX2, X86::AVX, X86::SSE4_2, X86::SSE2};
  EXPECT_EQ(f.hash(), base);
}

TEST(Fingerprint, OfAReport) {
  CpuInputs in;
  in.cpuid = fixtures::cpus(fixtures::zen4(), 2);
  in.kernel = parse_cpuinfo("processor : 0\nmicrocode : 0xa101148\nflags : " +
                            fixtures::cpuinfo_flags(in.cpuid[0]) + "\n");
  in.kernel->release = "6.1.0-18-amd64";
  CpuReport r = judge(in);
  Fingerprint f = fingerprint_of(r);
  EXPECT_EQ(f.vendor, "AuthenticAMD");
  EXPECT_EQ(f.family, 0x19u);
  EXPECT_EQ(f.model, 0x11u);
  EXPECT_EQ(f.stepping, 1u);
  EXPECT_EQ(f.microcode, "0xa101148");
  EXPECT_EQ(f.kernel_release, "6.1.0-18-amd64");
  EXPECT_EQ(f.verified, r.verified);
  // The same machine judged again: the same fingerprint.
  EXPECT_EQ(fingerprint_of(judge(in)).hash(), f.hash());
}
