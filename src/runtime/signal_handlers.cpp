// The process-wide handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE (DESIGN.md invariant 5):
// a fault that handle_signal takes as ours unwinds to its activation; every other one goes
// to the handler that was installed before ours, exactly as the kernel would have
// delivered it, or to the default action.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>

#include "ironclad/signals.h"

namespace ironclad {

namespace {

constexpr int kHandledSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
constexpr int kSignalCount = sizeof kHandledSignals / sizeof kHandledSignals[0];

// What each signal's disposition was before ours. Written once, before our handler for
// that signal is installed (and fixed up right after if someone raced us); read by the
// handler.
struct sigaction previous_actions[kSignalCount];
std::atomic<bool> installed{false};
std::mutex install_mutex;

int slot_of(int sig) {
  for (int i = 0; i < kSignalCount; ++i)
    if (kHandledSignals[i] == sig) return i;
  return -1;
}

void set_disposition(int sig, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(sig, &action, nullptr);
}

// Delivers the signal again, to this thread, with the original siginfo (so a core dump or
// a parent's waitpid sees what really happened). Pending until our handler returns.
void requeue(int sig, siginfo_t* info) {
  if (syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), sig, info) != 0) raise(sig);
}

// Hands the fault to the previous disposition, reproducing how the kernel would have
// delivered it: with its mask and flags, to an SA_SIGINFO handler with our siginfo and
// ucontext (which it may edit, as we return into them), to a plain handler with the
// signal number, and for SIG_DFL/SIG_IGN by letting the default action happen.
void forward(int sig, siginfo_t* info, void* ucontext) {
  int slot = slot_of(sig);
  if (slot < 0) return;
  const struct sigaction& previous = previous_actions[slot];
  bool sent_by_someone = info && info->si_code <= 0;  // kill/raise: not a fault at pc
  // (Checked whatever the flags say: SA_SIGINFO with a SIG_DFL handler is still SIG_DFL,
  // and calling it would jump to address 0.)
  if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    if (previous.sa_handler == SIG_IGN && sent_by_someone) return;  // ignored, as before us
    // A fault re-executes when we return and now meets the default action (the kernel
    // also kills on an ignored fault); a sent signal is queued again for it.
    set_disposition(sig, SIG_DFL);
    if (sent_by_someone) requeue(sig, info);
    return;
  }
  sigset_t blocked = previous.sa_mask;
  if (!(previous.sa_flags & SA_NODEFER)) sigaddset(&blocked, sig);
  sigset_t saved;
  pthread_sigmask(SIG_SETMASK, nullptr, &saved);
  sigset_t during = saved;
  for (int s = 1; s < NSIG; ++s)
    if (sigismember(&blocked, s) == 1) sigaddset(&during, s);
  if (previous.sa_flags & SA_NODEFER) sigdelset(&during, sig);
  // A one-shot handler expects the default action to be back when it runs (it typically
  // returns or re-raises to die with the signal).
  if (previous.sa_flags & SA_RESETHAND) set_disposition(sig, SIG_DFL);
  pthread_sigmask(SIG_SETMASK, &during, nullptr);
  if (previous.sa_flags & SA_SIGINFO)
    previous.sa_sigaction(sig, info, ucontext);
  else
    previous.sa_handler(sig);
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

void fault_handler(int sig, siginfo_t* info, void* ucontext) {
  int saved_errno = errno;                         // the interrupted code's, if we return to it
  if (handle_signal(sig, info, ucontext)) return;  // not reached: it unwinds
  forward(sig, info, ucontext);
  errno = saved_errno;
}

}  // namespace

void install_signal_handlers() {
  if (installed.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(install_mutex);
  if (installed.load(std::memory_order_relaxed)) return;
  struct sigaction ours {};
  ours.sa_sigaction = fault_handler;
  // SA_ONSTACK: a stack overflow leaves no stack to run on but the alternate one.
  // No SA_NODEFER: a fault inside the handler itself must kill, not recurse.
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&ours.sa_mask);
  for (int i = 0; i < kSignalCount; ++i) {
    int sig = kHandledSignals[i];
    sigaction(sig, nullptr, &previous_actions[i]);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    struct sigaction replaced {};
    if (sigaction(sig, &ours, &replaced) != 0) continue;
    // Someone installed a handler between the two calls: that one is the previous.
    if (replaced.sa_sigaction != previous_actions[i].sa_sigaction) previous_actions[i] = replaced;
  }
  installed.store(true, std::memory_order_release);
}

}  // namespace ironclad
