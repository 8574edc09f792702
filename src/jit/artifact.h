// Precompiled artifacts (.icwasm, docs/artifacts.md): a module's machine code as the
// relocatable objects ModuleCompiler made, plus everything needed to decide whether that code
// may run here (engine and LLVM versions, the feature set, the compile options), the module
// hash and the wasm module itself, so an artifact is all `ironclad run` needs.
//
// Loading never trusts the file: an HMAC under the data directory's key (artifact_key.h) must
// sign every byte before any field is read, every length is checked against the bytes that
// are there before anything is allocated or read, a checksum covers every byte, the embedded
// module is decoded and validated again, and the objects go through JITLink and the ISA
// verifier like freshly compiled code (an artifact cannot smuggle in instructions outside its
// feature set).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/features.h"
#include "ironclad/error.h"
#include "jit/artifact_key.h"
#include "jit/module_compiler.h"
#include "wasm/module.h"

namespace ironclad::jit {

// 2: the fuel flag (ArtifactHeader::fuel) after the bounds-check flag. 3: the HMAC-SHA256
// signature after the checksum.
constexpr uint32_t kArtifactFormatVersion = 3;

// This engine's version as artifacts record it: the project version and the revision of the
// code ABI (VmContext layout, runtime helper signatures, calling conventions of the
// generated code). Artifacts of any other engine version are refused.
const std::string& engine_version();
// The LLVM this engine was built with, e.g. "19.1.7".
const std::string& llvm_version();

// XXH3-128 of a module's bytes, canonical (big-endian) byte order.
using ModuleHash = std::array<uint8_t, 16>;
ModuleHash module_hash(std::span<const uint8_t> wasm_bytes);
std::string to_hex(const ModuleHash& hash);

struct ArtifactHeader {
  uint32_t format_version = kArtifactFormatVersion;
  std::string engine_version;
  std::string llvm_version;
  cpu::FeatureSet features;  // what the code may use (stored by stable names)
  ModuleHash module_hash{};
  int opt_level = 2;
  bool explicit_bounds_checks = true;
  bool fuel = false;  // CompileOptions::fuel: the code counts fuel (only for fueled stores)
  bool interrupt = false;  // CompileOptions::interrupt: the code reads the interrupt flag
  // How the feature set was chosen, for people: "policy conservative on this host".
  std::string compiled_under;
};

struct Artifact {
  ArtifactHeader header;
  std::vector<uint8_t> wasm;         // the module's bytes
  std::vector<std::string> objects;  // one relocatable ELF object per partition
};

// The artifact of compiled code (made with CompileOptions::keep_objects). Usage error when
// the code has no objects.
Result<Artifact> make_artifact(const CompiledModule& code, int opt_level,
                               std::string compiled_under);

// The artifact's bytes, signed with `key`.
std::vector<uint8_t> encode_artifact(const Artifact& artifact, const ArtifactKey& key);
// The structure, checksum and signature: Malformed when the bytes are not a complete, intact
// artifact of this format version; Usage when `key` did not sign them (checked before any
// field is read). Versions and features are check_artifact's job.
Result<Artifact> decode_artifact(std::span<const uint8_t> bytes, const ArtifactKey& key);
// decode_artifact of a file's bytes: errors start with the file's path.
Result<Artifact> decode_artifact_file(std::span<const uint8_t> bytes, const std::string& path,
                                      const ArtifactKey& key);
// Only the embedded wasm module of an intact artifact whose signature is not checked (one
// signed elsewhere): what to compile instead of its code, which is never used.
Result<std::vector<uint8_t>> unsigned_artifact_wasm(std::span<const uint8_t> bytes);

// May this artifact's code run here? CpuIncompatibility when its features are not a subset of
// `host_verified`; Usage for another engine or LLVM version; Malformed when the
// embedded module's hash is not the recorded one.
Result<void> check_artifact(const Artifact& artifact, const cpu::FeatureSet& host_verified);

// Are the artifact's compile options those of `options` (features, -O level, bounds checks,
// fuel)?
bool artifact_matches(const ArtifactHeader& header, const CompileOptions& options);

// Signs with `key` and writes atomically (a temporary file renamed over `path`): a reader
// never sees half a file.
Result<void> write_artifact(const std::string& path, const Artifact& artifact,
                            const ArtifactKey& key);
// Reads and decodes (decode_artifact) a file; Io error when it cannot be read.
Result<Artifact> read_artifact(const std::string& path, const ArtifactKey& key);

// The embedded module, decoded and validated.
Result<std::shared_ptr<const wasm::Module>> artifact_module(const Artifact& artifact,
                                                            std::string_view name_for_errors);

// Links an artifact's objects with `compiler` (whose options must match the artifact's) for
// `module` (whose bytes must be the artifact's module).
Result<std::shared_ptr<CompiledModule>> link_artifact(ModuleCompiler& compiler,
                                                      const Artifact& artifact,
                                                      std::shared_ptr<const wasm::Module> module);

// Everything a standalone load needs, kept alive together (code lives as long as its compiler).
struct LoadedArtifact {
  Artifact artifact;
  std::shared_ptr<const wasm::Module> module;
  std::unique_ptr<ModuleCompiler> compiler;
  std::shared_ptr<CompiledModule> code;
};

// Reads, checks (check_artifact), decodes and validates the module, links and verifies the
// code: a CompiledModule as a fresh compile would give. Any problem is an Error naming it.
Result<LoadedArtifact> load_artifact(const std::string& path, const cpu::FeatureSet& host_verified,
                                     const ArtifactKey& key);
Result<LoadedArtifact> load_artifact(std::span<const uint8_t> bytes,
                                     const cpu::FeatureSet& host_verified, const ArtifactKey& key);

}  // namespace ironclad::jit
