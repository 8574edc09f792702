// Faults in registered machine code during an activation: each is recorded, classified and
// unwound to the activation, and the process carries on. Every case runs in a forked child
// with the engine's handlers installed (see child_process.h).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/ucontext.h>

#include <algorithm>
#include <csignal>
#include <iterator>
#include <string>
#include <vector>

#include "child_process.h"
#include "ironclad/signals.h"
#include "machine_code.h"
#include "runtime/activation.h"

namespace ironclad::runtime {
namespace {

using test::CodePage;
using test::run_in_child;
using test::TestCodeInfo;
namespace code = test::code;

// A PROT_NONE region standing for a linear memory's guard zone.
struct Reservation {
  static constexpr size_t kSize = 1 << 20;
  uint8_t* base = static_cast<uint8_t*>(
      mmap(nullptr, kSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  ~Reservation() { munmap(base, kSize); }
  uintptr_t begin() const { return reinterpret_cast<uintptr_t>(base); }
};

// An address with nothing mapped: a page mapped and unmapped again.
uintptr_t unmapped_address() {
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(p, 4096);
  return reinterpret_cast<uintptr_t>(p) + 0x10;
}

bool signal_blocked(int sig) {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return sigismember(&mask, sig) == 1;
}

void expect_passes(const test::ChildOutcome& outcome) {
  EXPECT_TRUE(outcome.exited) << outcome.failure;
  EXPECT_EQ(outcome.exit_code, 0) << outcome.failure;
  EXPECT_EQ(outcome.failure, "");
}

TEST(JitFault, Ud2WithARegisteredTrapBecomesThatTrap) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kUd2, info);
    info.traps[page.begin()] = TrapKind::Unreachable;
    CHILD_CHECK(failures, page.registered());
    Activation act;
    bool returned = enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, !returned);
    CHILD_CHECK(failures, act.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, act.trap == TrapKind::Unreachable);
    CHILD_CHECK(failures, act.fault.signo == SIGILL);
    CHILD_CHECK(failures, act.fault.pc == page.begin());
    CHILD_CHECK(failures, act.fault.code_size == 16);
    CHILD_CHECK(failures, act.fault.code_bytes[0] == 0x0F && act.fault.code_bytes[1] == 0x0B);
    CHILD_CHECK(failures, act.fault.gregs[REG_RIP] == page.begin());
    CHILD_CHECK(failures, act.fault_code == &info);
    CHILD_CHECK(failures, current_activation() == nullptr);
    CHILD_CHECK(failures, !signal_blocked(SIGILL));
    Error e = activation_error(act);
    CHILD_CHECK(failures, e.kind == ErrorKind::Trap && e.trap == TrapKind::Unreachable);
    return failures;
  }));
}

TEST(JitFault, Ud1WithARegisteredTrapBecomesThatTrap) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kUd1, info);
    info.traps[page.begin()] = TrapKind::IndirectCallTypeMismatch;
    Activation act;
    enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, act.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, act.trap == TrapKind::IndirectCallTypeMismatch);
    return failures;
  }));
}

TEST(JitFault, Ud2ThatIsNotARegisteredTrapIsAFault) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;  // no traps
    CodePage page(code::kUd2, info);
    Activation act;
    enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, act.reason == UnwindReason::Fault);
    CHILD_CHECK(failures, act.fault.signo == SIGILL);
    CHILD_CHECK(failures, act.trap == TrapKind::None);
    return failures;
  }));
}

// An instruction the CPU refuses (an opcode undefined in 64-bit mode stands for an
// unsupported extension): a Fault with the instruction's bytes, for the tier to decode.
TEST(JitFault, UndefinedOpcodeIsAFaultWithTheInstructionBytes) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kUndefinedOpcode, info);
    info.traps[page.begin()] = TrapKind::Unreachable;  // not a ud2: must not be consulted
    Activation act;
    bool returned = enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, !returned);
    CHILD_CHECK(failures, act.reason == UnwindReason::Fault);
    CHILD_CHECK(failures, act.fault.signo == SIGILL);
    CHILD_CHECK(failures, act.fault.si_code == ILL_ILLOPN);
    CHILD_CHECK(failures, act.fault.pc == page.begin());
    CHILD_CHECK(failures, act.fault.code_bytes[0] == 0x27 && act.fault.code_bytes[1] == 0xC3);
    CHILD_CHECK(failures, act.fault_code == &info);
    Error e = activation_error(act);
    CHILD_CHECK(failures, e.kind == ErrorKind::EngineFault);
    return failures;
  }));
}

