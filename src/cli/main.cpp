// The ironclad command: one subcommand per job, each registered from its own file.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "cli/commands.h"
#include "cli/run_recovery.h"
#include "runtime/start_trace.h"

int main(int argc, char** argv) {
  // The phases of start-up are recorded (two clock reads each) and printed on request
  // (`ironclad run --show-start`).
  ironclad::runtime::start_trace::enable();
  CLI::App app{"ironclad: a WebAssembly engine that keeps its application alive on any CPU"};
  app.require_subcommand(1);
  int exit_status = 0;
  // Subcommands, in the order `ironclad --help` lists them.
  ironclad::cli::register_run_command(app, exit_status);
  ironclad::cli::register_validate_command(app, exit_status);
  ironclad::cli::register_cpu_command(app, exit_status);
  ironclad::cli::register_spectest_command(app, exit_status);
  ironclad::cli::register_verify_command(app, exit_status);
  ironclad::cli::register_crashes_command(app, exit_status);
  ironclad::cli::register_compile_command(app, exit_status);
  ironclad::cli::register_ext_command(app, exit_status);
  ironclad::cli::register_component_command(app, exit_status);
  ironclad::cli::register_zed_command(app, exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every other command-line mistake is a usage error,
    // status 2 as docs/cli.md documents, whatever code CLI11 picked for it.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    // The library returns errors as values; this is the last line of defence of the CLI.
    std::fprintf(stderr, "ironclad: internal error: %s\n", e.what());
    return 70;
  }
  // A compile nothing will use is not waited for (run_recovery.h).
  if (ironclad::cli::compiles_left_running()) {
    std::fflush(nullptr);
    std::_Exit(exit_status);
  }
  return exit_status;
}
