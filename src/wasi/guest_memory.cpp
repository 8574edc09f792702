#include "wasi/guest_memory.h"

#include "runtime/runtime.h"

namespace ironclad::wasi {

GuestMemory::GuestMemory(runtime::Memory* memory)
    : base_(memory ? memory->base : nullptr), size_(memory ? memory->size_bytes : 0) {}

}  // namespace ironclad::wasi
