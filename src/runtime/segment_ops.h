// table.init and memory.init as the spec defines them, shared by instantiation (active
// segments) and by any tier that wants them: the whole range is checked before anything
// is written, so a failing call writes nothing.
#pragma once

#include <cstdint>
#include <span>

#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/runtime.h"

namespace ironclad::runtime {

// Copies items[src, src+n) to table[dst, dst+n); traps "out of bounds table access" when
// either range is outside (also for n == 0 with dst > size or src > items.size()).
Result<void> table_init(Table& table, uint64_t dst, std::span<const Ref> items, uint64_t src,
                        uint64_t n);

// Copies data[src, src+n) to memory[dst, dst+n); traps "out of bounds memory access" when
// either range is outside (also for n == 0 with dst > size or src > data.size()).
Result<void> memory_init(Memory& memory, uint64_t dst, std::span<const uint8_t> data, uint64_t src,
                         uint64_t n);

}  // namespace ironclad::runtime
