// Each `ironclad` subcommand lives in its own cmd_*.cpp and registers itself here.
// A register function adds a CLI11 subcommand whose callback stores its exit status in
// `exit_status`; main() returns that status.
#pragma once
#include <CLI/CLI.hpp>

namespace ironclad::cli {

void register_run_command(CLI::App& app, int& exit_status);
void register_validate_command(CLI::App& app, int& exit_status);
void register_cpu_command(CLI::App& app, int& exit_status);
void register_spectest_command(CLI::App& app, int& exit_status);
void register_verify_command(CLI::App& app, int& exit_status);
void register_crashes_command(CLI::App& app, int& exit_status);
void register_compile_command(CLI::App& app, int& exit_status);
void register_ext_command(CLI::App& app, int& exit_status);
void register_component_command(CLI::App& app, int& exit_status);
void register_zed_command(CLI::App& app, int& exit_status);

}  // namespace ironclad::cli
