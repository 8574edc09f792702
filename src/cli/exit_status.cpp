#include "cli/exit_status.h"
#include "cli/terminal_text.h"

#include <cstdio>
#include <string>

namespace ironclad::cli {
namespace {

// Messages from the engine are one line by design; printable() makes sure of it (a newline
// shows as \n: the status line is what scripts read) and that names a module or a file
// supplied (a function name, an import, a path) cannot drive the terminal.
std::string one_line(std::string_view s) { return printable(s); }

}  // namespace

int status_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::Malformed:
    case ErrorKind::Invalid: return exit_status::kInvalidModule;
    case ErrorKind::Link: return exit_status::kLink;
    case ErrorKind::Usage: return exit_status::kUsage;
    case ErrorKind::Io: return exit_status::kNoInput;
    case ErrorKind::Internal: return exit_status::kInternal;
    case ErrorKind::Exit:  // only reached for a code outside 0..255
    case ErrorKind::Trap:
    case ErrorKind::Exhausted:
    case ErrorKind::Timeout:
    case ErrorKind::CpuIncompatibility:
    case ErrorKind::EngineFault:
    case ErrorKind::ExtensionRestarted:
    case ErrorKind::ExtensionDisabled: return exit_status::kTrap;
  }
  return exit_status::kInternal;
}

void report_error(std::string_view file, const Error& error) {
  std::string message = one_line(error.message);
  const std::string shown_file = printable(file);
  file = shown_file;
  std::string line = "ironclad: ";
  if (message.compare(0, file.size(), file) == 0) {
    line += std::string(to_string(error.kind)) + ": " + message;
  } else {
    line += std::string(file) + ": " + to_string(error.kind) + ": " + message;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  for (const BacktraceFrame& frame : error.backtrace) {
    if (frame.function_name.empty()) {
      std::fprintf(stderr, "    at func[%u] (offset 0x%x)\n", frame.function_index,
                   frame.code_offset);
    } else {
      std::fprintf(stderr, "    at %s (func[%u], offset 0x%x)\n",
                   one_line(frame.function_name).c_str(), frame.function_index,
                   frame.code_offset);
    }
  }
}

}  // namespace ironclad::cli
