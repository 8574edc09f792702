// What `ironclad ext ...` and `ironclad run` share about the extension host: the options that
// configure it (--tier, --policy, --cpu-features, --emulate-cpu, --data-dir), where the data
// directory is, and how the host's events reach the user (one line each on stderr).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "ironclad/extension_host.h"

namespace ironclad::cli {

struct HostOptions {
  std::string tier = "auto";
  std::string policy = "conservative";
  std::string cpu_features;
  std::string emulate_cpu;     // "" = IRONCLAD_EMULATE_CPU, else none
  std::string data_dir;        // "" = IRONCLAD_DATA_DIR, else the XDG data directory
  bool no_code_cache = false;  // --no-code-cache: compile every time, keep nothing
};

// --data-dir (every ext subcommand).
void add_data_dir_option(CLI::App* cmd, HostOptions& options);
// --tier, --policy, --cpu-features, --emulate-cpu, --no-code-cache and --data-dir (list and
// call).
void add_host_options(CLI::App* cmd, HostOptions& options);

// --data-dir, else $IRONCLAD_DATA_DIR, else $XDG_DATA_HOME/ironclad, else
// ~/.local/share/ironclad.
std::filesystem::path data_dir_of(const HostOptions& options);

// A host configuration from the options; events are printed with print_host_event.
HostConfig host_config_of(const HostOptions& options);

// "ironclad: MESSAGE" on stderr, then "ironclad: crash report: PATH" when one was written.
void print_host_event(const HostEvent& event);

}  // namespace ironclad::cli
