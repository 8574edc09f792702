// Runs a Component Model test script converted by tests/component/tools/wast_to_json.mjs
// (components encoded by jco, commands as JSON): components, definitions and instances,
// invokes with typed values, assert_return, assert_trap, assert_invalid/malformed/unlinkable.
// One line per failure; the caller prints the totals. Nothing the engine does ends the run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "cli/tier_selection.h"

namespace ironclad::cli::component_spectest {

struct RunOptions {
  TierPlan tier;
  bool show_warnings = false;
};

struct RunTotals {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;   // commands the converter could not convert (they say why)
  uint64_t warnings = 0;  // right kind of error, other text (counted as passed)
};

RunTotals run_script(const std::string& json_path, const RunOptions& options, std::FILE* out);

}  // namespace ironclad::cli::component_spectest
