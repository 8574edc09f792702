// Both installation orders (DESIGN.md invariant 5): an application handler installed
// before the engine gets every fault that is not the engine's, with the original siginfo;
// one installed after calls handle_signal first. With no application handler, a fault
// outside generated code ends the process exactly as it would without the engine.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <string>

#include "app_handler.h"
#include "child_process.h"
#include "ironclad/signals.h"
#include "machine_code.h"
#include "runtime/activation.h"

namespace ironclad::runtime {
namespace {

using test::app_recovery;
using test::app_seen;
using test::CodePage;
using test::run_in_child;
using test::TestCodeInfo;
namespace code = test::code;

uintptr_t unmapped_address() {
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(p, 4096);
  return reinterpret_cast<uintptr_t>(p) + 0x20;
}

// A load in host (application) code from an unmapped address: the application's fault.
__attribute__((noinline)) int host_load(uintptr_t address) {
  return *reinterpret_cast<volatile int*>(address);
}

// Runs generated code that traps (ud2 registered as Unreachable); true if the engine
// handled it.
bool engine_handles_a_trap(const CodePage& page) {
  Activation act;
  enter_activation(act, [&] { page.as<void()>()(); });
  return act.reason == UnwindReason::Trap && act.trap == TrapKind::Unreachable;
}

// The checks shared by both orders: engine faults are handled without the app seeing them;
// host faults reach the app with their siginfo; a fault in generated code with no
// activation is not the engine's either.
std::string check_engine_and_app_faults() {
  std::string failures;
  TestCodeInfo info;
  CodePage page(code::kUd2, info);
  info.traps[page.begin()] = TrapKind::Unreachable;
  CHILD_CHECK(failures, engine_handles_a_trap(page));
  CHILD_CHECK(failures, app_seen.calls == 0);

  uintptr_t address = unmapped_address();
  if (sigsetjmp(app_recovery, 1) == 0) {
    host_load(address);
    failures += "the host load did not fault\n";
  }
  CHILD_CHECK(failures, app_seen.calls == 1);
  CHILD_CHECK(failures, app_seen.signo == SIGSEGV);
  CHILD_CHECK(failures, app_seen.si_code == SEGV_MAPERR);
  CHILD_CHECK(failures, app_seen.fault_address == address);
  CHILD_CHECK(failures, app_seen.pc != 0 && find_code(app_seen.pc) == nullptr);

  // Host fault while an activation is active (a host function called from wasm): still the
  // application's, since the pc is not in generated code.
  Activation act;
  enter_activation(act, [&] {
    if (sigsetjmp(app_recovery, 1) == 0) host_load(address);
  });
  CHILD_CHECK(failures, act.reason == UnwindReason::None);
  CHILD_CHECK(failures, app_seen.calls == 2);

  // Generated code faulting on a thread with no activation: not ours either.
  if (sigsetjmp(app_recovery, 1) == 0) page.as<void()>()();
  CHILD_CHECK(failures, app_seen.calls == 3);
  CHILD_CHECK(failures, app_seen.signo == SIGILL);
  CHILD_CHECK(failures, app_seen.fault_address == page.begin());
  CHILD_CHECK(failures, app_seen.pc == page.begin());

  // And the engine still handles its own afterwards.
  CHILD_CHECK(failures, engine_handles_a_trap(page));
  CHILD_CHECK(failures, app_seen.calls == 3);
  return failures;
}

TEST(InstallationOrder, AppHandlerInstalledBeforeTheEngineGetsEveryOtherFault) {
  auto outcome = run_in_child([] {
    test::install_app_handler(test::app_siginfo_handler);
    install_signal_handlers();
    return check_engine_and_app_faults();
  });
  EXPECT_EQ(outcome.failure, "");
}

TEST(InstallationOrder, AppHandlerInstalledAfterTheEngineCallsHandleSignalFirst) {
  auto outcome = run_in_child([] {
    install_signal_handlers();
    // Its sa_mask blocks SIGUSR1 while it runs: the unwind must restore the mask of the
    // code that faulted, so neither SIGUSR1 nor SIGILL stays blocked afterwards.
    test::install_app_handler(test::app_handler_asking_engine_first, 0, SIGUSR1);
    std::string failures = check_engine_and_app_faults();
    CHILD_CHECK(failures, !test::signal_blocked(SIGUSR1));
    CHILD_CHECK(failures, !test::signal_blocked(SIGILL));
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

TEST(InstallationOrder, PlainPreviousHandlerGetsTheSignalNumber) {
  auto outcome = run_in_child([] {
    std::string failures;
    test::install_app_plain_handler(test::app_plain_handler);
    install_signal_handlers();
    if (sigsetjmp(app_recovery, 1) == 0) host_load(unmapped_address());
    CHILD_CHECK(failures, app_seen.calls == 1);
    CHILD_CHECK(failures, app_seen.signo == SIGSEGV);
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

TEST(InstallationOrder, InstallingTwiceKeepsTheApplicationsHandlerAsThePrevious) {
  auto outcome = run_in_child([] {
    std::string failures;
    test::install_app_handler(test::app_siginfo_handler);
    install_signal_handlers();
    install_signal_handlers();  // must not record itself as the previous handler
    uintptr_t address = unmapped_address();
    if (sigsetjmp(app_recovery, 1) == 0) host_load(address);
    CHILD_CHECK(failures, app_seen.calls == 1);
    CHILD_CHECK(failures, app_seen.fault_address == address);
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

// No handler before ours: a host fault meets the default action and kills with SIGSEGV,
// after the engine has handled its own fault.
TEST(DefaultAction, HostFaultKillsTheProcessWithItsSignal) {
  auto outcome = run_in_child([] {
    test::set_disposition(SIGSEGV, SIG_DFL);  // whatever a sanitizer installed
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kUd2, info);
    info.traps[page.begin()] = TrapKind::Unreachable;
    if (engine_handles_a_trap(page)) test::child_note("engine handled its trap\n");
    host_load(unmapped_address());
    return std::string("survived a fault that should have killed the process");
  });
  EXPECT_EQ(outcome.term_signal, SIGSEGV) << outcome.failure;
  EXPECT_NE(outcome.failure.find("engine handled its trap"), std::string::npos) << outcome.failure;
}

TEST(DefaultAction, IllegalInstructionInHostCodeKillsWithSIGILL) {
  auto outcome = run_in_child([] {
    test::set_disposition(SIGILL, SIG_DFL);
    install_signal_handlers();
    __builtin_trap();
    return std::string("survived");
  });
  EXPECT_EQ(outcome.term_signal, SIGILL) << outcome.failure;
}

// SA_SIGINFO set with a null (SIG_DFL) handler is still the default action: forwarding must
// not call through the null pointer (that would end in SIGSEGV instead of SIGILL).
TEST(DefaultAction, SigInfoFlagWithADefaultHandlerIsStillTheDefault) {
  auto outcome = run_in_child([] {
    struct sigaction action {};
    action.sa_sigaction = nullptr;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGILL, &action, nullptr);
    test::set_disposition(SIGSEGV, SIG_DFL);
    install_signal_handlers();
    __builtin_trap();
    return std::string("survived");
  });
  EXPECT_EQ(outcome.term_signal, SIGILL) << outcome.failure;
}

// An ignored SIGSEGV does not stop a real fault from killing (the kernel forces it), and
// the engine must not turn it into an endless loop.
TEST(DefaultAction, IgnoredDispositionStillDiesOnARealFault) {
  auto outcome = run_in_child([] {
    test::set_disposition(SIGSEGV, SIG_IGN);
    install_signal_handlers();
    host_load(unmapped_address());
    return std::string("survived");
  });
  EXPECT_EQ(outcome.term_signal, SIGSEGV) << outcome.failure;
}

// A SIGSEGV sent with raise()/kill() is not a fault: ignored before us, ignored with us;
// default before us, it kills with us.
TEST(DefaultAction, SentSignalsKeepTheirPreviousDisposition) {
  auto ignored = run_in_child([] {
    test::set_disposition(SIGSEGV, SIG_IGN);
    install_signal_handlers();
    raise(SIGSEGV);
    return std::string();
  });
  EXPECT_TRUE(ignored.exited) << ignored.failure;
  EXPECT_EQ(ignored.failure, "");
  auto by_default = run_in_child([] {
    test::set_disposition(SIGSEGV, SIG_DFL);
    install_signal_handlers();
    raise(SIGSEGV);
    return std::string("survived a SIGSEGV whose action is to terminate");
  });
  EXPECT_EQ(by_default.term_signal, SIGSEGV) << by_default.failure;
}

// A one-shot (SA_RESETHAND) crash handler runs once, with the default action back in
// place; when it returns the fault re-executes and kills.
void one_shot_handler(int, siginfo_t*, void*) {
  test::child_note("one-shot handler ran\n");
}

TEST(InstallationOrder, OneShotPreviousHandlerRunsOnceThenTheDefaultAction) {
  auto outcome = run_in_child([] {
    test::install_app_handler(one_shot_handler, SA_RESETHAND);
    install_signal_handlers();
    host_load(unmapped_address());
    return std::string("survived");
  });
  EXPECT_EQ(outcome.term_signal, SIGSEGV) << outcome.failure;
  size_t first = outcome.failure.find("one-shot handler ran");
  ASSERT_NE(first, std::string::npos) << outcome.failure;
  EXPECT_EQ(outcome.failure.find("one-shot handler ran", first + 1), std::string::npos)
      << "ran more than once: " << outcome.failure;
}

// raise_trap with no activation to unwind to is an engine bug with no frame that could
// return an error: it must reach the application's crash handler (as a SIGILL outside
// generated code), not vanish or abort behind its back.
TEST(InstallationOrder, RaiseTrapWithoutAnActivationReachesTheAppsHandler) {
  auto outcome = run_in_child([] {
    std::string failures;
    test::install_app_handler(test::app_siginfo_handler);
    install_signal_handlers();
    if (sigsetjmp(app_recovery, 1) == 0) raise_trap(TrapKind::Unreachable);
    CHILD_CHECK(failures, app_seen.calls == 1);
    CHILD_CHECK(failures, app_seen.signo == SIGILL);
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IRONCLAD_TEST_UNDER_ASAN 1
#endif
#endif

#ifdef IRONCLAD_TEST_UNDER_ASAN
// Under AddressSanitizer, its SEGV handler is the one installed before ours: engine traps
// are still handled, and a host fault reaches ASan, which reports it and exits non-zero.
TEST(InstallationOrder, AddressSanitizerIsThePreviousHandler) {
  auto outcome = run_in_child([] {
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page(code::kUd2, info);
    info.traps[page.begin()] = TrapKind::Unreachable;
    if (engine_handles_a_trap(page)) test::child_note("engine handled its trap\n");
    host_load(unmapped_address());
    return std::string("survived");
  });
  EXPECT_NE(outcome.failure.find("engine handled its trap"), std::string::npos) << outcome.failure;
  EXPECT_TRUE(outcome.exited && outcome.exit_code != 0) << outcome.failure;
}
#endif

}  // namespace
}  // namespace ironclad::runtime
