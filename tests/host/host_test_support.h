// Helpers for the extension host tests: temporary extension directories built from the
// fixtures, an event log, v128 values, and whether this machine can run the emulated
// Alder Lake-N crash.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "cpu/host.h"
#include "cpu/profiles.h"
#include "ironclad/extension_host.h"
#include "jit/jit_tier.h"
#include "runtime/runtime.h"
#include "support/fixture_dir.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::host_test {

namespace fs = std::filesystem;

// A directory removed (with everything in it) when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("ironclad-host-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline fs::path fixture(const std::string& name) {
  return fs::path(ironclad::testing::fixture_dir()) / name;
}

// The module with a custom section appended: the same code, different bytes (so another
// module hash, as a rebuilt extension has).
inline std::vector<uint8_t> with_custom_section(std::vector<uint8_t> bytes,
                                                const std::string& name) {
  std::vector<uint8_t> payload;
  payload.push_back(static_cast<uint8_t>(name.size()));
  payload.insert(payload.end(), name.begin(), name.end());
  bytes.push_back(0);  // custom section id
  bytes.push_back(static_cast<uint8_t>(payload.size()));
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

// Writes root/<id>/{extension.toml, <id>.wasm}; returns the extension directory.
inline fs::path make_extension(const fs::path& root, const std::string& id,
                               const std::string& fixture_name, const std::string& exports_toml,
                               const std::string& variant = "") {
  fs::path dir = root / id;
  fs::create_directories(dir);
  std::vector<uint8_t> bytes = read_bytes(fixture(fixture_name));
  if (!variant.empty()) bytes = with_custom_section(std::move(bytes), variant);
  std::ofstream(dir / (id + ".wasm"), std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  write_text(dir / "extension.toml", "id = \"" + id + "\"\nname = \"Test " + id +
                                         "\"\nversion = \"1.0.0\"\nwasm = \"" + id +
                                         ".wasm\"\n[exports]\n" + exports_toml);
  return dir;
}

// The exports of host_simd.wat, as its manifest declares them.
inline const char* kSimdExports =
    "mul = { idempotent = true }\n"
    "mul_and_count = { idempotent = false }\n"
    "touch = { idempotent = true }\n"
    "calls = { idempotent = true }\n"
    "add = { idempotent = true }\n"
    "trap = {}\n";

// Every event a host delivered, thread-safe.
class EventLog {
 public:
  std::function<void(const HostEvent&)> sink() {
    return [this](const HostEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    };
  }
  std::vector<HostEvent> all() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<HostEvent> of(HostEventKind kind) const {
    std::vector<HostEvent> out;
    for (const HostEvent& e : all())
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  size_t count(HostEventKind kind) const { return of(kind).size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<HostEvent> events_;
};

inline Value v128_i64(uint64_t lane0, uint64_t lane1) {
  V128 v;
  v.set_lane<uint64_t>(0, lane0);
  v.set_lane<uint64_t>(1, lane1);
  return Value::from_v128(v);
}

// Why the emulated Alder Lake-N crash cannot run here, or "" when it can: the host must
// verify AVX512DQ and AVX512VL (so policy native compiles vpmullq), and the JIT must
// implement CPU emulation (checked directly: vpmullq under emulated alderlake-n must fault).
inline std::string emulation_unavailable() {
  const cpu::FeatureSet& verified = cpu::host_cpu().verified;
  if (!verified.has(cpu::X86::AVX512DQ) || !verified.has(cpu::X86::AVX512VL))
    return "this host does not verify AVX512DQ+AVX512VL, so no code with vpmullq can run here";
  static const std::string probe = [&verified] {
    auto module = wasm::decode_module(read_bytes(fixture("host_simd.wasm")), "host_simd.wasm");
    if (!module.ok()) return "fixture host_simd.wasm: " + module.error().message;
    std::shared_ptr<const wasm::Module> m(std::move(*module));
    jit::JitConfig config;
    config.features = verified;
    config.host_verified = verified;
    config.emulate_features = cpu::find_profile("alderlake-n")->features;
    config.emulate_cpu_name = "alderlake-n";
    runtime::Store store(jit::make_jit_tier(config));
    runtime::Linker linker;
    auto instance = linker.instantiate(store, m);
    if (!instance.ok()) return "probe instantiation failed: " + instance.error().message;
    auto mul = (*instance)->get_export("mul");
    if (!mul.ok()) return std::string("probe: no mul export");
    Value args[] = {v128_i64(3, 5), v128_i64(7, 11)};
    auto result = store.invoke(*mul->func, args);
    if (result.ok())
      return std::string(
          "the JIT does not implement CPU emulation in this tree (JitConfig::emulate_features "
          "ignored: vpmullq ran under emulated alderlake-n)");
    if (result.error().kind != ErrorKind::CpuIncompatibility)
      return "probe: expected a CPU incompatibility, got " + result.error().describe();
    return std::string();
  }();
  return probe;
}

}  // namespace ironclad::host_test
