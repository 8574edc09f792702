// Shared helpers for the JIT tests: load a fixture module, instantiate it in a store
// running the JIT tier (for a given feature set), call its exports.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "jit/jit_tier.h"
#include "runtime/runtime.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::jit::testing {

inline std::string fixture_path(const std::string& name) {
  const char* dir = std::getenv("IRONCLAD_FIXTURES");
  return std::string(dir ? dir : IRONCLAD_JIT_FIXTURE_DIR) + "/" + name + ".wasm";
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

// SSE2 only: what every x86-64 CPU runs, so these tests run anywhere.
inline cpu::FeatureSet baseline_features() { return cpu::FeatureSet{cpu::X86::SSE2}; }

inline JitConfig test_config(cpu::FeatureSet features = baseline_features()) {
  JitConfig c;
  c.features = features;
  c.host_verified = features;
  return c;
}

// A store running the JIT with one instance of a fixture.
struct Harness {
  explicit Harness(const std::string& fixture, JitConfig config = test_config(),
                   runtime::StoreLimits limits = {})
      : store(make_jit_tier(std::move(config)), limits) {
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

}  // namespace ironclad::jit::testing