TEST(JitFault, LoadFromAMemoryReservationIsOutOfBounds) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    Reservation memory;
    TestCodeInfo info;
    info.reservation_begin = memory.begin();
    info.reservation_end = memory.begin() + Reservation::kSize;
    CodePage page(code::kLoad, info);
    uintptr_t address = memory.begin() + 0x1234;
    Activation act;
    enter_activation(act, [&] { page.as<int(uintptr_t)>()(address); });
    CHILD_CHECK(failures, act.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, act.trap == TrapKind::OutOfBoundsMemoryAccess);
    CHILD_CHECK(failures, act.fault.signo == SIGSEGV);
    CHILD_CHECK(failures, act.fault.fault_address == address);
    CHILD_CHECK(failures, act.fault.gregs[REG_RDI] == address);
    CHILD_CHECK(failures, act.fault.code_bytes[0] == 0x8B && act.fault.code_bytes[1] == 0x07);
    CHILD_CHECK(failures, !signal_blocked(SIGSEGV));
    Error e = activation_error(act);
    CHILD_CHECK(failures, e.message == "out of bounds memory access");
    return failures;
  }));
}

// A memory whose pages are backed by a file that is too short faults with SIGBUS, not
// SIGSEGV: inside a reservation that is out of bounds too.
TEST(JitFault, SigbusInAMemoryReservationIsOutOfBounds) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    int fd = memfd_create("ironclad-sigbus-test", 0);  // empty: every page is past its end
    if (fd < 0) return std::string("memfd_create failed");
    void* mapped = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) return std::string("mmap of the memfd failed");
    TestCodeInfo info;
    info.reservation_begin = reinterpret_cast<uintptr_t>(mapped);
    info.reservation_end = info.reservation_begin + 4096;
    CodePage page(code::kLoad, info);
    uintptr_t address = info.reservation_begin + 8;
    Activation act;
    enter_activation(act, [&] { page.as<int(uintptr_t)>()(address); });
    CHILD_CHECK(failures, act.fault.signo == SIGBUS);
    CHILD_CHECK(failures, act.fault.fault_address == address);
    CHILD_CHECK(failures, act.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, act.trap == TrapKind::OutOfBoundsMemoryAccess);
    munmap(mapped, 4096);
    close(fd);
    return failures;
  }));
}

TEST(JitFault, LoadFromAnUnmappedAddressOutsideAnyReservationIsAFault) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    Reservation memory;
    TestCodeInfo info;
    info.reservation_begin = memory.begin();
    info.reservation_end = memory.begin() + Reservation::kSize;
    CodePage page(code::kLoad, info);
    uintptr_t address = unmapped_address();
    Activation act;
    enter_activation(act, [&] { page.as<int(uintptr_t)>()(address); });
    CHILD_CHECK(failures, act.reason == UnwindReason::Fault);
    CHILD_CHECK(failures, act.fault.signo == SIGSEGV);
    CHILD_CHECK(failures, act.fault.si_code == SEGV_MAPERR);
    CHILD_CHECK(failures, act.fault.fault_address == address);
    return failures;
  }));
}

TEST(JitFault, HardwareDivideByZeroIsAFault) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kDivide, info);
    Activation act;
    int quotient = -1;
    enter_activation(act, [&] { quotient = page.as<int(int, int)>()(7, 0); });
    CHILD_CHECK(failures, act.reason == UnwindReason::Fault);
    CHILD_CHECK(failures, act.fault.signo == SIGFPE);
    CHILD_CHECK(failures, act.fault.si_code == FPE_INTDIV);
    CHILD_CHECK(failures, act.fault.pc == page.begin() + 3);  // the idiv
    CHILD_CHECK(failures, quotient == -1);
    // The same code divides normally afterwards.
    Activation again;
    CHILD_CHECK(failures,
                enter_activation(again, [&] { quotient = page.as<int(int, int)>()(42, 6); }));
    CHILD_CHECK(failures, quotient == 7);
    return failures;
  }));
}

extern "C" void helper_that_traps() {
  raise_trap(TrapKind::IntegerOverflow);
}

// Generated code calls a runtime helper that traps: the unwind skips the machine-code frame.
TEST(JitFault, MachineCodeCallingAHelperThatRaisesATrap) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(test::call_thunk(reinterpret_cast<void*>(&helper_that_traps)), info);
    Activation act;
    bool returned = enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, !returned);
    CHILD_CHECK(failures, act.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, act.trap == TrapKind::IntegerOverflow);
    CHILD_CHECK(failures, act.fault.signo == 0);  // no signal involved
    // The backtrace holds the machine code's return address (after its 16-byte call
    // sequence): the trap was raised from a helper called by that code.
    CHILD_CHECK(failures, act.fault.backtrace_size == 1);
    CHILD_CHECK(failures, act.fault.backtrace[0] == page.begin() + 16);
    return failures;
  }));
}

extern "C" void helper_whose_host_call_failed() {
  raise_host_error(Error::make(ErrorKind::Io, "host function log: disk full"));
}

