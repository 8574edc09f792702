// Runs one script produced by wabt's wast2json: every command in order against one store,
// printing one line per failure. Everything the engine reports is an Error value that the
// runner turns into a pass, a failure or a warning; nothing the engine does ends the run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "cli/tier_selection.h"

namespace ironclad::cli::spectest {

struct RunOptions {
  TierPlan tier;  // from --tier/--policy/--cpu/--cpu-features (cli/tier_selection.h)
  // Deep enough for every legitimate recursion in the suite (fac-rec 25, even/odd 100),
  // shallow enough that assert_exhaustion's runaway recursions fail at once.
  uint32_t max_call_depth = 2000;
  // Print one line per warning (an error of the right kind whose text differs from the
  // spec's); otherwise only their count is printed.
  bool show_warnings = false;
};

struct RunTotals {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;   // commands on text-format modules, which a binary engine cannot load
  uint64_t warnings = 0;  // right kind of error, different text (counted as passed)
};

// Runs the script at `json_path` (modules load relative to its directory) and writes
// failure lines to `out`. A script that cannot be read or parsed counts as one failure.
// The caller prints the totals.
RunTotals run_script(const std::string& json_path, const RunOptions& options, std::FILE* out);

}  // namespace ironclad::cli::spectest
