// TEMPORARY: see activation_stub.h.
#include "jit/activation_stub.h"

#include <cstdlib>

namespace ironclad::jit::stub {

Activation*& current_activation_slot() {
  static thread_local Activation* current = nullptr;
  return current;
}

[[noreturn]] void raise_trap(TrapKind kind) {
  Activation* act = current_activation();
  // Generated code runs only inside an activation (JitTier::call makes one); reaching here
  // without one is an engine bug with no frame to return an error to.
  if (!act) std::abort();
  act->reason = UnwindReason::Trap;
  act->trap = kind;
  siglongjmp(act->entry, 1);
}

[[noreturn]] void raise_host_error(Error error) {
  Activation* act = current_activation();
  if (!act) std::abort();
  act->reason = UnwindReason::HostError;
  act->host_error = std::move(error);
  siglongjmp(act->entry, 1);
}

}  // namespace ironclad::jit::stub
