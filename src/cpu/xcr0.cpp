#include "cpu/xcr0.h"

#include <cpuid.h>

namespace ironclad::cpu {

uint64_t xcr0_bits_for(StateNeed need) {
  switch (need) {
    case StateNeed::None:
      return 0;
    case StateNeed::Ymm:
      return xcr0::kYmm;
    case StateNeed::Zmm:
      return xcr0::kYmm | xcr0::kZmm;
    case StateNeed::Tile:
      return xcr0::kTile;
  }
  return 0;
}

bool xcr_allows(const XcrState& state, StateNeed need, std::string* why) {
  uint64_t bits = xcr0_bits_for(need);
  if (bits == 0) return true;
  if (!state.osxsave) {
    if (why) *why = "the OS did not enable XSAVE (CPUID.1:ECX.OSXSAVE = 0)";
    return false;
  }
  uint64_t missing = bits & ~state.xcr0;
  if (missing == 0) return true;
  if (why) {
    std::string parts;
    auto add = [&](const char* what) {
      if (!parts.empty()) parts += ", ";
      parts += what;
    };
    if (missing & xcr0::kYmm) add("YMM");
    if (missing & xcr0::kZmm) add("opmask/ZMM");
    if (missing & xcr0::kTile) add("AMX tile");
    *why = "XCR0 lacks " + parts + " state";
  }
  return false;
}

std::string describe_xcr0(uint64_t value) {
  static constexpr const char* kNames[] = {"x87",    "SSE",       "AVX",      "BNDREGS",   "BNDCSR",
                                           "opmask", "ZMM_Hi256", "Hi16_ZMM", "PT",        "PKRU",
                                           "PASID",  "CET_U",     "CET_S",    "HDC",       "UINTR",
                                           "LBR",    "HWP",       "XTILECFG", "XTILEDATA", "APX"};
  std::string out;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!((value >> bit) & 1)) continue;
    if (!out.empty()) out += ' ';
    out += bit < std::size(kNames) ? std::string(kNames[bit]) : "bit" + std::to_string(bit);
  }
  return out.empty() ? "none" : out;
}

XcrState read_xcr_here() {
  XcrState s;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return s;
  s.osxsave = (ecx >> 27) & 1;
  if (!s.osxsave) return s;
  uint32_t lo, hi;
  // XGETBV with ECX = 0, as raw bytes: the library is built for baseline x86-64 and XGETBV
  // is only executed when OSXSAVE says it exists.
  asm volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
  s.xcr0 = (static_cast<uint64_t>(hi) << 32) | lo;
  return s;
}

}  // namespace ironclad::cpu
