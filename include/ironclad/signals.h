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
#pragma once

#include <csignal>

namespace ironclad {

// Handles the fault if it is Ironclad's (a fault in JIT code during a wasm call) and then
// does not return normally: execution resumes at the entry of the wasm call, which returns
// an error value. Returns false, having done nothing, for every other fault.
bool handle_signal(int sig, siginfo_t* info, void* ucontext);

// Installs Ironclad's handlers now (the JIT engine does this on creation). Idempotent and
// thread-safe.
void install_signal_handlers();

}  // namespace ironclad
