// Configurations of the tiered tier for its tests.
#pragma once

#include "../interp/test_support.h"
#include "cpu/features.h"
#include "tiered/tiered_tier.h"

namespace ironclad::tiered::testing {

// SSE2 only (runs on every x86-64 CPU); each function compiled on the calling thread at its
// first call, so which call runs in which tier does not depend on timing. `may_compile`
// pins which functions get machine code.
inline TieredConfig sync_config(
    std::function<bool(const runtime::FunctionInstance&)> may_compile = nullptr) {
  TieredConfig c;
  c.jit.features = cpu::FeatureSet{cpu::X86::SSE2};
  c.jit.host_verified = c.jit.features;
  c.background = false;
  // Every function called compiles (the tests that turn background on count on it; the heat
  // threshold has tests of its own).
  c.hot_at = 1;
  c.may_compile = std::move(may_compile);
  return c;
}

}  // namespace ironclad::tiered::testing
