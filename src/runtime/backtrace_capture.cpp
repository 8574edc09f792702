// The return addresses of generated code on the frame-pointer chain, captured before an
// unwind frees the frames. Generated code keeps frame pointers (rbp chains), and so does
// the runtime (built with -fno-omit-frame-pointer).
#include "runtime/activation.h"
#include "runtime/activation_tls.h"

namespace ironclad::runtime::detail {

void capture_backtrace(FaultRecord& f, const Activation& act, uintptr_t frame, uintptr_t lowest) {
  f.backtrace_size = 0;
  // Every frame read lies in [lowest, entry_frame): the live part of this thread's stack
  // between the fault and the activation's entry, which is mapped. thread_stack_low keeps
  // the walk off the guard page when the fault was a stack overflow.
  uintptr_t floor = lowest > thread_stack_low ? lowest : thread_stack_low;
  uintptr_t ceiling = act.entry_frame;
  while (f.backtrace_size < FaultRecord::kMaxBacktrace) {
    if (frame < floor || frame % 8 != 0 || ceiling < 16 || frame > ceiling - 16) break;
    auto* slots = reinterpret_cast<const uintptr_t*>(frame);
    uintptr_t caller_frame = slots[0];
    uintptr_t return_address = slots[1];
    if (find_code(return_address)) f.backtrace[f.backtrace_size++] = return_address;
    if (caller_frame <= frame) break;  // a chain only goes up the stack; anything else is not one
    frame = caller_frame;
  }
}

}  // namespace ironclad::runtime::detail
