// Superinstructions: pairs of wasm instructions that the lowering fuses because they are
// frequent in compiled C and each dispatch saved is a handler's whole cost.
//  - binary operator whose second operand comes straight from a load:
//      [h][a|addr][dst|-][offset]            (`x op load(addr + offset)`)
//  - load whose address is an i32.add of two slots, or of a slot and an immediate:
//      [h][a|b][dst|-][offset]               (`load((a + b) mod 2^32 + offset)`)
//      [h][a|dst][imm][offset]
// The 32-bit sum wraps as i32.add does; only then is the static offset added in 64 bits.
#include <cstring>

#include "interp/handler_macros.h"
#include "interp/handlers_fused.h"
#include "interp/numerics.h"
#include "interp/simd.h"

namespace ironclad::interp {
namespace {

#define BINOP(Op, T, R, expr)                                                    \
  IRONCLAD_DEFINE_HANDLER(Op##_sm) {                                             \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.b)} + ip[3].u64;    \
    if (ea + sizeof(T) > memsize) [[unlikely]]                                   \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    T b;                                                                         \
    std::memcpy(&b, mem + ea, sizeof(T));                                        \
    T a = slot_get<T>(fp, ip[1].pair.a);                                         \
    slot_set<R>(fp, ip[2].pair.a, static_cast<R>(expr));                         \
    IRONCLAD_NEXT(4);                                                            \
  }
#define CMPOP(Op, T, expr)
#define TBINOP(Op, T, fn)
#define UNOP(Op, T, R, expr)
#define TUNOP(Op, T, R, fn)
#include "interp/numeric_ops.def"
#undef BINOP

// Read-modify-write of one memory location: `mem[addr + offset] = x op mem[...]`, the
// `*p += x` of C: [h][x|addr][offset].
#define BINOP(Op, T, R, expr)                                                    \
  IRONCLAD_DEFINE_HANDLER(Op##_rmw) {                                            \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.b)} + ip[2].u64;    \
    if (ea + sizeof(T) > memsize) [[unlikely]]                                   \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    T b;                                                                         \
    std::memcpy(&b, mem + ea, sizeof(T));                                        \
    T a = slot_get<T>(fp, ip[1].pair.a);                                         \
    R r = static_cast<R>(expr);                                                  \
    std::memcpy(mem + ea, &r, sizeof(R));                                        \
    IRONCLAD_NEXT(3);                                                            \
  }
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP

// The same two forms for the most common SIMD lane-wise operators (vector loops over
// arrays: `c[i] += a[i] * b`).
// clang-format off
#define FUSABLE_SIMD(X)                                                              \
  X(F32x4Add, f32x4_add) X(F32x4Sub, f32x4_sub) X(F32x4Mul, f32x4_mul)               \
  X(F64x2Add, f64x2_add) X(F64x2Sub, f64x2_sub) X(F64x2Mul, f64x2_mul)               \
  X(I8x16Add, i8x16_add) X(I16x8Add, i16x8_add) X(I32x4Add, i32x4_add)               \
  X(I64x2Add, i64x2_add) X(I32x4Sub, i32x4_sub) X(I32x4Mul, i32x4_mul)               \
  X(V128And, v128_and) X(V128Or, v128_or) X(V128Xor, v128_xor)
// clang-format on

#define SIMD_FUSED(Op, fn)                                                       \
  IRONCLAD_DEFINE_HANDLER(Op##_sm) {                                             \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.b)} + ip[3].u64;    \
    if (ea + 16 > memsize) [[unlikely]]                                          \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    V128 a, b;                                                                   \
    std::memcpy(b.bytes, mem + ea, 16);                                          \
    std::memcpy(a.bytes, fp + ip[1].pair.a, 16);                                 \
    V128 r = simd::fn(a, b);                                                     \
    std::memcpy(fp + ip[2].pair.a, r.bytes, 16);                                 \
    IRONCLAD_NEXT(4);                                                            \
  }                                                                              \
  IRONCLAD_DEFINE_HANDLER(Op##_rmw) {                                            \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.b)} + ip[2].u64;    \
    if (ea + 16 > memsize) [[unlikely]]                                          \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    V128 a, b;                                                                   \
    std::memcpy(b.bytes, mem + ea, 16);                                          \
    std::memcpy(a.bytes, fp + ip[1].pair.a, 16);                                 \
    V128 r = simd::fn(a, b);                                                     \
    std::memcpy(mem + ea, r.bytes, 16);                                          \
    IRONCLAD_NEXT(3);                                                            \
  }
FUSABLE_SIMD(SIMD_FUSED)

#define LOAD_ADD(Op, MemT, R)                                                    \
  IRONCLAD_DEFINE_HANDLER(Op##_add_ss) {                                         \
    uint32_t addr = slot_get<uint32_t>(fp, ip[1].pair.a) + slot_get<uint32_t>(fp, ip[1].pair.b); \
    uint64_t ea = uint64_t{addr} + ip[3].u64;                                    \
    if (ea + sizeof(MemT) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    MemT v;                                                                      \
    std::memcpy(&v, mem + ea, sizeof(MemT));                                     \
    slot_set<R>(fp, ip[2].pair.a, static_cast<R>(v));                            \
    IRONCLAD_NEXT(4);                                                            \
  }                                                                              \
  IRONCLAD_DEFINE_HANDLER(Op##_add_si) {                                         \
    uint32_t addr = slot_get<uint32_t>(fp, ip[1].pair.a) + static_cast<uint32_t>(ip[2].u64); \
    uint64_t ea = uint64_t{addr} + ip[3].u64;                                    \
    if (ea + sizeof(MemT) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    MemT v;                                                                      \
    std::memcpy(&v, mem + ea, sizeof(MemT));                                     \
    slot_set<R>(fp, ip[1].pair.b, static_cast<R>(v));                            \
    IRONCLAD_NEXT(4);                                                            \
  }

// load(a + (b << k)): an array element, [h][a|b][dst|k][offset].
#define LOAD_ADD_SHL(Op, MemT, R)                                                \
  IRONCLAD_DEFINE_HANDLER(Op##_add_shl) {                                        \
    uint32_t addr = slot_get<uint32_t>(fp, ip[1].pair.a) +                       \
                    (slot_get<uint32_t>(fp, ip[1].pair.b) << ip[2].pair.b);      \
    uint64_t ea = uint64_t{addr} + ip[3].u64;                                    \
    if (ea + sizeof(MemT) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    MemT v;                                                                      \
    std::memcpy(&v, mem + ea, sizeof(MemT));                                     \
    slot_set<R>(fp, ip[2].pair.a, static_cast<R>(v));                            \
    IRONCLAD_NEXT(4);                                                            \
  }

// clang-format off
#define FUSABLE_LOADS(X)                                                       \
  X(I32Load, uint32_t, uint32_t) X(I64Load, uint64_t, uint64_t)                \
  X(F32Load, uint32_t, uint32_t) X(F64Load, uint64_t, uint64_t)                \
  X(I32Load8S, int8_t, uint32_t) X(I32Load8U, uint8_t, uint32_t)               \
  X(I32Load16S, int16_t, uint32_t) X(I32Load16U, uint16_t, uint32_t)           \
  X(I64Load8S, int8_t, uint64_t) X(I64Load8U, uint8_t, uint64_t)               \
  X(I64Load16S, int16_t, uint64_t) X(I64Load16U, uint16_t, uint64_t)           \
  X(I64Load32S, int32_t, uint64_t) X(I64Load32U, uint32_t, uint64_t)
// clang-format on
FUSABLE_LOADS(LOAD_ADD)
FUSABLE_LOADS(LOAD_ADD_SHL)

// store to a + imm (i32, wrapping) plus the offset: [h][a|value][imm][offset].
#define STORE_ADD(Op, MemT)                                                      \
  IRONCLAD_DEFINE_HANDLER(Op##_store_add_si) {                                   \
    uint32_t addr = slot_get<uint32_t>(fp, ip[1].pair.a) + static_cast<uint32_t>(ip[2].u64); \
    uint64_t ea = uint64_t{addr} + ip[3].u64;                                    \
    if (ea + sizeof(MemT) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    MemT v = slot_get<MemT>(fp, ip[1].pair.b);                                   \
    std::memcpy(mem + ea, &v, sizeof(MemT));                                     \
    IRONCLAD_NEXT(4);                                                            \
  }
// clang-format off
#define FUSABLE_STORES(X)                                                      \
  X(I32Store, uint32_t) X(I64Store, uint64_t) X(F32Store, uint32_t)            \
  X(F64Store, uint64_t) X(I32Store8, uint8_t) X(I32Store16, uint16_t)          \
  X(I64Store8, uint8_t) X(I64Store16, uint16_t) X(I64Store32, uint32_t)
// clang-format on
FUSABLE_STORES(STORE_ADD)

}  // namespace

// a + (b << k), the address of an array element: [h][a|b][dst|k] (k already masked to 0..31).
IRONCLAD_DEFINE_HANDLER(h_i32_add_shl) {
  uint32_t r = slot_get<uint32_t>(fp, ip[1].pair.a) +
               (slot_get<uint32_t>(fp, ip[1].pair.b) << ip[2].pair.b);
  slot_set<uint32_t>(fp, ip[2].pair.a, r);
  IRONCLAD_NEXT(3);
}

namespace {

}  // namespace

Handler binop_load_handler(wasm::Opcode op) {
  switch (op) {
#define SIMD_CASE(Op, fn) case wasm::Opcode::Op: return Op##_sm;
    FUSABLE_SIMD(SIMD_CASE)
#undef SIMD_CASE
#define BINOP(Op, T, R, expr) case wasm::Opcode::Op: return Op##_sm;
#define CMPOP(Op, T, expr)
#define TBINOP(Op, T, fn)
#define UNOP(Op, T, R, expr)
#define TUNOP(Op, T, R, fn)
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP
    default: return nullptr;
  }
}

Handler binop_rmw_handler(wasm::Opcode op) {
  switch (op) {
#define SIMD_CASE(Op, fn) case wasm::Opcode::Op: return Op##_rmw;
    FUSABLE_SIMD(SIMD_CASE)
#undef SIMD_CASE
#define BINOP(Op, T, R, expr) case wasm::Opcode::Op: return Op##_rmw;
#define CMPOP(Op, T, expr)
#define TBINOP(Op, T, fn)
#define UNOP(Op, T, R, expr)
#define TUNOP(Op, T, R, fn)
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP
    default: return nullptr;
  }
}

Handler store_add_handler(wasm::Opcode op) {
  switch (op) {
#define CASE(Op, MemT) case wasm::Opcode::Op: return Op##_store_add_si;
    FUSABLE_STORES(CASE)
#undef CASE
    default: return nullptr;
  }
}

Handler load_add_shl_handler(wasm::Opcode op) {
  switch (op) {
#define CASE(Op, MemT, R) case wasm::Opcode::Op: return Op##_add_shl;
    FUSABLE_LOADS(CASE)
#undef CASE
    default: return nullptr;
  }
}

Handler load_add_handler(wasm::Opcode op, bool imm) {
  switch (op) {
#define CASE(Op, MemT, R) case wasm::Opcode::Op: return imm ? Op##_add_si : Op##_add_ss;
    FUSABLE_LOADS(CASE)
#undef CASE
    default: return nullptr;
  }
}

}  // namespace ironclad::interp
