// `ironclad run FILE.icwasm`: a precompiled artifact (docs/artifacts.md) instead of a module.
// The module comes from the artifact; the JIT links the artifact's code instead of compiling
// when that code can run here, and compiles the module (with a warning naming the reason)
// when it cannot.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/tier_selection.h"
#include "ironclad/error.h"
#include "jit/artifact.h"
#include "runtime/runtime.h"
#include "wasm/module.h"

namespace ironclad::cli {

struct ModuleFile {
  std::shared_ptr<const wasm::Module> module;
  std::shared_ptr<const jit::Artifact> artifact;  // null for a plain .wasm
};

// A .wasm file (as load_module), or an artifact (recognized by its magic, whatever the file
// is called): decoded, its embedded module decoded and validated. Its code is used only when
// the data directory's key (`data_dir`/artifact.key, created when missing) signed it: an
// artifact signed elsewhere (another user, machine or data directory) or not at all, or any
// artifact when there is no usable key, gives only its module, to compile, after a warning
// on `warnings`. Whether signed code can run here is make_artifact_tier's question.
// `bytes` are the file's, already read (read_file_bytes).
Result<ModuleFile> load_module_file(const std::string& path, std::vector<uint8_t> bytes,
                                    const std::filesystem::path& data_dir, std::FILE* warnings);

// The tier for an artifact: the interpreter when `--tier interp` was given (`tier_given`), else
// the JIT with the artifact's code when it can run here (its features, versions), else the
// JIT compiling for `plan` after a warning on `warnings` (or the interpreter when the plan
// allows no JIT).
Result<std::unique_ptr<runtime::Tier>> make_artifact_tier(
    const TierPlan& plan, bool tier_given, const std::string& file,
    std::shared_ptr<const jit::Artifact> artifact, std::FILE* warnings);

}  // namespace ironclad::cli
