#include "cli/spectest_checks.h"

namespace ironclad::cli::spectest {

const char* to_string(ModuleAssertion assertion) {
  switch (assertion) {
    case ModuleAssertion::Malformed: return "assert_malformed";
    case ModuleAssertion::Invalid: return "assert_invalid";
    case ModuleAssertion::Unlinkable: return "assert_unlinkable";
    case ModuleAssertion::Uninstantiable: return "assert_uninstantiable";
  }
  return "assert_?";
}

ErrorKind expected_kind(ModuleAssertion assertion) {
  switch (assertion) {
    case ModuleAssertion::Malformed: return ErrorKind::Malformed;
    case ModuleAssertion::Invalid: return ErrorKind::Invalid;
    case ModuleAssertion::Unlinkable: return ErrorKind::Link;
    case ModuleAssertion::Uninstantiable: return ErrorKind::Trap;
  }
  return ErrorKind::Internal;
}

bool message_matches(const Error& error, std::string_view spec_text) {
  if (std::string_view(error.message).find(spec_text) != std::string_view::npos) return true;
  if (error.kind != ErrorKind::Trap || error.trap == TrapKind::None ||
      error.trap == TrapKind::HostTrap)
    return false;
  std::string_view trap_text = to_string(error.trap);
  return spec_text.substr(0, trap_text.size()) == trap_text;
}

bool is_expected_trap(const Error& error, std::string_view spec_text) {
  return error.kind == ErrorKind::Trap && message_matches(error, spec_text);
}

bool is_call_stack_exhaustion(const Error& error) {
  if (error.kind == ErrorKind::Trap) return error.trap == TrapKind::CallStackExhausted;
  return error.kind == ErrorKind::Exhausted &&
         error.message.find("call stack exhausted") != std::string::npos;
}

}  // namespace ironclad::cli::spectest
