// Source 2 of the feature model: the register state the OS enabled.
//
// An AVX instruction executes only if the OS set CR4.OSXSAVE (CPUID.1:ECX bit 27) and
// enabled the YMM state in XCR0; AVX-512 also needs the opmask and ZMM states, AMX the tile
// states. A kernel (or hypervisor) that leaves a state out makes those instructions #UD
// whatever CPUID says.
#pragma once

#include <cstdint>
#include <string>

#include "cpu/features.h"

namespace ironclad::cpu {

// XCR0 state components (Intel SDM vol. 1, 13.1).
namespace xcr0 {
inline constexpr uint64_t kX87 = 1ull << 0;
inline constexpr uint64_t kSse = 1ull << 1;       // XMM registers
inline constexpr uint64_t kAvx = 1ull << 2;       // upper halves of YMM
inline constexpr uint64_t kOpmask = 1ull << 5;    // k0-k7
inline constexpr uint64_t kZmmHi256 = 1ull << 6;  // upper halves of ZMM0-15
inline constexpr uint64_t kHi16Zmm = 1ull << 7;   // ZMM16-31
inline constexpr uint64_t kTileCfg = 1ull << 17;
inline constexpr uint64_t kTileData = 1ull << 18;
inline constexpr uint64_t kYmm = kSse | kAvx;
inline constexpr uint64_t kZmm = kOpmask | kZmmHi256 | kHi16Zmm;
inline constexpr uint64_t kTile = kTileCfg | kTileData;
}  // namespace xcr0

struct XcrState {
  bool osxsave = false;  // XGETBV is usable and the OS manages XSAVE state
  uint64_t xcr0 = 0;     // meaningful when osxsave
};

// The XCR0 bits `need` requires (on top of osxsave); 0 for StateNeed::None.
uint64_t xcr0_bits_for(StateNeed need);
// Whether the state allows a feature; when not, `why` (if given) says what is missing:
// "XCR0 lacks opmask/ZMM state", "the OS did not enable XSAVE (CPUID.1:ECX.OSXSAVE = 0)".
bool xcr_allows(const XcrState& state, StateNeed need, std::string* why = nullptr);
// "x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM PKRU ..." for reports.
std::string describe_xcr0(uint64_t xcr0);

// Reads this machine's state: XGETBV(0) when CPUID says OSXSAVE, else {false, 0}.
XcrState read_xcr_here();

}  // namespace ironclad::cpu
