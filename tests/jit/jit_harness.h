// Helpers for the JIT-only tests (and tests/jit_simd): the shared harness of
// tests/interp/test_support.h with a store running the JIT for a given feature set.
#pragma once

#include "../interp/test_support.h"
#include "cpu/features.h"
#include "jit/jit_tier.h"

namespace ironclad::jit::testing {

using ironclad::testing::F32;
using ironclad::testing::F64;
using ironclad::testing::fixture_path;
using ironclad::testing::I32;
using ironclad::testing::I64;
using ironclad::testing::load_fixture;

// SSE2 only: what every x86-64 CPU runs, so these tests run anywhere.
inline cpu::FeatureSet baseline_features() { return cpu::FeatureSet{cpu::X86::SSE2}; }

inline JitConfig test_config(cpu::FeatureSet features = baseline_features()) {
  JitConfig c;
  c.features = features;
  c.host_verified = features;
  return c;
}

// A store running the JIT (with `config`) with one instance of a fixture.
struct Harness : ironclad::testing::Harness {
  explicit Harness(const std::string& fixture, JitConfig config = test_config(),
                   runtime::StoreLimits limits = {})
      : ironclad::testing::Harness(fixture, make_jit_tier(std::move(config)), limits) {}
};

}  // namespace ironclad::jit::testing
