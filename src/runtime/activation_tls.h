// The thread's innermost activation, shared by activation.cpp and the signal handler.
// Internal to the runtime: tiers use current_activation().
#pragma once

#include <atomic>
#include <cstdint>

#include "runtime/activation.h"

namespace ironclad::runtime::detail {

extern constinit thread_local Activation* innermost_activation
    __attribute__((tls_model("initial-exec")));

// The lowest address of this thread's stack (0 until thread_stack_limit() has read the
// bounds): the handler calls a fault just below it (the guard) a stack overflow.
extern constinit thread_local uintptr_t thread_stack_low __attribute__((tls_model("initial-exec")));

// How far below the stack's lowest address a fault still counts as hitting its guard: the
// kernel keeps a 1 MiB gap below the main thread's stack, glibc one guard page (or the
// guard size asked for) below a thread's.
inline constexpr uintptr_t kStackGuardReach = 2 * 1024 * 1024;

// Fills f.backtrace by walking the frame-pointer chain from `frame` (an rbp value) towards
// act.entry_frame, never reading below `lowest` (the stack pointer at the fault) or outside
// this thread's stack, so it cannot fault. Async-signal-safe.
void capture_backtrace(FaultRecord& f, const Activation& act, uintptr_t frame, uintptr_t lowest);

}  // namespace ironclad::runtime::detail
