// TEMPORARY: a throw-free stand-in for runtime/activation.h until the runtime's activations
// land (then this file goes and the tier uses runtime::enter_activation). Same shape as
// the contract: sigsetjmp at the entry of each host->wasm call, siglongjmp from a trap or a
// failed host call. No signal handling: until then the tier uses explicit bounds checks.
#pragma once

#include <csetjmp>
#include <optional>

#include "ironclad/error.h"

namespace ironclad::jit::stub {

enum class UnwindReason : uint8_t { None, Trap, HostError };

struct Activation {
  sigjmp_buf entry;
  Activation* previous = nullptr;
  UnwindReason reason = UnwindReason::None;
  TrapKind trap = TrapKind::None;
  std::optional<Error> host_error;
};

Activation*& current_activation_slot();
inline Activation* current_activation() { return current_activation_slot(); }

// Runs body inside `act`; false when it was unwound (act.reason says why).
template <typename Body>
bool enter_activation(Activation& act, Body&& body) {
  Activation*& slot = current_activation_slot();
  act.previous = slot;
  slot = &act;
  if (sigsetjmp(act.entry, 0) == 0) {
    body();
    current_activation_slot() = act.previous;
    return true;
  }
  current_activation_slot() = act.previous;
  return false;
}

[[noreturn]] void raise_trap(TrapKind kind);
[[noreturn]] void raise_host_error(Error error);

}  // namespace ironclad::jit::stub
