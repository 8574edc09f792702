// CPU emulation (issue 5, docs/emulation.md): makes machine code compiled for one feature set
// behave as it would on a CPU with fewer features. Every instruction the emulated CPU lacks
// is overwritten at its first bytes with an undefined opcode, so executing it raises a real
// SIGILL at exactly the instruction where that CPU would raise one; the original bytes are
// kept in a side table from which the fault is decoded and reported.
//
// Emulation only narrows what executes: the code still runs only where the set it was
// compiled for is verified on the real host (invariant 4), and nothing here makes more
// instructions run than the compiled code already holds.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "ironclad/error.h"
#include "jit/module_compiler.h"

namespace ironclad::jit {

// One instruction that was overwritten, and what it was.
struct PatchedInstruction {
  uintptr_t pc = 0;  // where it starts (the undefined opcode is written here)
  uint8_t length = 0;
  std::array<uint8_t, 15> original{};  // its bytes before patching (the first `length`)
  uint8_t patch_size = 0;              // how many of its first bytes were overwritten
  std::string text;                    // Intel syntax, from the original bytes
  std::string isa_set;                 // Zydis's ISA set, e.g. "AVX512DQ_128"
  // The features it needs that the emulated CPU lacks (LLVM names), e.g. {"avx512dq",
  // "avx512vl"}.
  std::vector<std::string> missing_features;

  std::span<const uint8_t> original_bytes() const { return {original.data(), length}; }
};

// The side table of every instruction a tier patched, by pc.
class EmulationTable {
 public:
  // The instruction patched at exactly `pc`, or null.
  const PatchedInstruction* find(uintptr_t pc) const;
  size_t size() const { return by_pc_.size(); }
  void add(PatchedInstruction patched);
  const std::map<uintptr_t, PatchedInstruction>& entries() const { return by_pc_; }

 private:
  std::map<uintptr_t, PatchedInstruction> by_pc_;
};

// Overwrites every instruction of `code` (all of CompiledModule::code) that needs a feature
// outside `emulated` (taken with its requirements) and adds each to `table`; returns how many
// were patched. Call it once per CompiledModule, after the ISA verifier has accepted the code
// and before any of it runs: the pages are briefly writable and not executable. Errors: the
// code does not decode (Malformed), or the pages' protection cannot be changed (Internal);
// on an error nothing already patched is undone, so the code must not run.
Result<size_t> apply_cpu_emulation(const CompiledModule& code, const cpu::FeatureSet& emulated,
                                   EmulationTable& table);

}  // namespace ironclad::jit
