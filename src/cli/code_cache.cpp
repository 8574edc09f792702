#include "cli/code_cache.h"

#include "cli/terminal_text.h"

namespace ironclad::cli {

std::optional<CodeCache> open_code_cache(const std::filesystem::path& data_dir,
                                         std::optional<uint64_t> limit, std::FILE* warnings) {
  // The cache's code is trusted only when this data directory's key signed it.
  auto key = jit::load_or_create_artifact_key(data_dir / jit::kArtifactKeyFileName);
  if (!key.ok()) {
    std::fprintf(warnings, "ironclad: warning: %s; no compiled-code cache\n",
                 printable(key.error().message).c_str());
    return std::nullopt;
  }
  CodeCache cache;
  cache.dir = (data_dir / "code-cache").string();
  std::error_code ec;
  std::filesystem::create_directories(cache.dir, ec);
  if (ec) {
    std::fprintf(warnings, "ironclad: warning: no compiled-code cache: cannot create %s: %s\n",
                 printable(cache.dir).c_str(), ec.message().c_str());
    return std::nullopt;
  }
  cache.key = *key;
  if (limit) cache.limit = *limit;
  return cache;
}

void use_code_cache(jit::JitConfig& config, const CodeCache& cache) {
  config.artifact_cache_dir = cache.dir;
  config.artifact_key = cache.key;
  config.artifact_cache_limit = cache.limit;
}

}  // namespace ironclad::cli
