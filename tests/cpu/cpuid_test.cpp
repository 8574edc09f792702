#include "cpu/cpuid.h"

#include <gtest/gtest.h>

#include "fixtures.h"

using namespace ironclad::cpu;

TEST(Cpuid, DecodesHaswellFixture) {
  CpuidFacts f = decode_cpuid(fixtures::snapshot(fixtures::haswell()));
  EXPECT_EQ(f.vendor, "GenuineIntel");
  EXPECT_EQ(f.family, 6u);
  EXPECT_EQ(f.model, 0x3cu);
  EXPECT_EQ(f.stepping, 3u);
  EXPECT_TRUE(f.xsave);
  EXPECT_TRUE(f.osxsave);
  EXPECT_EQ(f.xcr0_supported, 0x7u);
  EXPECT_EQ(f.core_type, 0);
  EXPECT_EQ(f.features,
            (FeatureSet{X86::SSE2, X86::SSE3, X86::SSSE3, X86::SSE4_1, X86::SSE4_2, X86::POPCNT,
                        X86::LZCNT, X86::BMI1, X86::BMI2, X86::MOVBE, X86::CX16, X86::AES,
                        X86::PCLMULQDQ, X86::F16C, X86::FMA, X86::AVX, X86::AVX2}));
}

TEST(Cpuid, DecodesAmdFamilyAndExtendedLeaves) {
  CpuidFacts f = decode_cpuid(fixtures::snapshot(fixtures::zen4()));
  EXPECT_EQ(f.vendor, "AuthenticAMD");
  EXPECT_EQ(f.family, 0x19u);
  EXPECT_EQ(f.model, 0x11u);
  EXPECT_EQ(f.stepping, 1u);
  for (X86 x : {X86::SSE4A, X86::LZCNT, X86::AVX512F, X86::AVX512VBMI2, X86::AVX512BITALG,
                X86::AVX512BF16, X86::GFNI})
    EXPECT_TRUE(f.features.has(x)) << info(x).llvm;
  EXPECT_FALSE(f.features.has(X86::AVX_VNNI));
  EXPECT_FALSE(f.features.has(X86::AMX_TILE));

  CpuidFacts k = decode_cpuid(fixtures::snapshot(fixtures::k10()));
  EXPECT_EQ(k.family, 0x10u);
  EXPECT_EQ(k.model, 0x2u);
  EXPECT_EQ(k.features,
            (FeatureSet{X86::SSE2, X86::SSE3, X86::SSE4A, X86::POPCNT, X86::LZCNT, X86::CX16}));
  EXPECT_FALSE(k.xsave);
}

