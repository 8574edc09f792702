// Source 1 of the feature model: CPUID, one snapshot per logical CPU.
//
// A snapshot is the raw register values per (leaf, sub-leaf), read from this machine (the
// CPUID instruction, with the thread pinned to the CPU) or from a dump in the InstLatx64
// text format. decode_cpuid() turns one snapshot into what CPUID claims: vendor,
// family/model/stepping, hybrid core type (leaf 0x1A), XSAVE support and the features.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/features.h"
#include "ironclad/error.h"

namespace ironclad::cpu {

struct CpuidRegs {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
  bool operator==(const CpuidRegs&) const = default;
};

class CpuidSnapshot {
 public:
  CpuidSnapshot() = default;
  explicit CpuidSnapshot(int cpu) : cpu_(cpu) {}

  // The logical CPU this snapshot was read on (the OS number, or the dump's "#N").
  int cpu() const { return cpu_; }
  void set_cpu(int cpu) { cpu_ = cpu; }

  void set(uint32_t leaf, uint32_t subleaf, CpuidRegs regs) { leaves_[key(leaf, subleaf)] = regs; }
  bool has(uint32_t leaf, uint32_t subleaf = 0) const {
    return leaves_.count(key(leaf, subleaf)) != 0;
  }
  // The registers of a leaf; all zero when the snapshot does not hold it.
  CpuidRegs get(uint32_t leaf, uint32_t subleaf = 0) const;
  size_t size() const { return leaves_.size(); }
  bool empty() const { return leaves_.empty(); }

 private:
  static uint64_t key(uint32_t leaf, uint32_t subleaf) {
    return (static_cast<uint64_t>(leaf) << 32) | subleaf;
  }
  int cpu_ = 0;
  std::map<uint64_t, CpuidRegs> leaves_;
};

// Hybrid core types of CPUID leaf 0x1A EAX[31:24] (Intel SDM vol. 2A, CPUID).
enum class CoreType : uint8_t { None = 0, Atom = 0x20, Core = 0x40 };
std::string core_type_name(uint8_t raw);  // "Atom", "Core", "none", "0x30"

// What one logical CPU's CPUID claims.
struct CpuidFacts {
  int cpu = 0;
  std::string vendor;                            // "GenuineIntel", "AuthenticAMD"
  std::string brand;                             // leaves 0x80000002..4, trimmed; may be empty
  uint32_t signature = 0;                        // leaf 1 EAX
  uint32_t family = 0, model = 0, stepping = 0;  // display values (extended fields folded in)
  uint8_t core_type = 0;        // leaf 0x1A EAX[31:24], 0 when the CPU does not report one
  bool hybrid = false;          // leaf 7 EDX bit 15
  bool xsave = false;           // leaf 1 ECX bit 26
  bool osxsave = false;         // leaf 1 ECX bit 27: the OS set CR4.OSXSAVE
  uint64_t xcr0_supported = 0;  // leaf 0xD.0 EDX:EAX: the state components XSAVE can manage
  FeatureSet features;          // every feature CPUID reports, before any other source
};

CpuidFacts decode_cpuid(const CpuidSnapshot& snapshot);

// Clears the bit through which CPUID reports `feature` (nothing for a feature CPUID does not
// report by one bit), so that decode_cpuid no longer finds it: a narrower CPU's snapshot.
void clear_cpuid_feature(CpuidSnapshot& snapshot, X86 feature);

// Executes CPUID on the CPU the calling thread runs on, for every leaf the model reads.
CpuidSnapshot read_cpuid_here(int cpu);

// Parses a CPUID dump in the InstLatx64 text format: blocks headed "Logical CPU #N" (or, in
// files without headers, a new block at every repeated leaf 0), lines
// "CPUID LLLLLLLL: EAX-EBX-ECX-EDX [SL nn] [comment]". Sub-leaves without "[SL nn]" are
// numbered by repetition. Other lines (MSRs, cache summaries, prose) are skipped; a line that
// starts like a CPUID line but is broken is an error naming the line.
Result<std::vector<CpuidSnapshot>> parse_instlatx64(std::string_view text);
Result<std::vector<CpuidSnapshot>> load_instlatx64(const std::string& path);

}  // namespace ironclad::cpu
