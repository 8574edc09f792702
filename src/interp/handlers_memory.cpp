// Handlers for linear memory: loads and stores (bounds-checked with a 64-bit effective
// address, so address + offset never wraps), memory.size/grow and the bulk operations.
#include <cstring>

#include "interp/handler_macros.h"
#include "runtime/segment_ops.h"

namespace ironclad::interp {
namespace {

// The effective address of an access of `ip`: the i32 address operand plus the static
// offset, in 64 bits (at most 2^33, so adding an access size cannot overflow either).
inline uint64_t effective_address(const Word* ip, const uint64_t* fp) {
  return uint64_t{slot_get<uint32_t>(fp, ip[1].pair.a)} + ip[2].u64;
}

#define LOAD(Op, MemT, R)                                                        \
  IRONCLAD_DEFINE_HANDLER(Op##_load) {                                           \
    uint64_t ea = effective_address(ip, fp);                                     \
    if (ea + sizeof(MemT) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    MemT v;                                                                      \
    std::memcpy(&v, mem + ea, sizeof(MemT));                                     \
    slot_set<R>(fp, ip[1].pair.b, static_cast<R>(v));                            \
    IRONCLAD_NEXT(3);                                                            \
  }

#define STORE(Op, MemT)                                                          \
  IRONCLAD_DEFINE_HANDLER(Op##_store) {                                          \
    uint64_t ea = effective_address(ip, fp);                                     \
    if (ea + sizeof(MemT) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    MemT v = slot_get<MemT>(fp, ip[1].pair.b);                                   \
    std::memcpy(mem + ea, &v, sizeof(MemT));                                     \
    IRONCLAD_NEXT(3);                                                            \
  }

struct Bytes16 {
  uint8_t b[16];
};

// clang-format off
#define SCALAR_LOADS(X)                                                        \
  X(I32Load, uint32_t, uint32_t) X(I64Load, uint64_t, uint64_t)                \
  X(F32Load, uint32_t, uint32_t) X(F64Load, uint64_t, uint64_t)                \
  X(I32Load8S, int8_t, uint32_t) X(I32Load8U, uint8_t, uint32_t)               \
  X(I32Load16S, int16_t, uint32_t) X(I32Load16U, uint16_t, uint32_t)           \
  X(I64Load8S, int8_t, uint64_t) X(I64Load8U, uint8_t, uint64_t)               \
  X(I64Load16S, int16_t, uint64_t) X(I64Load16U, uint16_t, uint64_t)           \
  X(I64Load32S, int32_t, uint64_t) X(I64Load32U, uint32_t, uint64_t)           \
  X(V128Load, Bytes16, Bytes16)
#define SCALAR_STORES(X)                                                       \
  X(I32Store, uint32_t) X(I64Store, uint64_t) X(F32Store, uint32_t)            \
  X(F64Store, uint64_t) X(I32Store8, uint8_t) X(I32Store16, uint16_t)          \
  X(I64Store8, uint8_t) X(I64Store16, uint16_t) X(I64Store32, uint32_t)        \
  X(V128Store, Bytes16)
// clang-format on

SCALAR_LOADS(LOAD)
SCALAR_STORES(STORE)

runtime::Instance& current_instance(ExecContext* ctx) { return *ctx->act_top->code->instance; }

}  // namespace

Handler load_handler(wasm::Opcode op) {
  switch (op) {
#define CASE(Op, MemT, R) case wasm::Opcode::Op: return Op##_load;
    SCALAR_LOADS(CASE)
#undef CASE
    default: return nullptr;
  }
}

Handler store_handler(wasm::Opcode op) {
  switch (op) {
#define CASE(Op, MemT) case wasm::Opcode::Op: return Op##_store;
    SCALAR_STORES(CASE)
#undef CASE
    default: return nullptr;
  }
}

IRONCLAD_DEFINE_HANDLER(h_memory_size) {
  slot_set<uint32_t>(fp, ip[1].pair.a, static_cast<uint32_t>(memsize / runtime::kPageSize));
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_memory_grow) {
  runtime::Memory& m = *current_instance(ctx).memories[0];
  int64_t old_pages = m.grow(slot_get<uint32_t>(fp, ip[1].pair.a));
  slot_set<uint32_t>(fp, ip[1].pair.b, static_cast<uint32_t>(old_pages));  // -1 on failure
  mem = m.base;
  memsize = m.size_bytes;
  IRONCLAD_NEXT(2);
}

IRONCLAD_DEFINE_HANDLER(h_memory_fill) {
  uint64_t dst = slot_get<uint32_t>(fp, ip[1].pair.a);
  uint8_t value = slot_get<uint8_t>(fp, ip[1].pair.b);
  uint64_t n = slot_get<uint32_t>(fp, ip[2].pair.a);
  if (dst + n > memsize) return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);
  IRONCLAD_CHARGE_BULK(n);
  if (n) std::memset(mem + dst, value, n);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_memory_copy) {
  uint64_t dst = slot_get<uint32_t>(fp, ip[1].pair.a);
  uint64_t src = slot_get<uint32_t>(fp, ip[1].pair.b);
  uint64_t n = slot_get<uint32_t>(fp, ip[2].pair.a);
  if (dst + n > memsize || src + n > memsize)
    return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);
  IRONCLAD_CHARGE_BULK(n);
  if (n) std::memmove(mem + dst, mem + src, n);
  IRONCLAD_NEXT(3);
}

namespace {
// memory.init out of line: the span and Result would keep the handler from tail-calling.
[[gnu::noinline]] bool memory_init(ExecContext* ctx, const Word* ip, const uint64_t* fp) {
  runtime::Instance& inst = current_instance(ctx);
  uint32_t seg = ip[2].pair.b;
  const wasm::DataSegment& data = inst.module->data[seg];
  std::span<const uint8_t> bytes;
  if (!inst.data_dropped[seg])
    bytes = std::span<const uint8_t>(inst.module->bytes).subspan(data.bytes_offset, data.bytes_size);
  return runtime::memory_init(*inst.memories[0], slot_get<uint32_t>(fp, ip[1].pair.a), bytes,
                              slot_get<uint32_t>(fp, ip[1].pair.b),
                              slot_get<uint32_t>(fp, ip[2].pair.a))
      .ok();
}
}  // namespace

IRONCLAD_DEFINE_HANDLER(h_memory_init) {
  IRONCLAD_CHARGE_BULK(slot_get<uint32_t>(fp, ip[2].pair.a));
  if (!memory_init(ctx, ip, fp)) return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);
  IRONCLAD_NEXT(3);
}

IRONCLAD_DEFINE_HANDLER(h_data_drop) {
  current_instance(ctx).data_dropped[ip[1].pair.a] = true;
  IRONCLAD_NEXT(2);
}

}  // namespace ironclad::interp
