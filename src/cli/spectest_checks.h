// The error checks of wast assertions: which ErrorKind each module assertion expects, and
// whether an engine error carries the spec's text. Pure code (error.h only), so
// tests/spectest compiles it directly.
#pragma once

#include <string_view>

#include "ironclad/error.h"

namespace ironclad::cli::spectest {

// The assertions about a module that must fail to load.
enum class ModuleAssertion : uint8_t {
  Malformed,       // assert_malformed: the decoder rejects the bytes
  Invalid,         // assert_invalid: the validator rejects the module
  Unlinkable,      // assert_unlinkable: an import is missing or has the wrong type
  Uninstantiable,  // assert_uninstantiable: instantiation traps (segment or start function)
};

const char* to_string(ModuleAssertion assertion);  // "assert_malformed", ...
ErrorKind expected_kind(ModuleAssertion assertion);

// The engine's message contains the spec's text. A trap also matches when the spec's text
// starts with the trap kind's own text: the suite sometimes adds a detail the engine need
// not repeat ("uninitialized element 2" for an uninitialized element trap).
bool message_matches(const Error& error, std::string_view spec_text);

// assert_trap: a trap (kind Trap) whose message matches the spec's text.
bool is_expected_trap(const Error& error, std::string_view spec_text);

// assert_exhaustion: the call stack ran out, reported as a CallStackExhausted trap or as an
// Exhausted error saying so.
bool is_call_stack_exhaustion(const Error& error);

}  // namespace ironclad::cli::spectest
