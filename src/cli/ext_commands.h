// The subcommands of `ironclad ext`, each in its own cmd_ext_*.cpp; cmd_ext.cpp groups them.
#pragma once

#include <CLI/CLI.hpp>

namespace ironclad::cli {

void register_ext_list_command(CLI::App& ext, int& exit_status);
void register_ext_call_command(CLI::App& ext, int& exit_status);
void register_ext_status_command(CLI::App& ext, int& exit_status);
void register_ext_enable_command(CLI::App& ext, int& exit_status);

}  // namespace ironclad::cli
