// ironclad::handle_signal called directly, as an application's own handler does: it says
// "not ours" for everything but a fault raised by generated code during an activation, and
// for that one unwinds (so it is also tested here with a made-up siginfo and ucontext).
// Stack overflow in generated code is handled on the alternate signal stack.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/ucontext.h>

#include <csignal>
#include <string>

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

struct FakeSignal {
  siginfo_t info{};
  ucontext_t uc{};
  FakeSignal(int signo, int si_code, uintptr_t pc, uintptr_t address) {
    info.si_signo = signo;
    info.si_code = si_code;
    info.si_addr = reinterpret_cast<void*>(address);
    uc.uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(pc);
    uc.uc_mcontext.gregs[REG_RBP] = 0x1234;
  }
};

TEST(HandleSignal, NotOursOutsideGeneratedCodeOrActivationsOrForSentSignals) {
  auto outcome = run_in_child([] {
    std::string failures;
    TestCodeInfo info;
    CodePage page(code::kUd2, info);
    info.traps[page.begin()] = TrapKind::Unreachable;
    FakeSignal in_code(SIGILL, ILL_ILLOPN, page.begin(), page.begin());
    // No activation on this thread.
    CHILD_CHECK(failures, !handle_signal(SIGILL, &in_code.info, &in_code.uc));
    Activation act;
    bool returned = enter_activation(act, [&] {
      FakeSignal outside(SIGSEGV, SEGV_MAPERR, page.end() + 0x1000, 0x10);
      CHILD_CHECK(failures, !handle_signal(SIGSEGV, &outside.info, &outside.uc));
      FakeSignal sent(SIGSEGV, SI_USER, page.begin(), 0);
      CHILD_CHECK(failures, !handle_signal(SIGSEGV, &sent.info, &sent.uc));
      FakeSignal queued(SIGSEGV, SI_TKILL, page.begin(), 0);
      CHILD_CHECK(failures, !handle_signal(SIGSEGV, &queued.info, &queued.uc));
      CHILD_CHECK(failures, !handle_signal(SIGUSR1, &in_code.info, &in_code.uc));
      CHILD_CHECK(failures, !handle_signal(SIGILL, nullptr, &in_code.uc));
      CHILD_CHECK(failures, !handle_signal(SIGILL, &in_code.info, nullptr));
    });
    CHILD_CHECK(failures, returned);
    CHILD_CHECK(failures, act.reason == UnwindReason::None);
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

// The handler's whole job, from a siginfo/ucontext made up here: record and unwind.
TEST(HandleSignal, OursRecordsTheContextAndUnwinds) {
  auto outcome = run_in_child([] {
    std::string failures;
    TestCodeInfo info;
    CodePage page(code::kUd2, info);
    info.traps[page.begin()] = TrapKind::NullReference;
    Activation act;
    bool after = false;
    bool returned = enter_activation(act, [&] {
      FakeSignal fault(SIGILL, ILL_ILLOPN, page.begin(), page.begin());
      fault.uc.uc_mcontext.gregs[REG_RAX] = 0x5555;
      handle_signal(SIGILL, &fault.info, &fault.uc);
      after = true;
    });
    CHILD_CHECK(failures, !returned);
    CHILD_CHECK(failures, !after);
    CHILD_CHECK(failures, act.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, act.trap == TrapKind::NullReference);
    CHILD_CHECK(failures, act.fault.gregs[REG_RAX] == 0x5555);
    CHILD_CHECK(failures, act.fault.frame_pointer == 0x1234);
    CHILD_CHECK(failures, act.fault.si_code == ILL_ILLOPN);
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

// Only the bytes inside the registered range are copied, and unreadable ones not at all.
TEST(HandleSignal, CodeBytesStopAtTheEndOfTheRegisteredRange) {
  auto outcome = run_in_child([] {
    std::string failures;
    TestCodeInfo info;
    CodePage page(code::kUd2, info, /*register_it=*/false);
    // Register only the first 6 bytes and fault "at" byte 2.
    CHILD_CHECK(failures, register_code(page.begin(), page.begin() + 6, &info).ok());
    Activation act;
    enter_activation(act, [&] {
      FakeSignal fault(SIGILL, ILL_ILLOPN, page.begin() + 2, page.begin() + 2);
      handle_signal(SIGILL, &fault.info, &fault.uc);
    });
    CHILD_CHECK(failures, act.reason == UnwindReason::Fault);
    CHILD_CHECK(failures, act.fault.code_size == 4);
    unregister_code(page.begin());
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

// A pc whose page cannot be read (code unmapped or protected under us): the copy of the
// code bytes must come back empty instead of faulting again inside the handler.
TEST(HandleSignal, UnreadableCodeBytesAreSkippedNotFaultedOn) {
  auto outcome = run_in_child([] {
    std::string failures;
    TestCodeInfo info;
    void* p = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    auto begin = reinterpret_cast<uintptr_t>(p);
    CHILD_CHECK(failures, register_code(begin, begin + 4096, &info).ok());
    Activation act;
    enter_activation(act, [&] {
      FakeSignal fault(SIGSEGV, SEGV_ACCERR, begin + 0x10, begin + 0x10);
      handle_signal(SIGSEGV, &fault.info, &fault.uc);
    });
    CHILD_CHECK(failures, act.reason == UnwindReason::Fault);
    CHILD_CHECK(failures, act.fault.code_size == 0);
    CHILD_CHECK(failures, act.fault.pc == begin + 0x10);
    unregister_code(begin);
    munmap(p, 4096);
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

// call rel32 -5: a function that calls itself forever, pushing a return address each time,
// until the stack's guard page. The handler runs on the alternate stack and the overflow
// becomes a CallStackExhausted trap; the thread can then overflow again.
struct OverflowResult {
  Activation first, second;
  bool first_returned = true;
};

void* overflow_thread(void* arg) {
  auto* page = static_cast<CodePage*>(arg);
  auto* result = new OverflowResult;
  result->first_returned = enter_activation(result->first, [&] { page->as<void()>()(); });
  enter_activation(result->second, [&] { page->as<void()>()(); });
  return result;
}

TEST(HandleSignal, StackOverflowInGeneratedCodeIsCallStackExhausted) {
  auto outcome = run_in_child([] {
    std::string failures;
    install_signal_handlers();
    TestCodeInfo info;
    CodePage page({0xE8, 0xFB, 0xFF, 0xFF, 0xFF}, info);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t thread;
    if (pthread_create(&thread, &attr, overflow_thread, &page) != 0)
      return std::string("pthread_create");
    void* out = nullptr;
    pthread_join(thread, &out);
    auto* result = static_cast<OverflowResult*>(out);
    CHILD_CHECK(failures, !result->first_returned);
    CHILD_CHECK(failures, result->first.reason == UnwindReason::Trap);
    CHILD_CHECK(failures, result->first.trap == TrapKind::CallStackExhausted);
    CHILD_CHECK(failures, result->first.fault.signo == SIGSEGV);
    CHILD_CHECK(failures, result->first.fault.pc == page.begin());
    CHILD_CHECK(failures, result->second.trap == TrapKind::CallStackExhausted);
    delete result;
    return failures;
  });
  EXPECT_EQ(outcome.failure, "");
}

}  // namespace
}  // namespace ironclad::runtime
