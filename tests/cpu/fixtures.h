// Small CPUID fixtures, built from the vendors' documented register layouts (Intel SDM vol. 2A
// "CPUID", tables 3-8..3-11 and leaves 07H/0DH/1AH; AMD APM vol. 3 appendix E, Fn8000_0001).
// The bit positions are written out here on purpose, independently of src/cpu/cpuid.cpp, so
// a wrong bit in the library's table fails a test instead of agreeing with itself.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cpu/cpuid.h"
#include "cpu/kernel.h"
#include "cpu/report.h"

namespace fixtures {

// Leaf 01H
namespace l1ecx {
inline constexpr uint32_t SSE3 = 1u << 0, PCLMULQDQ = 1u << 1, SSSE3 = 1u << 9, FMA = 1u << 12,
                          CX16 = 1u << 13, SSE4_1 = 1u << 19, SSE4_2 = 1u << 20, MOVBE = 1u << 22,
                          POPCNT = 1u << 23, AES = 1u << 25, XSAVE = 1u << 26, OSXSAVE = 1u << 27,
                          AVX = 1u << 28, F16C = 1u << 29;
}
namespace l1edx {
inline constexpr uint32_t FPU = 1u << 0, CX8 = 1u << 8, CMOV = 1u << 15, MMX = 1u << 23,
                          FXSR = 1u << 24, SSE = 1u << 25, SSE2 = 1u << 26;
inline constexpr uint32_t BASE = FPU | CX8 | CMOV | MMX | FXSR | SSE | SSE2;
}  // namespace l1edx
// Leaf 07H sub-leaf 0
namespace l7ebx {
inline constexpr uint32_t BMI1 = 1u << 3, AVX2 = 1u << 5, BMI2 = 1u << 8, AVX512F = 1u << 16,
                          AVX512DQ = 1u << 17, AVX512IFMA = 1u << 21, AVX512CD = 1u << 28,
                          SHA = 1u << 29, AVX512BW = 1u << 30, AVX512VL = 1u << 31;
}
namespace l7ecx {
inline constexpr uint32_t AVX512VBMI = 1u << 1, AVX512VBMI2 = 1u << 6, GFNI = 1u << 8,
                          VAES = 1u << 9, VPCLMULQDQ = 1u << 10, AVX512VNNI = 1u << 11,
                          AVX512BITALG = 1u << 12, AVX512VPOPCNTDQ = 1u << 14;
}
namespace l7edx {
inline constexpr uint32_t AVX512VP2INTERSECT = 1u << 8, HYBRID = 1u << 15, AMX_BF16 = 1u << 22,
                          AVX512FP16 = 1u << 23, AMX_TILE = 1u << 24, AMX_INT8 = 1u << 25;
}
// Leaf 07H sub-leaf 1
namespace l71eax {
inline constexpr uint32_t AVX_VNNI = 1u << 4, AVX512BF16 = 1u << 5;
}
// Leaf 80000001H
namespace e1ecx {
inline constexpr uint32_t LZCNT = 1u << 5, SSE4A = 1u << 6, XOP = 1u << 11, FMA4 = 1u << 16;
}

struct Machine {
  std::string vendor = "GenuineIntel";
  uint32_t signature = 0;  // leaf 1 EAX
  uint32_t l1ecx = 0, l1edx = l1edx::BASE;
  uint32_t l7ebx = 0, l7ecx = 0, l7edx = 0, l71eax = 0;
  uint32_t e1ecx = 0;
  uint64_t xsave_mask = 0;  // leaf 0DH.0 EDX:EAX
  uint8_t core_type = 0;    // leaf 1AH EAX[31:24]
};

inline uint32_t chars(const char* s) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[3])) << 24;
}

inline ironclad::cpu::CpuidSnapshot snapshot(const Machine& m, int cpu = 0) {
  using ironclad::cpu::CpuidRegs;
  ironclad::cpu::CpuidSnapshot s(cpu);
  const char* v = m.vendor.c_str();  // 12 characters: EBX, EDX, ECX
  s.set(0, 0, CpuidRegs{0x1a, chars(v), chars(v + 8), chars(v + 4)});
  s.set(1, 0, CpuidRegs{m.signature, static_cast<uint32_t>(cpu) << 24, m.l1ecx, m.l1edx});
  s.set(7, 0, CpuidRegs{m.l71eax ? 1u : 0u, m.l7ebx, m.l7ecx, m.l7edx});
  s.set(7, 1, CpuidRegs{m.l71eax, 0, 0, 0});
  s.set(0xd, 0,
        CpuidRegs{static_cast<uint32_t>(m.xsave_mask), 0x340, 0x340,
                  static_cast<uint32_t>(m.xsave_mask >> 32)});
  s.set(0x1a, 0, CpuidRegs{static_cast<uint32_t>(m.core_type) << 24, 0, 0, 0});
  s.set(0x80000000, 0, CpuidRegs{0x80000001, 0, 0, 0});
  s.set(0x80000001, 0, CpuidRegs{0, 0, m.e1ecx, 0});
  return s;
}

