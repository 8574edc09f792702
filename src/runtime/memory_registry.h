// The registry of linear-memory reservations that have a guard region: the address ranges
// in which a fault raised by generated code compiled with implicit bounds checks is a wasm
// out-of-bounds access (DESIGN.md invariant 5 keeps every other fault an engine fault).
// Memory::create registers a guarded reservation and ~Memory removes it. Lookups come from
// the signal handler: they take no lock and allocate nothing.
#pragma once

#include <cstdint>

#include "ironclad/error.h"

namespace ironclad::runtime {

// Registers [begin, end). Fails (Usage) on an empty range or one that overlaps a registered
// reservation. Writers serialise on a mutex.
Result<void> register_memory_reservation(uintptr_t begin, uintptr_t end);
// Removes the reservation that starts at `begin`; false if there is none. The caller
// guarantees that no code uses that memory any more.
bool unregister_memory_reservation(uintptr_t begin);
// True if `address` lies in a registered reservation (async-signal-safe, lock-free).
bool in_memory_reservation(uintptr_t address);

}  // namespace ironclad::runtime
