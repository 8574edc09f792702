// An embedding application's own fault handler, for the installation-order tests: it
// records what it was given and recovers with siglongjmp to a point the test set.
#pragma once

#include <pthread.h>
#include <setjmp.h>
#include <sys/ucontext.h>

#include <csignal>
#include <cstdint>

#include "ironclad/signals.h"

namespace ironclad::test {

struct AppSeen {
  volatile sig_atomic_t calls = 0;
  int signo = 0;
  int si_code = 0;
  uintptr_t fault_address = 0;
  uintptr_t pc = 0;  // from the ucontext it was handed
};

inline AppSeen app_seen;
inline sigjmp_buf app_recovery;

inline void app_siginfo_handler(int sig, siginfo_t* info, void* uc) {
  app_seen.calls = app_seen.calls + 1;
  app_seen.signo = sig;
  app_seen.si_code = info->si_code;
  app_seen.fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
  app_seen.pc = static_cast<uintptr_t>(static_cast<ucontext_t*>(uc)->uc_mcontext.gregs[REG_RIP]);
  siglongjmp(app_recovery, 1);
}

inline void app_plain_handler(int sig) {
  app_seen.calls = app_seen.calls + 1;
  app_seen.signo = sig;
  siglongjmp(app_recovery, 1);
}

// The V8-style pattern for an application that installs its handler after the engine.
inline void app_handler_asking_engine_first(int sig, siginfo_t* info, void* uc) {
  if (ironclad::handle_signal(sig, info, uc)) return;  // a wasm trap: handled (unwound)
  app_siginfo_handler(sig, info, uc);
}

// also_block: a signal the handler's sa_mask blocks while it runs (0 for none).
inline void install_app_handler(void (*handler)(int, siginfo_t*, void*), int extra_flags = 0,
                                int also_block = 0) {
  struct sigaction action {};
  action.sa_sigaction = handler;
  action.sa_flags = SA_SIGINFO | extra_flags;
  sigemptyset(&action.sa_mask);
  if (also_block) sigaddset(&action.sa_mask, also_block);
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE}) sigaction(sig, &action, nullptr);
}

inline void install_app_plain_handler(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE}) sigaction(sig, &action, nullptr);
}

inline bool signal_blocked(int sig) {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return sigismember(&mask, sig) == 1;
}

inline void set_disposition(int sig, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(sig, &action, nullptr);
}

}  // namespace ironclad::test
