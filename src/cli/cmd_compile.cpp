// `ironclad compile FILE.wasm -o FILE.icwasm [--policy P] [--cpu PROFILE] [--cpu-features F]
//                   [-O N] [--bounds-checks explicit|implicit] [--threads K] [--timings]
//                   [--data-dir D]`:
// compiles a module with the JIT for the resolved feature set and writes a precompiled
// artifact (docs/artifacts.md), signed with the data directory's key, that `ironclad run
// FILE.icwasm` with the same data directory runs without compiling.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/module_loader.h"
#include "cli/tier_selection.h"
#include "host/crash_report.h"
#include "jit/artifact.h"
#include "jit/module_compiler.h"

namespace ironclad::cli {
namespace {

constexpr const char* kCompileHelp =
    "Exit status:\n"
    "  0   the artifact was written\n"
    "  1   the JIT could not compile the module\n"
    "  2   bad command line (unknown policy or profile, policy interpreter, bad -O)\n"
    "  3   the module is malformed or invalid\n"
    "  66  FILE cannot be opened or the output cannot be written\n"
    "  70  internal error in Ironclad";

struct CompileCommandOptions {
  std::string file;
  std::string output;
  TierRequest tier;
  int opt_level = 2;
  std::string bounds_checks = "implicit";
  unsigned threads = 0;
  bool timings = false;
  std::string data_dir;  // whose artifact.key signs the artifact (default: the user's)
};

Result<int> compile_module(const CompileCommandOptions& o) {
  // Command-line mistakes first, before the file is read.
  IRONCLAD_TRY_ASSIGN(TierPlan plan, plan_tier(o.tier, stderr));
  if (!plan.resolved.jit || plan.resolved.features.empty())
    return Error::make(ErrorKind::Usage,
                       "policy " + o.tier.policy + " leaves nothing to compile for (no JIT)");
  if (o.opt_level < 0 || o.opt_level > 3)
    return Error::make(ErrorKind::Usage, "-O " + std::to_string(o.opt_level) + " is not 0..3");
  if (o.bounds_checks != "explicit" && o.bounds_checks != "implicit")
    return Error::make(ErrorKind::Usage,
                       "--bounds-checks '" + o.bounds_checks + "' is not explicit or implicit");
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<const wasm::Module> module, load_module(o.file));
  // The key first: an artifact nobody could verify is not worth compiling.
  const std::filesystem::path data_dir =
      o.data_dir.empty() ? host::default_data_dir() : std::filesystem::path(o.data_dir);
  IRONCLAD_TRY_ASSIGN(jit::ArtifactKey key,
                      jit::load_or_create_artifact_key(data_dir / jit::kArtifactKeyFileName));

  jit::CompileOptions options;
  options.features = plan.resolved.features;
  options.opt_level = o.opt_level;
  options.explicit_bounds_checks = o.bounds_checks == "explicit";
  options.threads = o.threads;
  options.keep_objects = true;
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<jit::ModuleCompiler> compiler,
                      jit::ModuleCompiler::create(options));
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<jit::CompiledModule> code, compiler->compile(module));
  std::string under = "policy " + o.tier.policy + " on " + plan.verified_origin;
  IRONCLAD_TRY_ASSIGN(jit::Artifact artifact, jit::make_artifact(*code, o.opt_level, under));
  IRONCLAD_TRY(jit::write_artifact(o.output, artifact, key));
  if (o.timings) {
    uint64_t object_bytes = 0;
    for (const std::string& object : code->objects) object_bytes += object.size();
    double kib = static_cast<double>(module->bytes.size()) / 1024.0;
    // One line, key=value, for scripts (bench/harness.py reads it).
    std::fprintf(stderr,
                 "ironclad: compile: wasm_kib=%.1f functions=%zu partitions=%u wall_ms=%.1f "
                 "translate_ms=%.1f optimize_ms=%.1f codegen_ms=%.1f link_ms=%.1f "
                 "verify_ms=%.1f critical_ms=%.1f object_kib=%.1f kib_per_s=%.1f "
                 "idle_kib_per_s=%.1f\n",
                 kib, module->bodies.size(), code->partitions, code->wall_ms, code->translate_ms,
                 code->optimize_ms, code->codegen_ms, code->link_ms, code->verify_ms,
                 code->critical_ms, static_cast<double>(object_bytes) / 1024.0,
                 code->wall_ms > 0 ? kib / (code->wall_ms / 1000.0) : 0.0,
                 code->critical_ms > 0 ? kib / (code->critical_ms / 1000.0) : 0.0);
  }
  return exit_status::kOk;
}

}  // namespace

void register_compile_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<CompileCommandOptions>();
  o->tier.tier.clear();  // compile always uses the JIT
  CLI::App* cmd = app.add_subcommand(
      "compile", "Compile a module with the JIT into a precompiled artifact (.icwasm)");
  cmd->add_option("FILE.wasm", o->file, "the module to compile")->required();
  cmd->add_option("-o,--output", o->output, "the artifact to write (FILE.icwasm)")->required();
  add_tier_options(cmd, o->tier, /*with_tier=*/false);
  cmd->add_option(
         "-O,--opt-level", o->opt_level,
         "optimization level: 0 (no optimization, fast instruction selection), "
         "1 (light: SSA, CSE and CFG clean-up, about half of -O2's compile time; the tiered tier's "
         "top level), 2 or 3 (LLVM's pipelines)")
      ->capture_default_str();
  cmd->add_option("--bounds-checks", o->bounds_checks,
                  "explicit (compare every access) or implicit (guard regions, what `run` "
                  "uses where memories have them)")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Threads compiling partitions of the module at once (0: automatic)")
      ->capture_default_str();
  cmd->add_flag("--timings", o->timings,
                "Print compile times and throughput on stderr (one key=value line)");
  cmd->add_option("--data-dir", o->data_dir,
                  "The data directory whose artifact.key signs the artifact (created when "
                  "missing); `ironclad run` uses the artifact's code only with the same key "
                  "(default: $IRONCLAD_DATA_DIR, else $XDG_DATA_HOME/ironclad, else "
                  "~/.local/share/ironclad)");
  cmd->footer(kCompileHelp);
  cmd->callback([o, &exit_status] {
    auto status = compile_module(*o);
    if (status.ok()) {
      exit_status = *status;
    } else {
      std::fflush(stdout);
      report_error(o->file, status.error());
      exit_status = status_for(status.error());
    }
  });
}

}  // namespace ironclad::cli
