#include "runtime/segment_ops.h"

#include <algorithm>
#include <cstring>

namespace ironclad::runtime {
namespace {

bool range_inside(uint64_t start, uint64_t n, uint64_t size) {
  return start <= size && n <= size - start;
}

}  // namespace

Result<void> table_init(Table& table, uint64_t dst, std::span<const Ref> items, uint64_t src,
                        uint64_t n) {
  if (!range_inside(src, n, items.size()) || !range_inside(dst, n, table.elements.size())) {
    return Error::make_trap(TrapKind::OutOfBoundsTableAccess);
  }
  std::copy_n(items.begin() + static_cast<ptrdiff_t>(src), n,
              table.elements.begin() + static_cast<ptrdiff_t>(dst));
  return {};
}

Result<void> memory_init(Memory& memory, uint64_t dst, std::span<const uint8_t> data, uint64_t src,
                         uint64_t n) {
  if (!range_inside(src, n, data.size()) || !range_inside(dst, n, memory.size_bytes)) {
    return Error::make_trap(TrapKind::OutOfBoundsMemoryAccess);
  }
  if (n > 0) std::memcpy(memory.base + dst, data.data() + src, n);
  return {};
}

}  // namespace ironclad::runtime
