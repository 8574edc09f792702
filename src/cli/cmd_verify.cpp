// `ironclad verify FILE.wasm [--policy P | --cpu PROFILE] [--cpu-features +x,-y]
//                  [--verify-for PROFILE]`: compiles a module with the JIT for the resolved
// feature set, decodes every generated instruction (the JIT's own ISA verification) and prints
// what the code uses per ISA extension and per CPU feature. Exit status 1 when an instruction
// needs a feature outside the set, with the function, offset, instruction and missing feature.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/module_loader.h"
#include "cli/tier_selection.h"
#include "cpu/profiles.h"
#include "jit/module_compiler.h"

namespace ironclad::cli {
namespace {

constexpr const char* kVerifyHelp =
    "Exit status:\n"
    "  0   every instruction is within the feature set (the table is on stdout)\n"
    "  1   an instruction needs a feature outside the set (each violation on stderr: function,\n"
    "      offset, instruction, ISA set, missing feature), or the JIT could not compile the "
    "module\n"
    "  2   bad command line (unknown policy or profile, policy interpreter)\n"
    "  3   the module is malformed or invalid\n"
    "  66  FILE cannot be opened\n"
    "  70  internal error in Ironclad";

struct VerifyOptions {
  std::string file;
  TierRequest tier;
  std::string verify_for;  // a profile whose features the code is checked against
};

void print_compiled_for(const TierPlan& plan) {
  const cpu::ResolvedPolicy& p = plan.resolved;
  std::printf("compiled for  %s, policy %s: %zu features\n", plan.verified_origin.c_str(),
              cpu::to_string(p.policy), p.features.size());
  std::printf("  features    %s\n", p.features.llvm_names().c_str());
  std::printf("  LLVM        cpu x86-64, features %s\n", p.llvm_features().c_str());
  for (const std::string& note : p.notes) std::printf("  note: %s\n", note.c_str());
}

Result<int> verify_module(const VerifyOptions& o) {
  // Command-line mistakes first, before the file is read.
  IRONCLAD_TRY_ASSIGN(TierPlan plan, plan_tier(o.tier, stderr));
  jit::CompileOptions options;
  options.features = plan.resolved.features;
  std::string checked_against = "the set it was compiled for";
  if (!o.verify_for.empty()) {
    const cpu::Profile* profile = cpu::find_profile(o.verify_for);
    if (!profile)
      return Error::make(ErrorKind::Usage, "--verify-for: unknown CPU profile '" + o.verify_for +
                                               "' (`ironclad cpu --profile NAME` lists them)");
    // Code compiled here, checked as if it were to run on that CPU.
    options.verify_against = profile->features;
    checked_against = "profile " + std::string(profile->name) + " (" +
                      std::to_string(profile->features.size()) + " features)";
  }
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<const wasm::Module> module, load_module(o.file));

  std::printf("module        %s\n", o.file.c_str());
  print_compiled_for(plan);
  std::printf("checked       against %s\n", checked_against.c_str());
  std::fflush(stdout);

  IRONCLAD_TRY_ASSIGN(std::unique_ptr<jit::ModuleCompiler> compiler,
                      jit::ModuleCompiler::create(options));
  auto compiled = compiler->compile(module);
  if (!compiled.ok()) {
    // The message lists every violation, one per line; keep its lines as they are.
    std::fprintf(stderr, "ironclad: %s: verification failed: %s\n", o.file.c_str(),
                 compiled.error().message.c_str());
    return 1;
  }
  const jit::CompiledModule& code = **compiled;
  uint64_t bytes = 0;
  for (const jit::CodeBlock& block : code.code) bytes += block.end - block.begin;
  const verify::UsageReport& usage = code.usage;
  std::printf("code          %llu bytes, %llu instructions (%llu VEX, %llu EVEX)\n",
              static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(usage.instructions),
              static_cast<unsigned long long>(usage.vex_instructions),
              static_cast<unsigned long long>(usage.evex_instructions));
  std::printf("\n%s", usage.table().c_str());
  std::printf("\nresult        ok: every instruction is within %s\n", checked_against.c_str());
  std::fflush(stdout);
  return exit_status::kOk;
}

}  // namespace

void register_verify_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<VerifyOptions>();
  o->tier.tier.clear();  // verify always compiles; there is no tier to choose
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Compile a module with the JIT, check every instruction against the CPU feature set "
      "and print the ISA usage table");
  cmd->add_option("FILE.wasm", o->file, "the module to compile")->required();
  add_tier_options(cmd, o->tier, /*with_tier=*/false);
  cmd->add_option("--verify-for", o->verify_for,
                  "Check the code against this CPU profile's features instead of the set it "
                  "was compiled for: does code compiled here run on that CPU?");
  cmd->footer(kVerifyHelp);
  cmd->callback([o, &exit_status] {
    auto status = verify_module(*o);
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
