// The compiled-code cache of `ironclad run` outside the recovery ladder (a tiered store's
// batches, docs/tiering.md "Code cache"): <data dir>/code-cache, signed with the data
// directory's key, as the ladder's JIT rungs use it (run_recovery.cpp).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "jit/artifact_key.h"
#include "jit/jit_tier.h"

namespace ironclad::cli {

struct CodeCache {
  std::string dir;
  jit::ArtifactKey key{};
  uint64_t limit = jit::kDefaultArtifactCacheLimit;
};

// The cache of `data_dir` (its key created on first use, the directory too); nullopt after a
// warning on `warnings` when there is no usable key or directory: then nothing is cached.
std::optional<CodeCache> open_code_cache(const std::filesystem::path& data_dir,
                                         std::optional<uint64_t> limit, std::FILE* warnings);

// Points `config` at the cache.
void use_code_cache(jit::JitConfig& config, const CodeCache& cache);

}  // namespace ironclad::cli
