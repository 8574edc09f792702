#include "host/crash_signals.h"

#include <csignal>

namespace ironclad::host {

std::string signal_name(int signal) {
  switch (signal) {
    case 0:
      return "";
    case SIGILL:
      return "SIGILL";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGABRT:
      return "SIGABRT";
    case SIGSYS:
      return "SIGSYS";
  }
  return "SIG" + std::to_string(signal);
}

}  // namespace ironclad::host
