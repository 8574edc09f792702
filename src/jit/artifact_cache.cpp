#include "jit/artifact_cache.h"

#include <xxhash.h>

#include <cstdio>

#include "jit/artifact.h"

namespace ironclad::jit {
namespace {

void note(const JitConfig& config, const std::string& text) {
  if (config.on_note) config.on_note(text);
}

}  // namespace

std::string artifact_cache_path(const std::string& dir, const wasm::Module& module,
                                const CompileOptions& options) {
  std::string key = options.features.names() + "\n-O" + std::to_string(options.opt_level) +
                    (options.explicit_bounds_checks ? "\nexplicit\n" : "\nimplicit\n") +
                    (options.fuel ? "fuel\n" : "") + engine_version() + "\n" + llvm_version();
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(key.data(), key.size())));
  std::string separator = dir.empty() || dir.back() == '/' ? "" : "/";
  return dir + separator + to_hex(module_hash(module.bytes)) + "-" + suffix + ".icwasm";
}

Result<std::shared_ptr<CompiledModule>> compile_or_load(
    ModuleCompiler& compiler, const JitConfig& config, std::shared_ptr<const wasm::Module> module) {
  const CompileOptions& options = compiler.options();
  const std::string name = module->module_name.value_or("a module");
  for (const std::shared_ptr<const Artifact>& artifact : config.artifacts) {
    if (!artifact || !artifact_matches(artifact->header, options) ||
        artifact->header.module_hash != module_hash(module->bytes))
      continue;
    auto checked = check_artifact(*artifact, config.host_verified);
    if (!checked.ok()) {
      note(config, "jit: compiling " + name +
                       " instead of using its precompiled code: " + checked.error().message);
      break;
    }
    auto linked = link_artifact(compiler, *artifact, module);
    if (linked.ok()) return linked;
    note(config, "jit: compiling " + name +
                     ": its precompiled code did not link: " + linked.error().message);
    break;
  }
  if (config.artifact_cache_dir.empty()) return compiler.compile(std::move(module));

  std::string path = artifact_cache_path(config.artifact_cache_dir, *module, options);
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    auto artifact = read_artifact(path);
    Result<void> usable = artifact.ok() ? check_artifact(*artifact, config.host_verified)
                                        : Result<void>(artifact.error());
    if (usable.ok() && !artifact_matches(artifact->header, options))
      usable = Error::make(ErrorKind::Usage, "artifact: compiled with other options");
    if (usable.ok()) {
      auto linked = link_artifact(compiler, *artifact, module);
      if (linked.ok()) return linked;
      usable = std::move(linked).error();
    }
    note(config, "jit: recompiling " + name + ": cached artifact " + path +
                     " refused: " + usable.error().message);
  }
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<CompiledModule> code, compiler.compile(module));
  auto artifact = make_artifact(*code, options.opt_level, "artifact cache");
  Result<void> written =
      artifact.ok() ? write_artifact(path, *artifact) : Result<void>(artifact.error());
  if (!written.ok())
    note(config, "jit: could not cache the code of " + name + ": " + written.error().message);
  return code;
}

}  // namespace ironclad::jit
