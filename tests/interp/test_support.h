// Shared helpers for the behaviour tests that run under every tier: load a fixture
// module, instantiate it in a store running the tier under test, call its exports.
//
// The same behaviour test sources (those tests/jit/CMakeLists.txt lists: every
// tests/interp/*_test.cpp but interp_only_test.cpp and fused_test.cpp) are compiled into
// interp_tests and into jit_tests, and simd_test.cpp into jit_simd_tests too; each
// executable defines make_tier_under_test() once (tests/interp/tier_under_test.cpp returns
// the interpreter, tests/jit/tier_under_test.cpp the JIT with SSE2 only,
// tests/jit_simd/tier_under_test.cpp the JIT with this host's native features), so the
// tiers are held to one set of expectations.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "runtime/runtime.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"
#include "support/fixture_dir.h"

namespace ironclad::testing {

// The tier this test executable runs its behaviour tests under, a new one per store.
// (Tests of one tier's own features live in that tier's executable only: here in
// interp_only_test.cpp, which jit_tests does not compile.)
std::unique_ptr<runtime::Tier> make_tier_under_test();

inline std::string fixture_path(const std::string& name) {
  return ironclad::testing::fixture_dir() + "/" + name + ".wasm";
}

inline std::shared_ptr<const wasm::Module> load_fixture(const std::string& name) {
  std::ifstream in(fixture_path(name), std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << fixture_path(name);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto module = wasm::decode_module(std::move(bytes), name);
  EXPECT_TRUE(module.ok()) << module.error().describe();
  if (!module.ok()) return nullptr;
  auto valid = wasm::validate_module(**module, name);
  EXPECT_TRUE(valid.ok()) << valid.error().describe();
  return std::shared_ptr<const wasm::Module>(std::move(*module));
}

// A store running a tier (by default the tier under test) with one instance of a fixture.
struct Harness {
  explicit Harness(const std::string& fixture, runtime::StoreLimits limits = {})
      : Harness(fixture, make_tier_under_test(), limits) {}
  Harness(const std::string& fixture, std::unique_ptr<runtime::Tier> tier,
          runtime::StoreLimits limits = {})
      : store(std::move(tier), limits) {
    module = load_fixture(fixture);
  }
  // Instantiates after the test has defined any imports in `linker`.
  void instantiate() {
    ASSERT_TRUE(module);
    auto inst = linker.instantiate(store, module);
    ASSERT_TRUE(inst.ok()) << inst.error().describe();
    instance = *inst;
  }
  Result<std::vector<Value>> call(const std::string& name, std::vector<Value> args = {}) {
    if (!instance) return Error::make(ErrorKind::Usage, "not instantiated");
    auto ext = instance->get_export(name);
    if (!ext.ok()) return ext.error();
    return store.invoke(*ext->func, args);
  }
  // The single i32 result of a call that must succeed.
  uint32_t i32(const std::string& name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().describe();
    if (!r.ok() || r->empty()) return 0xDEADBEEF;
    return r->front().i32;
  }
  uint64_t i64(const std::string& name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().describe();
    if (!r.ok() || r->empty()) return 0xDEADBEEF;
    return r->front().i64;
  }
  // The trap kind of a call that must trap.
  TrapKind trap(const std::string& name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    EXPECT_FALSE(r.ok()) << name << " did not trap";
    if (r.ok()) return TrapKind::None;
    EXPECT_EQ(r.error().kind, ErrorKind::Trap) << r.error().describe();
    return r.error().trap;
  }

  runtime::Store store;
  runtime::Linker linker;
  std::shared_ptr<const wasm::Module> module;
  runtime::Instance* instance = nullptr;
};

inline Value I32(uint32_t v) { return Value::from_i32(v); }
inline Value I64(uint64_t v) { return Value::from_i64(v); }
inline Value F32(float v) { return Value::from_f32(v); }
inline Value F64(double v) { return Value::from_f64(v); }

}  // namespace ironclad::testing