TEST(JitFault, MachineCodeCallingAHelperThatRaisesAHostError) {
  expect_passes(run_in_child([] {
    std::string failures;
    TestCodeInfo info;
    CodePage page(test::call_thunk(reinterpret_cast<void*>(&helper_whose_host_call_failed)), info);
    Activation act;
    enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, act.reason == UnwindReason::HostError);
    CHILD_CHECK(failures, activation_error(act).message == "host function log: disk full");
    CHILD_CHECK(failures, act.fault.backtrace_size == 1);
    CHILD_CHECK(failures, act.fault.backtrace[0] == page.begin() + 16);
    return failures;
  }));
}

// Two functions with frame pointers, f calling g, g faulting: the backtrace captured
// before the unwind holds the return address into f.
//   f (offset 0):  push rbp; mov rbp, rsp; call g; pop rbp; ret
//   g (offset 32): push rbp; mov rbp, rsp; ud2
TEST(JitFault, SignalBacktraceHoldsTheCallersInGeneratedCode) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    std::vector<uint8_t> bytes(40, 0xCC);
    const uint8_t f[] = {0x55, 0x48, 0x89, 0xE5, 0xE8, 0x17, 0x00, 0x00, 0x00, 0x5D, 0xC3};
    const uint8_t g[] = {0x55, 0x48, 0x89, 0xE5, 0x0F, 0x0B};
    std::copy(std::begin(f), std::end(f), bytes.begin());
    std::copy(std::begin(g), std::end(g), bytes.begin() + 32);
    TestCodeInfo info;
    CodePage page(bytes, info);
    info.traps[page.begin() + 36] = TrapKind::Unreachable;
    Activation act;
    enter_activation(act, [&] { page.as<void()>()(); });
    CHILD_CHECK(failures, act.trap == TrapKind::Unreachable);
    CHILD_CHECK(failures, act.fault.pc == page.begin() + 36);
    CHILD_CHECK(failures, act.fault.backtrace_size == 1);
    CHILD_CHECK(failures, act.fault.backtrace[0] == page.begin() + 9);
    return failures;
  }));
}

// wasm -> host -> wasm: the host function (called from machine code) enters an inner
// activation whose code faults; the inner call returns an error to the host function,
// which returns normally into the outer machine code.
struct Nested {
  static inline CodePage* faulting = nullptr;
  static inline Activation* inner = nullptr;
  static inline Activation* outer_seen_inside = nullptr;
};

// The host function: it keeps no C++ object alive across the inner call's unwind (the
// unwind lands in enter_activation's frame, below this one, anyway).

extern "C" int host_function_entering_wasm() {
  Activation& inner = *Nested::inner;
  Nested::outer_seen_inside = current_activation();
  bool returned = enter_activation(inner, [] { Nested::faulting->as<void()>()(); });
  return returned ? 1 : 2;
}

TEST(JitFault, NestedActivationsUnwindOnlyTheInnermost) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage faulting(code::kUd2, info);
    info.traps[faulting.begin()] = TrapKind::UndefinedElement;
    CodePage outer_code(test::call_thunk(reinterpret_cast<void*>(&host_function_entering_wasm)),
                        info);
    Activation outer, inner;
    Nested::faulting = &faulting;
    Nested::inner = &inner;
    int host_result = 0;
    bool returned = enter_activation(outer, [&] { host_result = outer_code.as<int()>()(); });
    CHILD_CHECK(failures, returned);
    CHILD_CHECK(failures, outer.reason == UnwindReason::None);
    CHILD_CHECK(failures, host_result == 2);
    CHILD_CHECK(failures, Nested::outer_seen_inside == &outer);
    CHILD_CHECK(failures, inner.previous == &outer);
    CHILD_CHECK(failures, inner.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, inner.trap == TrapKind::UndefinedElement);
    // The outer activation still works: a fault now unwinds it.
    Activation last;
    enter_activation(last, [&] { faulting.as<void()>()(); });
    CHILD_CHECK(failures, last.trap == TrapKind::UndefinedElement);
    return failures;
  }));
}

// Many faults in a row on one thread: each unwinds cleanly, with the signal unblocked.
TEST(JitFault, RepeatedFaultsKeepWorking) {
  expect_passes(run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kUd2, info);
    info.traps[page.begin()] = TrapKind::Unreachable;
    int traps = 0;
    for (int i = 0; i < 10000; ++i) {
      Activation act;
      enter_activation(act, [&] { page.as<void()>()(); });
      if (act.trap == TrapKind::Unreachable) ++traps;
    }
    CHILD_CHECK(failures, traps == 10000);
    return failures;
  }));
}

}  // namespace
}  // namespace ironclad::runtime
