// Helpers for the artifact tests: the fixture module, a feature set this host runs, an
// artifact compiled from the fixture, and a store running the JIT with a given config.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "cpu/host.h"
#include "jit/artifact.h"
#include "jit/jit_tier.h"
#include "jit/module_compiler.h"
#include "runtime/runtime.h"
#include "support/fixture_dir.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::jit::testing {

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

inline std::string fixture(const std::string& name) {
  return ironclad::testing::fixture_dir() + "/" + name;
}

inline std::shared_ptr<const wasm::Module> simd_module() {
  auto module = wasm::decode_module(read_bytes(fixture("artifact_simd.wasm")), "artifact_simd");
  EXPECT_TRUE(module.ok()) << module.error().describe();
  if (!module.ok()) return nullptr;
  EXPECT_TRUE(wasm::validate_module(**module, "artifact_simd").ok());
  return std::shared_ptr<const wasm::Module>(std::move(*module));
}

// The key the tests sign artifacts with (a data directory's artifact.key in real use).
inline const ArtifactKey& test_key() {
  static const ArtifactKey key = [] {
    ArtifactKey k;
    for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(0x5a ^ (i * 7));
    return k;
  }();
  return key;
}

inline const cpu::FeatureSet& host_verified() {
  return cpu::host_cpu().verified;
}

// SSE2 to SSE4.1 where this host verified them: what the SIMD fixture compiles to.
inline cpu::FeatureSet test_features() {
  cpu::FeatureSet wanted{cpu::X86::SSE2, cpu::X86::SSE3, cpu::X86::SSSE3, cpu::X86::SSE4_1};
  return wanted & host_verified();
}

// A feature this host has not verified (AVX-512, AMX... whatever it lacks), if any.
inline std::optional<cpu::X86> feature_host_lacks() {
  for (cpu::X86 f : (cpu::FeatureSet::all_x86() - host_verified()).list()) return f;
  return std::nullopt;
}

inline CompileOptions test_options(unsigned threads = 1) {
  CompileOptions options;
  options.features = test_features();
  options.explicit_bounds_checks = true;
  options.threads = threads;
  options.keep_objects = true;
  return options;
}

// The fixture compiled with `options`, as an artifact.
inline Artifact compile_artifact(const CompileOptions& options) {
  auto compiler = ModuleCompiler::create(options);
  EXPECT_TRUE(compiler.ok()) << compiler.error().describe();
  auto code = (*compiler)->compile(simd_module());
  EXPECT_TRUE(code.ok()) << code.error().describe();
  auto artifact = make_artifact(**code, options.opt_level, "tests/artifacts");
  EXPECT_TRUE(artifact.ok()) << artifact.error().describe();
  return std::move(*artifact);
}

inline JitConfig jit_config(const CompileOptions& options) {
  JitConfig config;
  config.features = options.features;
  config.host_verified = host_verified();
  config.opt_level = options.opt_level;
  config.bounds_checks =
      options.explicit_bounds_checks ? BoundsChecks::Explicit : BoundsChecks::Implicit;
  config.compile_threads = options.threads;
  return config;
}

// What the fixture's exports give in a store running `tier`, as text (results and traps), and
// the notes the tier sent.
struct FixtureRun {
  std::string results;
  std::vector<std::string> notes;
};

inline std::string run_exports(std::unique_ptr<runtime::Tier> tier,
                               std::shared_ptr<const wasm::Module> module) {
  runtime::Store store(std::move(tier));
  runtime::Linker linker;
  auto instance = linker.instantiate(store, module);
  if (!instance.ok()) return "instantiate: " + instance.error().describe();
  auto call = [&](const std::string& name, std::vector<Value> args) {
    auto ext = (*instance)->get_export(name);
    if (!ext.ok()) return "no export " + name;
    auto r = store.invoke(*ext->func, args);
    if (!r.ok()) return name + ": " + r.error().describe() + "\n";
    std::string out = name + ":";
    for (const Value& v : *r) out += " " + v.to_string();
    return out + "\n";
  };
  std::string results;
  for (uint32_t n : {4u, 64u, 1000u}) results += call("fill_and_sum", {Value::from_i32(n)});
  results += call("oob", {});
  return results;
}

inline FixtureRun run_fixture(JitConfig config,
                              std::shared_ptr<const wasm::Module> module = simd_module()) {
  auto notes = std::make_shared<std::vector<std::string>>();
  config.on_note = [notes](const std::string& note) { notes->push_back(note); };
  FixtureRun run;
  run.results = run_exports(make_jit_tier(std::move(config)), std::move(module));
  run.notes = *notes;
  return run;
}

}  // namespace ironclad::jit::testing
