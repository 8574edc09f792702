// enter_activation's body (included by activation.h; not for direct use).
//
// sigsetjmp must run in a frame that is still live when something unwinds to it, so it
// cannot sit in an out-of-line helper that returns before the body runs: it is here, in
// the template, and everything else is out of line in activation.cpp.
#pragma once

#include <csetjmp>

namespace ironclad::runtime {

template <typename Body>
bool enter_activation(Activation& act, Body&& body) {
  detail::push_activation(act, __builtin_frame_address(0));
  // Unlinks the activation however the body is left: normally, by an unwind (siglongjmp
  // lands in this frame, so this object is not skipped), or by a C++ exception thrown by
  // host code in the body before it entered generated code.
  struct Unlink {
    Activation& act;
    ~Unlink() { detail::pop_activation(act); }
  } unlink{act};
  // The signal mask is not saved (0): that would cost a sigprocmask system call on every
  // wasm call (~0.4 us here, five times the rest of the entry). Only an unwind from a signal
  // handler has a mask to restore (the handled signal is blocked while it runs), and
  // handle_signal restores the interrupted code's mask from the ucontext before unwinding.
  if (sigsetjmp(act.entry, 0) != 0) return false;
  body();
  return true;
}

}  // namespace ironclad::runtime
