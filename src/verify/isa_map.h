// The mapping from Zydis ISA sets to the CPU features (LLVM names) that enable them.
//
// Every ISA set Zydis knows has an entry; an ISA set without one (a newer Zydis, or a set
// whose requirement nobody could establish) is "unmapped", and the verifier rejects its
// instructions instead of accepting them silently. A few instructions refine their set's
// requirement (see isa_map.cpp): EVEX 128/256-bit forms add "avx512vl", VEX vpclmulqdq xmm
// adds "pclmul", CET's endbr64/rdssp are hint NOPs that need nothing.
#pragma once

#include <string>
#include <vector>

namespace ironclad::verify {

struct IsaSetMapping {
  std::string isa_set;  // Zydis's name: "AVX512DQ_256"
  bool mapped = false;
  // The features every instruction of the set needs (before per-instruction refinements);
  // empty for a baseline x86-64 set.
  std::vector<std::string> features;
};

// One row per Zydis ISA set (ZYDIS_ISA_SET_INVALID excluded), in Zydis's order.
std::vector<IsaSetMapping> isa_set_mappings();

// Every feature name the mapping can require, sorted. Most are LLVM's names; the few sets
// LLVM has no feature for use the Linux /proc/cpuinfo flag (docs/verify.md lists them).
std::vector<std::string> known_feature_names();

}  // namespace ironclad::verify
