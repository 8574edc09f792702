// Turns a fault in JIT code (an activation unwound with UnwindReason::Fault) into the error
// the embedder sees: CpuIncompatibility when the faulting instruction needs a feature the
// host has not verified, EngineFault otherwise, each naming the instruction, its ISA set,
// the features it needs, the set the code was compiled for and the host's verified set.
#pragma once

#include "cpu/features.h"
#include "ironclad/error.h"
#include "runtime/activation.h"

namespace ironclad::jit {

Error fault_error(const runtime::Activation& act, const cpu::FeatureSet& compiled_for,
                  const cpu::FeatureSet& host_verified);

}  // namespace ironclad::jit
