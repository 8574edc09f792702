// The CPU features a code generator may use, and sets of them.
//
// Each feature has a stable text name (what Ironclad writes into caches, fingerprints,
// quarantine records and its own output: "AVX512F", "SSE4.1"), the name LLVM gives it
// ("avx512f", "sse4.1": what the JIT hands LLVM), the flag /proc/cpuinfo shows for it
// ("avx512f", "sse4_1"), the register state the OS must enable for it (XCR0), and the
// features it needs (the same implications LLVM applies: avx2 needs avx).
//
// A FeatureSet is an architecture tag plus a bitset indexed by the architecture's feature
// table. Only x86-64 has a table today; AArch64 is a second enum and a second table (its
// kernel source would be AT_HWCAP/AT_HWCAP2), with no change to FeatureSet's interface.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ironclad::cpu {

enum class Arch : uint8_t { X86_64, AArch64 };
const char* to_string(Arch arch);

// The x86-64 features, in the order tables and reports list them. The numbering is internal:
// nothing persistent stores it (caches and fingerprints store names).
// clang-format off
enum class X86 : uint16_t {
  SSE2, SSE3, SSSE3, SSE4_1, SSE4_2, SSE4A,
  POPCNT, LZCNT, BMI1, BMI2, MOVBE, CX16,
  AES, PCLMULQDQ, SHA, F16C, FMA, FMA4, XOP,
  AVX, AVX2, AVX_VNNI, GFNI, VAES, VPCLMULQDQ,
  AVX512F, AVX512CD, AVX512BW, AVX512DQ, AVX512VL, AVX512IFMA, AVX512VBMI, AVX512VBMI2,
  AVX512BITALG, AVX512VPOPCNTDQ, AVX512VNNI, AVX512BF16, AVX512FP16, AVX512VP2INTERSECT,
  AVX512ER, AVX512PF,
  AMX_TILE, AMX_INT8, AMX_BF16,
  Count_
};
// clang-format on
inline constexpr size_t kX86FeatureCount = static_cast<size_t>(X86::Count_);

// The register state a feature's instructions touch, which the OS must have enabled in XCR0
// (with CR4.OSXSAVE) before they execute. General-purpose and legacy-SSE instructions need
// no XSAVE state (Linux always enables FXSR/SSE on x86-64).
enum class StateNeed : uint8_t {
  None,  // general-purpose registers, or XMM through legacy SSE encodings
  Ymm,   // XCR0 bits 1 (SSE) and 2 (AVX): any VEX-encoded vector instruction
  Zmm,   // plus bits 5, 6, 7 (opmask, ZMM_Hi256, Hi16_ZMM): EVEX
  Tile,  // bits 17, 18 (XTILECFG, XTILEDATA): AMX
};

// Families a policy can remove as a whole.
enum class Family : uint8_t { Base, Avx512, Amx };

struct FeatureInfo {
  X86 id;
  std::string_view name;         // stable text name: "AVX512F"
  std::string_view llvm;         // LLVM's feature name: "avx512f"
  std::string_view kernel_flag;  // the /proc/cpuinfo flag: "avx512f" (LZCNT is "abm")
  StateNeed state;
  Family family;
  std::array<int8_t, 3> needs;  // direct requirements (X86 values), -1 = none
  std::string_view summary;     // one line for tables and docs
};

// The x86-64 feature table, indexed by X86.
std::span<const FeatureInfo> x86_features();
const FeatureInfo& info(X86 feature);
// Looks a feature up by its stable name or its LLVM name, ignoring case ("avx512f",
// "AVX512F", "sse4.1", "SSE4.1", "bmi", "BMI1", "pclmul", "PCLMULQDQ", "avx-vnni").
std::optional<X86> find_x86_feature(std::string_view name);

class FeatureSet {
 public:
  static constexpr size_t kCapacity = 128;

  FeatureSet() = default;  // empty, x86-64
  explicit FeatureSet(Arch arch) : arch_(arch) {}
  FeatureSet(std::initializer_list<X86> features);
  static FeatureSet all_x86();

  Arch arch() const { return arch_; }
  bool has(X86 f) const { return bits_.test(index(f)); }
  FeatureSet& add(X86 f) {
    bits_.set(index(f));
    return *this;
  }
  FeatureSet& remove(X86 f) {
    bits_.reset(index(f));
    return *this;
  }
  FeatureSet& set(X86 f, bool on) { return on ? add(f) : remove(f); }
  bool empty() const { return bits_.none(); }
  size_t size() const { return bits_.count(); }
  bool subset_of(const FeatureSet& other) const { return (bits_ & ~other.bits_).none(); }

  FeatureSet operator&(const FeatureSet& o) const { return FeatureSet(arch_, bits_ & o.bits_); }
  FeatureSet operator|(const FeatureSet& o) const { return FeatureSet(arch_, bits_ | o.bits_); }
  FeatureSet operator-(const FeatureSet& o) const { return FeatureSet(arch_, bits_ & ~o.bits_); }
  FeatureSet& operator&=(const FeatureSet& o) { return *this = *this & o; }
  FeatureSet& operator|=(const FeatureSet& o) { return *this = *this | o; }
  FeatureSet& operator-=(const FeatureSet& o) { return *this = *this - o; }
  bool operator==(const FeatureSet& o) const { return arch_ == o.arch_ && bits_ == o.bits_; }

  // The members, in table order.
  std::vector<X86> list() const;
  // "AVX,AVX2,FMA": stable names, table order (for people, caches and fingerprints).
  std::string names() const;
  // "avx,avx2,fma": LLVM names, table order.
  std::string llvm_names() const;
  // The feature string for LLVM: every feature of the table, "+name" if in the set and
  // "-name" otherwise, so LLVM can never turn on a feature the set does not hold.
  std::string llvm_feature_string() const;

  // Adds everything the members need, transitively (avx512bw -> avx512f -> avx2 -> avx ...).
  FeatureSet with_requirements() const;
  // Removes every member whose requirements are not all members, transitively, so the
  // result is consistent: no feature without what it needs.
  FeatureSet consistent() const;
  // The features that need `f`, transitively (not including f).
  static FeatureSet dependents_of(X86 f);
  // Every feature of a family.
  static FeatureSet family(Family fam);

 private:
  FeatureSet(Arch arch, std::bitset<kCapacity> bits) : arch_(arch), bits_(bits) {}
  static size_t index(X86 f) { return static_cast<size_t>(f); }
  Arch arch_ = Arch::X86_64;
  std::bitset<kCapacity> bits_;
};

// Parses a list of feature names separated by commas or spaces ("avx2,bmi2 fma").
// Unknown names are returned in `unknown` (when given) and skipped.
FeatureSet parse_feature_list(std::string_view text, std::vector<std::string>* unknown = nullptr);

}  // namespace ironclad::cpu
