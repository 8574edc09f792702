// Where the JIT tier's code comes from: a precompiled artifact the embedder handed over
// (JitConfig::artifacts), an artifact cache directory (JitConfig::artifact_cache_dir), or a
// fresh compile. A refused or broken artifact is never fatal: the module is compiled instead
// and the reason goes to JitConfig::on_note.
#pragma once

#include <memory>
#include <string>

#include "ironclad/error.h"
#include "jit/jit_tier.h"
#include "jit/module_compiler.h"
#include "wasm/module.h"

namespace ironclad::jit {

// The cache file for `module` compiled with `options` by this engine: the module hash, then
// a hash of the feature set, the -O level, the bounds-check and fuel modes and the engine
// and LLVM versions, so a different build or configuration never reads another's file.
std::string artifact_cache_path(const std::string& dir, const wasm::Module& module,
                                const CompileOptions& options);

// The code for `module` under `compiler`'s options: linked from a matching artifact of
// config.artifacts, else from the cache directory when it holds a valid one, else compiled
// (and, with a cache directory, written there for next time; the compiler must keep objects).
Result<std::shared_ptr<CompiledModule>> compile_or_load(ModuleCompiler& compiler,
                                                        const JitConfig& config,
                                                        std::shared_ptr<const wasm::Module> module);

}  // namespace ironclad::jit
