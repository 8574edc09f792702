// `ironclad spectest FILE.json [--tier interp|jit|auto] [--policy P] [--cpu PROFILE]`: runs a script produced by wabt's wast2json
// and ends with the line `N passed, N failed, N skipped`. Exit status 0 iff nothing failed.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/spectest_runner.h"
#include "cli/tier_selection.h"

namespace ironclad::cli {

void register_spectest_command(CLI::App& app, int& exit_status) {
  struct Args {
    std::string script;
    TierRequest tier;
    spectest::RunOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "spectest", "Run a WebAssembly spec-test script converted by wabt's wast2json");
  cmd->add_option("FILE.json", args->script, "the .json script written by wast2json")
      ->required();
  add_tier_options(cmd, args->tier, /*with_tier=*/true);
  cmd->add_option("--max-call-depth", args->options.max_call_depth,
                  "wasm frames before a call-stack-exhausted trap")
      ->check(CLI::Range(1u, 1'000'000u))
      ->capture_default_str();
  cmd->add_flag("--show-warnings", args->options.show_warnings,
                "print each error whose kind is right but whose text differs from the spec's");
  cmd->callback([args, &exit_status] {
    auto plan = plan_tier(args->tier, stderr);
    if (!plan.ok()) {
      std::fprintf(stderr, "ironclad: spectest: %s\n", plan.error().message.c_str());
      exit_status = 2;
      return;
    }
    args->options.tier = *plan;
    spectest::RunTotals totals = spectest::run_script(args->script, args->options, stdout);
    if (totals.warnings > 0) {
      std::printf("%llu warnings: right kind of error, text differs from the spec's%s\n",
                  static_cast<unsigned long long>(totals.warnings),
                  args->options.show_warnings ? "" : " (--show-warnings lists them)");
    }
    std::printf("%llu passed, %llu failed, %llu skipped\n",
                static_cast<unsigned long long>(totals.passed),
                static_cast<unsigned long long>(totals.failed),
                static_cast<unsigned long long>(totals.skipped));
    std::fflush(stdout);
    exit_status = totals.failed == 0 ? 0 : 1;
  });
}

}  // namespace ironclad::cli
