#include "cli/artifact_run.h"
#include "cli/terminal_text.h"

#include <cstring>

#include "cli/module_loader.h"
#include "jit/jit_tier.h"
#include "wasm/decoder.h"
#include "wasm/module_file.h"
#include "wasm/validator.h"

namespace ironclad::cli {
namespace {

bool starts_with_artifact_magic(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), "\x7fICWASM\n", 8) == 0;
}

}  // namespace

Result<ModuleFile> load_module_file(const std::string& path, std::vector<uint8_t> bytes,
                                    const std::filesystem::path& data_dir, std::FILE* warnings) {
  ModuleFile out;
  if (!starts_with_artifact_magic(bytes)) {
    IRONCLAD_TRY_ASSIGN(out.module, module_from_bytes(std::move(bytes), path));
    return out;
  }
  auto key = jit::load_or_create_artifact_key(data_dir / jit::kArtifactKeyFileName);
  std::string refusal = key.ok() ? std::string() : key.error().message;
  if (key.ok()) {
    auto artifact = jit::decode_artifact_file(bytes, path, *key);
    if (artifact.ok()) {
      IRONCLAD_TRY_ASSIGN(out.module, jit::artifact_module(*artifact, path));
      out.artifact = std::make_shared<const jit::Artifact>(std::move(*artifact));
      return out;
    }
    // Corrupted or truncated: an error. Signed elsewhere: its module is still a module.
    if (artifact.error().kind != ErrorKind::Usage) return std::move(artifact).error();
    refusal = artifact.error().message;
  }
  auto wasm = jit::unsigned_artifact_wasm(bytes);
  if (!wasm.ok()) {
    Error e = std::move(wasm).error();
    e.message = path + ": " + e.message;
    return e;
  }
  std::fprintf(warnings, "ironclad: warning: %s; compiling its module instead\n",
               printable(refusal).c_str());
  auto module = wasm::decode_module(std::move(*wasm), path);
  if (!module.ok()) return std::move(module).error();
  IRONCLAD_TRY(wasm::validate_module(**module, path));
  out.module = std::shared_ptr<const wasm::Module>(std::move(*module));
  return out;
}

Result<std::unique_ptr<runtime::Tier>> make_artifact_tier(
    const TierPlan& plan, bool tier_given, const std::string& file,
    std::shared_ptr<const jit::Artifact> artifact, std::FILE* warnings) {
  if (tier_given && plan.kind == TierKind::Interp) return make_tier(plan);
  jit::JitConfig config;
  config.host_verified = plan.host_verified;
  config.on_note = [warnings](const std::string& note) {
    std::fprintf(warnings, "ironclad: note: %s\n", printable(note).c_str());
  };
  auto usable = jit::check_artifact(*artifact, plan.host_verified);
  if (usable.ok()) {
    const jit::ArtifactHeader& h = artifact->header;
    config.features = h.features;
    config.opt_level = h.opt_level;
    config.bounds_checks =
        h.explicit_bounds_checks ? jit::BoundsChecks::Explicit : jit::BoundsChecks::Implicit;
    config.artifacts.push_back(std::move(artifact));
    return jit::make_jit_tier(std::move(config));
  }
  std::fprintf(warnings, "ironclad: warning: %s: %s; compiling its module instead\n",
               printable(file).c_str(), printable(usable.error().message).c_str());
  if (!plan.resolved.jit || plan.resolved.features.empty()) return make_tier(plan);
  TierPlan jit_plan = plan;
  jit_plan.kind = TierKind::Jit;
  return make_tier(jit_plan);
}

}  // namespace ironclad::cli
