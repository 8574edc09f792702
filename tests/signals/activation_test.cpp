// Activations without signals: raise_trap and raise_host_error unwind to the innermost
// activation, activations nest, the chain is restored on every exit, and each activation
// gets the thread's stack limit.
#include "runtime/activation.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>

namespace ironclad::runtime {
namespace {

TEST(Activation, BodyThatReturnsLeavesNoReasonAndUnlinks) {
  ASSERT_EQ(current_activation(), nullptr);
  Activation act;
  Activation* seen = nullptr;
  bool returned = enter_activation(act, [&] { seen = current_activation(); });
  EXPECT_TRUE(returned);
  EXPECT_EQ(seen, &act);
  EXPECT_EQ(act.reason, UnwindReason::None);
  EXPECT_EQ(current_activation(), nullptr);
}

TEST(Activation, RaiseTrapUnwindsWithTheKind) {
  Activation act;
  bool after_trap = false;
  bool returned = enter_activation(act, [&] {
    raise_trap(TrapKind::IntegerDivideByZero);
    after_trap = true;
  });
  EXPECT_FALSE(returned);
  EXPECT_FALSE(after_trap);
  EXPECT_EQ(act.reason, UnwindReason::Trap);
  EXPECT_EQ(act.trap, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(current_activation(), nullptr);
  Error e = activation_error(act);
  EXPECT_EQ(e.kind, ErrorKind::Trap);
  EXPECT_EQ(e.trap, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(e.message, "integer divide by zero");
}

TEST(Activation, RaiseHostErrorCarriesTheErrorOut) {
  Activation act;
  bool returned = enter_activation(act, [&] {
    raise_host_error(Error::make(ErrorKind::Io, "host function read_file: /x: no such file"));
  });
  EXPECT_FALSE(returned);
  EXPECT_EQ(act.reason, UnwindReason::HostError);
  ASSERT_FALSE(act.host_error.ok());
  Error e = activation_error(act);
  EXPECT_EQ(e.kind, ErrorKind::Io);
  EXPECT_EQ(e.message, "host function read_file: /x: no such file");
}

// host -> wasm -> host -> wasm: a trap in the inner call unwinds only the inner activation;
// the outer one carries on and can trap later with its own reason.
TEST(Activation, NestedTrapUnwindsOnlyTheInnermost) {
  Activation outer;
  Activation inner;
  bool inner_returned = true;
  Activation* during_inner = nullptr;
  Activation* after_inner = nullptr;
  bool outer_returned = enter_activation(outer, [&] {
    inner_returned = enter_activation(inner, [&] {
      during_inner = current_activation();
      raise_trap(TrapKind::Unreachable);
    });
    after_inner = current_activation();
    raise_trap(TrapKind::OutOfBoundsTableAccess);
  });
  EXPECT_FALSE(inner_returned);
  EXPECT_EQ(during_inner, &inner);
  EXPECT_EQ(inner.previous, &outer);
  EXPECT_EQ(inner.trap, TrapKind::Unreachable);
  EXPECT_EQ(after_inner, &outer);
  EXPECT_FALSE(outer_returned);
  EXPECT_EQ(outer.trap, TrapKind::OutOfBoundsTableAccess);
  EXPECT_EQ(current_activation(), nullptr);
}

TEST(Activation, ReusedActivationStartsWithAClearOutcome) {
  Activation act;
  EXPECT_FALSE(enter_activation(act, [] { raise_trap(TrapKind::Unreachable); }));
  EXPECT_TRUE(enter_activation(act, [] {}));
  EXPECT_EQ(act.reason, UnwindReason::None);
  EXPECT_EQ(act.trap, TrapKind::None);
  Error e = activation_error(act);
  EXPECT_EQ(e.kind, ErrorKind::Internal);
}

TEST(Activation, ExceptionFromHostCodeInTheBodyStillUnlinks) {
  Activation act;
  EXPECT_THROW(enter_activation(act, [] { throw std::runtime_error("host code"); }),
               std::runtime_error);
  EXPECT_EQ(current_activation(), nullptr);
}

// raise_trap leaves the signal mask alone (the entry does not save it: a system call per
// call); a mask the body set stays set, so generated code must not change it.
TEST(Activation, RaiseTrapLeavesTheSignalMaskAlone) {
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  Activation act;
  enter_activation(act, [&] {
    pthread_sigmask(SIG_BLOCK, &usr2, nullptr);
    raise_trap(TrapKind::Unreachable);
  });
  sigset_t after;
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  EXPECT_EQ(sigismember(&after, SIGUSR2), 1);
  pthread_sigmask(SIG_UNBLOCK, &usr2, nullptr);
}

TEST(Activation, FaultIsDescribedGenericallyWithoutTheTier) {
  Activation act;
  act.reason = UnwindReason::Fault;
  act.fault.signo = SIGILL;
  act.fault.si_code = ILL_ILLOPN;
  act.fault.pc = 0x7f0000001234;
  act.fault.fault_address = 0x7f0000001234;
  Error e = activation_error(act);
  EXPECT_EQ(e.kind, ErrorKind::EngineFault);
  EXPECT_NE(e.message.find("SIGILL"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("0x7f0000001234"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace ironclad::runtime
