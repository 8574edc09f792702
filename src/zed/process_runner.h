// Runs a program for the host API (process.run-command, nodejs's npm calls): fork and exec,
// no shell, stdin from /dev/null, stdout and stderr captured (each up to a bound), killed at
// a deadline so that an extension's call cannot outlive its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::zed {

struct ProcessRequest {
  std::string program;  // a path, or a name searched in `path_env` (the PATH to search)
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // the child's whole environment
  std::string cwd;  // "" = inherit
  std::chrono::milliseconds timeout{30'000};
  uint64_t max_output_bytes = 16ull << 20;  // per stream
};

struct ProcessOutput {
  std::optional<int> status;  // nullopt: killed by a signal (or at the deadline)
  std::string stdout_text, stderr_text;
  bool timed_out = false;
};

// The first executable `name` in the colon-separated `path_list` (a name containing '/' is
// returned as it is when executable). nullopt when none.
std::optional<std::string> find_in_path(const std::string& name, const std::string& path_list);

// Io error when the program cannot be found or started (naming it and why).
Result<ProcessOutput> run_process(const ProcessRequest& request);

}  // namespace ironclad::zed
