// The exit statuses of `ironclad run` and `ironclad validate` (documented in their --help
// and in docs/cli.md), and the one-line error reports that go with them.
#pragma once

#include <string_view>

#include "ironclad/error.h"

namespace ironclad::cli {

namespace exit_status {
constexpr int kOk = 0;
constexpr int kTrap = 1;        // a trap, an exhausted budget or another runtime error
constexpr int kUsage = 2;       // bad command line (unknown option, bad value, no export)
constexpr int kInvalidModule = 3;  // malformed or invalid module
constexpr int kLink = 4;        // an import could not be satisfied
constexpr int kNoInput = 66;    // the module file or a --dir directory cannot be opened
constexpr int kInternal = 70;   // a bug in Ironclad
}  // namespace exit_status

// The status for an error that ends a command (Exit errors: see run's handling).
int status_for(const Error& error);

// Prints "ironclad: FILE: kind: message" on stderr (the file only once when the message
// already starts with it), then the wasm backtrace of a trap, one indented line per frame.
void report_error(std::string_view file, const Error& error);

}  // namespace ironclad::cli