TEST(Cpuid, EveryFeatureBitDecodes) {
  // One feature at a time, from its documented place, decodes to exactly that feature.
  struct Case {
    X86 feature;
    uint32_t fixtures::Machine::*reg;
    uint32_t bit;
  };
  using M = fixtures::Machine;
  namespace c1 = fixtures::l1ecx;
  const Case cases[] = {
      {X86::SSE3, &M::l1ecx, c1::SSE3},
      {X86::PCLMULQDQ, &M::l1ecx, c1::PCLMULQDQ},
      {X86::SSSE3, &M::l1ecx, c1::SSSE3},
      {X86::FMA, &M::l1ecx, c1::FMA},
      {X86::CX16, &M::l1ecx, c1::CX16},
      {X86::SSE4_1, &M::l1ecx, c1::SSE4_1},
      {X86::SSE4_2, &M::l1ecx, c1::SSE4_2},
      {X86::MOVBE, &M::l1ecx, c1::MOVBE},
      {X86::POPCNT, &M::l1ecx, c1::POPCNT},
      {X86::AES, &M::l1ecx, c1::AES},
      {X86::AVX, &M::l1ecx, c1::AVX},
      {X86::F16C, &M::l1ecx, c1::F16C},
      {X86::BMI1, &M::l7ebx, fixtures::l7ebx::BMI1},
      {X86::AVX2, &M::l7ebx, fixtures::l7ebx::AVX2},
      {X86::BMI2, &M::l7ebx, fixtures::l7ebx::BMI2},
      {X86::AVX512F, &M::l7ebx, fixtures::l7ebx::AVX512F},
      {X86::AVX512DQ, &M::l7ebx, fixtures::l7ebx::AVX512DQ},
      {X86::AVX512IFMA, &M::l7ebx, fixtures::l7ebx::AVX512IFMA},
      {X86::AVX512PF, &M::l7ebx, 1u << 26},
      {X86::AVX512ER, &M::l7ebx, 1u << 27},
      {X86::AVX512CD, &M::l7ebx, fixtures::l7ebx::AVX512CD},
      {X86::SHA, &M::l7ebx, fixtures::l7ebx::SHA},
      {X86::AVX512BW, &M::l7ebx, fixtures::l7ebx::AVX512BW},
      {X86::AVX512VL, &M::l7ebx, fixtures::l7ebx::AVX512VL},
      {X86::AVX512VBMI, &M::l7ecx, fixtures::l7ecx::AVX512VBMI},
      {X86::AVX512VBMI2, &M::l7ecx, fixtures::l7ecx::AVX512VBMI2},
      {X86::GFNI, &M::l7ecx, fixtures::l7ecx::GFNI},
      {X86::VAES, &M::l7ecx, fixtures::l7ecx::VAES},
      {X86::VPCLMULQDQ, &M::l7ecx, fixtures::l7ecx::VPCLMULQDQ},
      {X86::AVX512VNNI, &M::l7ecx, fixtures::l7ecx::AVX512VNNI},
      {X86::AVX512BITALG, &M::l7ecx, fixtures::l7ecx::AVX512BITALG},
      {X86::AVX512VPOPCNTDQ, &M::l7ecx, fixtures::l7ecx::AVX512VPOPCNTDQ},
      {X86::AVX512VP2INTERSECT, &M::l7edx, fixtures::l7edx::AVX512VP2INTERSECT},
      {X86::AMX_BF16, &M::l7edx, fixtures::l7edx::AMX_BF16},
      {X86::AVX512FP16, &M::l7edx, fixtures::l7edx::AVX512FP16},
      {X86::AMX_TILE, &M::l7edx, fixtures::l7edx::AMX_TILE},
      {X86::AMX_INT8, &M::l7edx, fixtures::l7edx::AMX_INT8},
      {X86::AVX_VNNI, &M::l71eax, fixtures::l71eax::AVX_VNNI},
      {X86::AVX512BF16, &M::l71eax, fixtures::l71eax::AVX512BF16},
      {X86::LZCNT, &M::e1ecx, fixtures::e1ecx::LZCNT},
      {X86::SSE4A, &M::e1ecx, fixtures::e1ecx::SSE4A},
      {X86::XOP, &M::e1ecx, fixtures::e1ecx::XOP},
      {X86::FMA4, &M::e1ecx, fixtures::e1ecx::FMA4},
  };
  EXPECT_EQ(std::size(cases) + 1, kX86FeatureCount);  // + SSE2, in the base EDX
  for (const Case& c : cases) {
    M m;
    m.signature = 0x000306C3;
    m.l1edx = 0;
    m.*c.reg |= c.bit;
    EXPECT_EQ(decode_cpuid(fixtures::snapshot(m)).features, FeatureSet{c.feature})
        << info(c.feature).llvm;
  }
  M m;
  m.signature = 0x000306C3;
  EXPECT_EQ(decode_cpuid(fixtures::snapshot(m)).features, FeatureSet{X86::SSE2});
}

