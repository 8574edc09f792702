// The error checks behind assert_trap, assert_exhaustion and the module assertions.
#include <gtest/gtest.h>

#include "cli/spectest_checks.h"

namespace ironclad::cli::spectest {
namespace {

TEST(SpectestChecks, EachModuleAssertionExpectsItsErrorKind) {
  EXPECT_EQ(expected_kind(ModuleAssertion::Malformed), ErrorKind::Malformed);
  EXPECT_EQ(expected_kind(ModuleAssertion::Invalid), ErrorKind::Invalid);
  EXPECT_EQ(expected_kind(ModuleAssertion::Unlinkable), ErrorKind::Link);
  EXPECT_EQ(expected_kind(ModuleAssertion::Uninstantiable), ErrorKind::Trap);
  EXPECT_STREQ(to_string(ModuleAssertion::Unlinkable), "assert_unlinkable");
}

TEST(SpectestChecks, MessageMustContainTheSpecText) {
  Error e = Error::make(ErrorKind::Invalid, "m.wasm: code section, function 3 at offset 0x20: "
                                            "type mismatch: expected i32, got f64");
  EXPECT_TRUE(message_matches(e, "type mismatch"));
  EXPECT_FALSE(message_matches(e, "unknown local"));
}

TEST(SpectestChecks, TrapTextMayCarryADetailBeyondTheTrapKind) {
  Error trap = Error::make_trap(TrapKind::UninitializedElement, "uninitialized element at index 2");
  EXPECT_TRUE(is_expected_trap(trap, "uninitialized element 2"));
  EXPECT_TRUE(is_expected_trap(trap, "uninitialized element"));
  EXPECT_FALSE(is_expected_trap(trap, "undefined element"));
  // The detail rule needs the trap kind, not just similar words in another error.
  Error invalid = Error::make(ErrorKind::Invalid, "uninitialized element");
  EXPECT_FALSE(is_expected_trap(invalid, "uninitialized element 2"));
  EXPECT_FALSE(is_expected_trap(invalid, "uninitialized element"));
}

TEST(SpectestChecks, TrapNeedsTheTrapKind) {
  EXPECT_TRUE(is_expected_trap(Error::make_trap(TrapKind::IntegerDivideByZero),
                               "integer divide by zero"));
  EXPECT_FALSE(is_expected_trap(Error::make_trap(TrapKind::IntegerOverflow),
                                "integer divide by zero"));
  EXPECT_FALSE(is_expected_trap(Error::make(ErrorKind::Usage, "integer divide by zero"),
                                "integer divide by zero"));
}

TEST(SpectestChecks, ExhaustionIsTheCallStackTrapOrAnExhaustedCallStack) {
  EXPECT_TRUE(is_call_stack_exhaustion(Error::make_trap(TrapKind::CallStackExhausted)));
  EXPECT_TRUE(is_call_stack_exhaustion(
      Error::make(ErrorKind::Exhausted, "call stack exhausted after 2000 frames")));
  EXPECT_FALSE(is_call_stack_exhaustion(Error::make(ErrorKind::Exhausted, "fuel exhausted")));
  EXPECT_FALSE(is_call_stack_exhaustion(Error::make_trap(TrapKind::Unreachable)));
}

}  // namespace
}  // namespace ironclad::cli::spectest
