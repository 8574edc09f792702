// Turns a fault in JIT code (an activation unwound with UnwindReason::Fault) into the error
// the embedder sees: CpuIncompatibility when the faulting instruction needs a feature the
// CPU lacks, EngineFault otherwise, each naming the instruction, its ISA set, the features
// it needs, the set the code was compiled for and the host's verified set, in the message
// and in Error::fault (FaultDetails) for programs.
//
// Under CPU emulation (jit/emulation.h) the CPU is the emulated one: a SIGILL at a patched
// instruction is decoded from the side table's original bytes and reported against the
// emulated feature set.
#pragma once

#include <string>

#include "cpu/features.h"
#include "ironclad/error.h"
#include "jit/emulation.h"
#include "runtime/activation.h"

namespace ironclad::jit {

// What the tier knows about the code that faulted.
struct FaultContext {
  cpu::FeatureSet compiled_for;   // the faulting code's feature set
  cpu::FeatureSet host_verified;  // the real host's verified set
  // CPU emulation, when the tier runs with one (all three set together).
  const EmulationTable* emulation = nullptr;
  cpu::FeatureSet emulated_features;
  std::string emulated_cpu;  // e.g. "alderlake-n"
};

Error fault_error(const runtime::Activation& act, const FaultContext& context);

// Without emulation.
Error fault_error(const runtime::Activation& act, const cpu::FeatureSet& compiled_for,
                  const cpu::FeatureSet& host_verified);

}  // namespace ironclad::jit
