// Where the JIT tier's code comes from: a precompiled artifact the embedder handed over
// (JitConfig::artifacts), an artifact cache directory (JitConfig::artifact_cache_dir), or a
// fresh compile. A refused or broken artifact is never fatal: the module is compiled instead
// and the reason goes to JitConfig::on_note.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// The bytes of the cache file at `path`, read through one descriptor: once it is open,
// another process's eviction (unlink) or rewrite (rename over it) cannot change what is read,
// and writers only ever rename complete files into place. nullopt when there is no file (never
// written, or evicted meanwhile: a plain miss); an Io error when it cannot be read. The
// access time is left alone (O_NOATIME where the kernel allows it): only a hit marks a file
// used.
std::optional<Result<std::vector<uint8_t>>> read_cache_file(const std::string& path);

// True when `dir` holds compiled code of the module `wasm_bytes` in files named with
// `suffix` (".icwasm": whole-module artifacts, ".icbatch": tiered batches), for any options:
// their names start with the module's hash.
bool has_cached_code(const std::string& dir, std::span<const uint8_t> wasm_bytes,
                     std::string_view suffix);

// What one pass of evict_artifact_cache found and did.
struct CacheEviction {
  uint64_t bytes_before = 0;  // the artifacts in the directory when the pass started
  uint64_t bytes_after = 0;   // what is left of them
  size_t removed = 0;         // artifacts this pass removed
};

// Removes artifacts (`*.icwasm` files) and a tiered store's cached batches (`*.icbatch`,
// tiered/batch_cache.h) from `dir`, least recently used first (oldest access
// time: a cache hit touches it, see compile_or_load), until the rest take at most `limit`
// bytes; `keep` (the artifact just written) is never removed, even when it alone is over the
// limit. A file another process removes meanwhile counts as removed. Temporary files that
// interrupted writes left behind are removed once they are an hour old. limit 0: no limit.
CacheEviction evict_artifact_cache(const std::string& dir, uint64_t limit, const std::string& keep);

// The code for `module` under `compiler`'s options: linked from a matching artifact of
// config.artifacts, else from the cache directory when it holds a valid one, else compiled
// (and, with a cache directory, written there for next time, then the directory is cut back
// to config.artifact_cache_limit; the compiler must keep objects). A cache file that is
// missing, or removed by another process before it is opened, is a plain miss.
Result<std::shared_ptr<CompiledModule>> compile_or_load(ModuleCompiler& compiler,
                                                        const JitConfig& config,
                                                        std::shared_ptr<const wasm::Module> module);

}  // namespace ironclad::jit