// Intel Haswell (family 6 model 0x3C stepping 3): AVX2, FMA, BMI1/2, XSAVE of x87/SSE/AVX.
inline Machine haswell() {
  Machine m;
  m.signature = 0x000306C3;
  m.l1ecx = l1ecx::SSE3 | l1ecx::PCLMULQDQ | l1ecx::SSSE3 | l1ecx::FMA | l1ecx::CX16 |
            l1ecx::SSE4_1 | l1ecx::SSE4_2 | l1ecx::MOVBE | l1ecx::POPCNT | l1ecx::AES |
            l1ecx::XSAVE | l1ecx::OSXSAVE | l1ecx::AVX | l1ecx::F16C;
  m.l7ebx = l7ebx::BMI1 | l7ebx::AVX2 | l7ebx::BMI2;
  m.e1ecx = e1ecx::LZCNT;
  m.xsave_mask = 0x7;
  return m;
}

// Intel Skylake-SP: Haswell + AVX-512 F/CD/BW/DQ/VL, XSAVE of opmask/ZMM too.
inline Machine skylake_x() {
  Machine m = haswell();
  m.signature = 0x00050654;
  m.l7ebx |= l7ebx::AVX512F | l7ebx::AVX512DQ | l7ebx::AVX512CD | l7ebx::AVX512BW | l7ebx::AVX512VL;
  m.xsave_mask = 0xe7;
  return m;
}

// A hybrid part: P-core with AVX-512 (as firmware may expose it), E-core without.
inline Machine p_core() {
  Machine m = skylake_x();
  m.signature = 0x00090672;
  m.l7ecx = l7ecx::GFNI | l7ecx::VAES | l7ecx::VPCLMULQDQ;
  m.l7ebx |= l7ebx::SHA;
  m.l7edx = l7edx::HYBRID;
  m.l71eax = l71eax::AVX_VNNI;
  m.core_type = 0x40;
  return m;
}
inline Machine e_core() {
  Machine m = p_core();
  m.l7ebx &=
      ~(l7ebx::AVX512F | l7ebx::AVX512DQ | l7ebx::AVX512CD | l7ebx::AVX512BW | l7ebx::AVX512VL);
  m.xsave_mask = 0x207;
  m.core_type = 0x20;
  return m;
}

// AMD K10 (family 0x10): SSE4A, POPCNT, LZCNT, no SSSE3, no XSAVE.
inline Machine k10() {
  Machine m;
  m.vendor = "AuthenticAMD";
  m.signature = 0x00100F22;
  m.l1ecx = l1ecx::SSE3 | l1ecx::CX16 | l1ecx::POPCNT;
  m.e1ecx = e1ecx::LZCNT | e1ecx::SSE4A;
  return m;
}

// AMD Zen 4 (family 0x19 model 0x11 stepping 1).
inline Machine zen4() {
  Machine m = haswell();
  m.vendor = "AuthenticAMD";
  m.signature = 0x00A10F11;
  m.l7ebx |= l7ebx::AVX512F | l7ebx::AVX512DQ | l7ebx::AVX512IFMA | l7ebx::AVX512CD | l7ebx::SHA |
             l7ebx::AVX512BW | l7ebx::AVX512VL;
  m.l7ecx = l7ecx::AVX512VBMI | l7ecx::AVX512VBMI2 | l7ecx::GFNI | l7ecx::VAES | l7ecx::VPCLMULQDQ |
            l7ecx::AVX512VNNI | l7ecx::AVX512BITALG | l7ecx::AVX512VPOPCNTDQ;
  m.l71eax = l71eax::AVX512BF16;
  m.e1ecx |= e1ecx::SSE4A;
  m.xsave_mask = 0x2e7;
  return m;
}

inline std::vector<ironclad::cpu::CpuidSnapshot> cpus(const Machine& m, int n) {
  std::vector<ironclad::cpu::CpuidSnapshot> out;
  for (int i = 0; i < n; ++i) out.push_back(snapshot(m, i));
  return out;
}

// The /proc/cpuinfo flags Linux shows for everything a machine's CPUID reports.
inline std::string cpuinfo_flags(const ironclad::cpu::CpuidSnapshot& s) {
  std::string out = "fpu cx8 cmov mmx fxsr sse";
  for (ironclad::cpu::X86 f : ironclad::cpu::decode_cpuid(s).features.list())
    out += " " + std::string(ironclad::cpu::info(f).kernel_flag);
  return out;
}

// ../shared/cpuid, or "" (IRONCLAD_SHARED_DIR is set by ironclad_test()).
inline std::string shared_cpuid_dir() {
  const char* dir = std::getenv("IRONCLAD_SHARED_DIR");
  if (!dir) return {};
  std::string path = std::string(dir) + "/cpuid";
  return std::filesystem::is_directory(path) ? path : std::string{};
}

}  // namespace fixtures
