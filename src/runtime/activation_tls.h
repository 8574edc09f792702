// The thread's innermost activation, shared by activation.cpp and the signal handler.
// Internal to the runtime: tiers use current_activation().
#pragma once

#include <atomic>

#include "runtime/activation.h"

namespace ironclad::runtime::detail {

extern constinit thread_local Activation* innermost_activation __attribute__((tls_model("initial-exec")));

}  // namespace ironclad::runtime::detail