TEST(Cpuid, RespectsMaximumLeaves) {
  CpuidSnapshot s = fixtures::snapshot(fixtures::zen4());
  // Max basic leaf 6: leaf 7 is not there, whatever the snapshot holds at 7.
  CpuidRegs l0 = s.get(0);
  l0.eax = 6;
  s.set(0, 0, l0);
  CpuidFacts f = decode_cpuid(s);
  EXPECT_FALSE(f.features.has(X86::AVX2));
  EXPECT_TRUE(f.features.has(X86::AVX));
  EXPECT_EQ(f.xcr0_supported, 0u);

  // Leaf 7 sub-leaf 1 only counts when leaf 7.0 EAX says it exists.
  CpuidSnapshot t = fixtures::snapshot(fixtures::zen4());
  CpuidRegs l7 = t.get(7, 0);
  l7.eax = 0;
  t.set(7, 0, l7);
  EXPECT_FALSE(decode_cpuid(t).features.has(X86::AVX512BF16));

  // No extended leaf 0x80000001: no LZCNT/SSE4A.
  CpuidSnapshot u = fixtures::snapshot(fixtures::zen4());
  u.set(0x80000000, 0, CpuidRegs{0x80000000, 0, 0, 0});
  EXPECT_FALSE(decode_cpuid(u).features.has(X86::LZCNT));
}

TEST(Cpuid, HybridCoreType) {
  EXPECT_EQ(decode_cpuid(fixtures::snapshot(fixtures::p_core())).core_type, 0x40);
  EXPECT_EQ(decode_cpuid(fixtures::snapshot(fixtures::e_core())).core_type, 0x20);
  EXPECT_TRUE(decode_cpuid(fixtures::snapshot(fixtures::e_core())).hybrid);
  EXPECT_EQ(core_type_name(0x20), "Atom");
  EXPECT_EQ(core_type_name(0x40), "Core");
  EXPECT_EQ(core_type_name(0x30), "0x30");
}

TEST(Cpuid, ReadsThisMachine) {
  CpuidFacts f = decode_cpuid(read_cpuid_here(0));
  EXPECT_TRUE(f.vendor == "GenuineIntel" || f.vendor == "AuthenticAMD" || !f.vendor.empty());
  EXPECT_TRUE(f.features.has(X86::SSE2));  // every x86-64 CPU
}

// --- InstLatx64 text ---------------------------------------------------------------------

TEST(Dump, ParsesBlocksWithHeaders) {
  const char* text =
      "------[ Versions ]------\n"
      "Program Version : AIDA64\n"
      "\n"
      "------[ CPUID Registers / Logical CPU #0 ]------\n"
      "\n"
      "allcpu: Package 0 / Core 0 / Thread 0: Valid, Intel Core\n"
      "CPUID 00000000: 00000020-756E6547-6C65746E-49656E69 [GenuineIntel]\n"
      "CPUID 00000001: 00090672-00800800-7FFAFBFF-BFEBFBFF\n"
      "CPUID 00000007: 00000001-239CA7EB-98C027AC-FC1CC410 [SL 00]\n"
      "CPUID 00000007: 00400810-00000000-00000000-00000000 [SL 01]\n"
      "CPUID 0000001A: 40000001-00000000-00000000-00000000 [Core: Golden Cove]\n"
      "\n"
      "------[ MSR Registers / Logical CPU #0 ]------\n"
      "MSR 0000083E: 0000-0000-0000-000A\n"
      "------[ CPUID Registers / Logical CPU #8 ]------\n"
      "CPUID 00000000: 00000020-756E6547-6C65746E-49656E69 [GenuineIntel]\n"
      "CPUID 00000001: 00090672-40800800-7FFAFBFF-BFEBFBFF\n"
      "CPUID 0000001A: 20000001-00000000-00000000-00000000 [Atom: Gracemont]\n";
  auto r = parse_instlatx64(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].cpu(), 0);
  EXPECT_EQ((*r)[1].cpu(), 8);
  EXPECT_EQ((*r)[0].get(7, 1).eax, 0x00400810u);
  EXPECT_EQ((*r)[0].get(0x1a).eax >> 24, 0x40u);
  EXPECT_EQ((*r)[1].get(0x1a).eax >> 24, 0x20u);
  EXPECT_EQ(decode_cpuid((*r)[0]).vendor, "GenuineIntel");
}

