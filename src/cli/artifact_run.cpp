#include "cli/artifact_run.h"
#include "cli/terminal_text.h"

#include <cstring>

#include "cli/module_loader.h"
#include "jit/jit_tier.h"

namespace ironclad::cli {
namespace {

bool starts_with_artifact_magic(const std::string& path) {
  char head[8] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;  // load_module reports why
  size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return n == sizeof head && std::memcmp(head, "\x7fICWASM\n", sizeof head) == 0;
}

}  // namespace

Result<ModuleFile> load_module_file(const std::string& path) {
  ModuleFile out;
  if (!starts_with_artifact_magic(path)) {
    IRONCLAD_TRY_ASSIGN(out.module, load_module(path));
    return out;
  }
  IRONCLAD_TRY_ASSIGN(jit::Artifact artifact, jit::read_artifact(path));
  IRONCLAD_TRY_ASSIGN(out.module, jit::artifact_module(artifact, path));
  out.artifact = std::make_shared<const jit::Artifact>(std::move(artifact));
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
