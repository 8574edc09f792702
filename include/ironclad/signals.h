// Signal handling for embedders (DESIGN.md invariant 5).
//
// Ironclad installs process-wide handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE when the
// first JIT engine is created. They act only on a fault whose PC is inside Ironclad's JIT
// code on a thread with an active wasm activation; every other fault is passed on to the
// handler that was installed before (the application's crash reporter) or to the default
// action, with the original siginfo.
//
// An application that installs its own handlers *after* the engine must call
// handle_signal() first from them, in the manner of V8's TryHandleWebAssemblyTrapPosix:
//
//   void my_handler(int sig, siginfo_t* info, void* uc) {
//     if (ironclad::handle_signal(sig, info, uc)) return;  // a wasm trap: handled
//     report_crash(sig, info, uc);
//   }
//
// installed with SA_SIGINFO | SA_ONSTACK (so that a stack overflow in wasm code, which
// leaves no room on the thread's stack, can still be handled on the alternate stack every
// wasm-running thread gets). docs/signals.md has the details.
#pragma once

#include <csignal>

namespace ironclad {

// Handles the fault if it is Ironclad's (SIGSEGV, SIGBUS, SIGILL or SIGFPE raised by an
// instruction in JIT code during a wasm call on this thread) and then does not return
// normally: execution resumes at the entry of the wasm call, with the signal mask of the
// code that faulted, and the call returns an error value. Returns false, having done
// nothing, for every other fault and for signals sent with kill/raise/sigqueue.
// Async-signal-safe.
bool handle_signal(int sig, siginfo_t* info, void* ucontext);

// Installs Ironclad's handlers now (the JIT engine does this on creation). Idempotent and
// thread-safe.
void install_signal_handlers();

}  // namespace ironclad