TEST(Dump, SplitsAtRepeatedLeafZeroAndNumbersImplicitSubleaves) {
  // Old dumps: no headers, no [SL nn], CRLF line ends, no final newline.
  const char* text =
      "CPUID 00000000: 0000000B-756E6547-6C65746E-49656E69\r\n"
      "CPUID 00000001: 000106A1-00100800-00BCE3BD-B7EBFBFF\r\n"
      "CPUID 00000004: 1C004121-00C0003F-0000003F-00000000\r\n"
      "CPUID 00000004: 1C004122-00C0003F-0000007F-00000000\r\n"
      "CPUID 00000004: 1C004143-01C0003F-000001FF-00000000\r\n"
      "CPUID 00000000: 0000000B-756E6547-6C65746E-49656E69\r\n"
      "CPUID 00000001: 000106A1-01100800-00BCE3BD-B7EBFBFF";
  auto r = parse_instlatx64(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].get(4, 0).eax, 0x1C004121u);
  EXPECT_EQ((*r)[0].get(4, 1).eax, 0x1C004122u);
  EXPECT_EQ((*r)[0].get(4, 2).eax, 0x1C004143u);
  EXPECT_FALSE((*r)[0].has(4, 3));
  EXPECT_EQ((*r)[1].cpu(), 1);
  EXPECT_EQ((*r)[1].get(1).ebx, 0x01100800u);
  EXPECT_TRUE(decode_cpuid((*r)[1]).features.has(X86::SSE4_2));
}

TEST(Dump, HexSubleavesAndLowercase) {
  const char* text =
      "  cpuid 00000000: 0000000d-756e6547-6c65746e-49656e69  \n"
      "CPUID 00000001: 000306C3-00100800-7FFAFBFF-BFEBFBFF\n"
      "CPUID 0000000D: 00000007-00000340-00000340-00000000 [SL 00] [xsave]\n"
      "CPUID 0000000D: 00000100-00000240-00000000-00000000 [SL 0A]\n";
  auto r = parse_instlatx64(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].get(0xd, 10).eax, 0x100u);
  EXPECT_EQ(decode_cpuid((*r)[0]).xcr0_supported, 0x7u);
}

TEST(Dump, SkipsNonCpuidLinesAndRejectsBrokenOnes) {
  auto bad = parse_instlatx64(
      "CPUID 00000000: 0000000B-756E6547-6C65746E-49656E69\n"
      "CPUID 00000001: 000106A1-00100800-00BCE3BD\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos) << bad.error().message;

  auto bad_reg = parse_instlatx64("CPUID 00000000: 0000000B-756E6547-6C65746E-49656E6Z\n");
  ASSERT_FALSE(bad_reg.ok());
  EXPECT_NE(bad_reg.error().message.find("line 1"), std::string::npos);

  // Prose that starts with "CPUID" is not a register line.
  auto prose = parse_instlatx64(
      "CPUID Manufacturer: GenuineIntel\n"
      "CPUID CPU Name    : Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz\n"
      "CPUID 00000000: 0000000D-756E6547-6C65746E-49656E69\n"
      "CPUID 00000001: 000306C3-00100800-7FFAFBFF-BFEBFBFF\n");
  ASSERT_TRUE(prose.ok()) << prose.error().message;
  EXPECT_EQ(prose->size(), 1u);

  auto none = parse_instlatx64("L1 Data Cache: 32 KB\nMSR 00000010: 0000-0000-0000-0000\n");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no 'CPUID"), std::string::npos);

  auto no_leaf1 = parse_instlatx64("CPUID 00000000: 0000000B-756E6547-6C65746E-49656E69\n");
  ASSERT_FALSE(no_leaf1.ok());

  auto missing = load_instlatx64("/nonexistent/dump.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ironclad::ErrorKind::Io);
}
