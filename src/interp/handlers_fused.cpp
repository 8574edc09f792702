// Superinstructions: pairs of wasm instructions that the lowering fuses because they are
// frequent in compiled C and each dispatch saved is a handler's whole cost.
//  - binary operator whose second operand comes straight from a load:
//      [h][a|addr][dst|imm][offset]          (`x op load((addr + imm) mod 2^32 + offset)`)
//  - load whose address is an i32.add of two slots, or of a slot and an immediate:
//      [h][a|b][dst|-][offset]               (`load((a + b) mod 2^32 + offset)`)
//      [h][a|dst][imm][offset]
// The 32-bit sum wraps as i32.add does; only then is the static offset added in 64 bits.
#include <cstring>

#include "interp/handler_macros.h"
#include "interp/handlers.h"
#include "interp/handlers_fused.h"
#include "interp/numerics.h"
#include "interp/simd.h"

namespace ironclad::interp {
namespace {

#define BINOP(Op, T, R, expr)                                                    \
  IRONCLAD_DEFINE_HANDLER(Op##_sm) {                                             \
    uint32_t addr = slot_get<uint32_t>(fp, ip[1].pair.b) + ip[2].pair.b;         \
    uint64_t ea = uint64_t{addr} + ip[3].u64;                                    \
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
    uint32_t addr = slot_get<uint32_t>(fp, ip[1].pair.b) + ip[2].pair.b;         \
    uint64_t ea = uint64_t{addr} + ip[3].u64;                                    \
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
struct Bytes16 {
  uint8_t b[16];
};
LOAD_ADD(V128Load, Bytes16, Bytes16)
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

// `mem[p] = (x * mem[q]) + mem[p]`, the `c[j] += a * b[j]` of C: a multiply that loaded its
// operand followed by the read-modify-write of another location, [h][x|q][p|qimm][qoff][poff],
// q's address being (q + qimm) mod 2^32 + qoff. The parts run in the unfused order (load q,
// multiply, load p, add, store p) with the same operand order, so the results are the same
// bits; a trap at q is the multiply's (ip), at p the add's (ip + 1, which the lowering maps to
// the add's load). Contraction into a fused multiply-add would change the rounding: off.
#pragma clang fp contract(off)
#define MULADD(Name, T, mul, add)                                                \
  IRONCLAD_DEFINE_HANDLER(Name) {                                                \
    uint32_t qa = slot_get<uint32_t>(fp, ip[1].pair.b) + ip[2].pair.b;           \
    uint64_t qea = uint64_t{qa} + ip[3].u64;                                     \
    if (qea + sizeof(T) > memsize) [[unlikely]]                                  \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    T q, p;                                                                      \
    std::memcpy(&q, mem + qea, sizeof(T));                                       \
    T t = mul(slot_get<T>(fp, ip[1].pair.a), q);                                 \
    uint64_t pea = uint64_t{slot_get<uint32_t>(fp, ip[2].pair.a)} + ip[4].u64;   \
    if (pea + sizeof(T) > memsize) [[unlikely]]                                  \
      return raise_trap(ctx, ip + 1, TrapKind::OutOfBoundsMemoryAccess);         \
    std::memcpy(&p, mem + pea, sizeof(T));                                       \
    T r = add(t, p);                                                             \
    std::memcpy(mem + pea, &r, sizeof(T));                                       \
    IRONCLAD_NEXT(5);                                                            \
  }
// `mem[p] = mem[p] + (x * mem[q])` with p loaded first (the order of C's
// `c[j] = c[j] + a * b[j]`): the same layout, a trap at p raised at ip (p's load), at q at
// ip + 1 (the multiply's load).
#define MULADD_P_FIRST(Name, T, mul, add)                                        \
  IRONCLAD_DEFINE_HANDLER(Name) {                                                \
    uint64_t pea = uint64_t{slot_get<uint32_t>(fp, ip[2].pair.a)} + ip[4].u64;   \
    if (pea + sizeof(T) > memsize) [[unlikely]]                                  \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);             \
    T p, q;                                                                      \
    std::memcpy(&p, mem + pea, sizeof(T));                                       \
    uint32_t qa = slot_get<uint32_t>(fp, ip[1].pair.b) + ip[2].pair.b;           \
    uint64_t qea = uint64_t{qa} + ip[3].u64;                                     \
    if (qea + sizeof(T) > memsize) [[unlikely]]                                  \
      return raise_trap(ctx, ip + 1, TrapKind::OutOfBoundsMemoryAccess);         \
    std::memcpy(&q, mem + qea, sizeof(T));                                       \
    T t = mul(slot_get<T>(fp, ip[1].pair.a), q);                                 \
    T r = add(p, t);                                                             \
    std::memcpy(mem + pea, &r, sizeof(T));                                       \
    IRONCLAD_NEXT(5);                                                            \
  }
template <typename T>
inline T mul(T a, T b) { return a * b; }
template <typename T>
inline T add(T a, T b) { return a + b; }
MULADD(h_i32_muladd_rmw, uint32_t, mul, add)
MULADD(h_i64_muladd_rmw, uint64_t, mul, add)
MULADD(h_f32_muladd_rmw, float, mul, add)
MULADD(h_f64_muladd_rmw, double, mul, add)
MULADD(h_f32x4_muladd_rmw, V128, simd::f32x4_mul, simd::f32x4_add)
MULADD(h_f64x2_muladd_rmw, V128, simd::f64x2_mul, simd::f64x2_add)
MULADD_P_FIRST(h_i32_muladd_rmw_p, uint32_t, mul, add)
MULADD_P_FIRST(h_i64_muladd_rmw_p, uint64_t, mul, add)
MULADD_P_FIRST(h_f32_muladd_rmw_p, float, mul, add)
MULADD_P_FIRST(h_f64_muladd_rmw_p, double, mul, add)
MULADD_P_FIRST(h_f32x4_muladd_rmw_p, V128, simd::f32x4_mul, simd::f32x4_add)
MULADD_P_FIRST(h_f64x2_muladd_rmw_p, V128, simd::f64x2_mul, simd::f64x2_add)
#undef MULADD
#undef MULADD_P_FIRST

// A load whose value goes straight to a store, `*p = *q` (a table lookup copied out, a
// struct copy): [h][q|p][qimm|pimm][qoff][poff], each address being (slot + imm) mod 2^32
// plus the offset. The load reads L bytes (its bounds), the store writes the first S <= L
// (a narrower store keeps the low bytes, little-endian): the bytes the two instructions
// would move, whatever the load's extension. A trap at q is the load's (ip), at p the
// store's (ip + 1).
template <size_t L, size_t S>
IRONCLAD_DEFINE_HANDLER(h_move) {
  uint32_t qa = slot_get<uint32_t>(fp, ip[1].pair.a) + ip[2].pair.a;
  uint64_t qea = uint64_t{qa} + ip[3].u64;
  if (qea + L > memsize) [[unlikely]]
    return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);
  uint8_t v[S];
  std::memcpy(v, mem + qea, S);
  uint32_t pa = slot_get<uint32_t>(fp, ip[1].pair.b) + ip[2].pair.b;
  uint64_t pea = uint64_t{pa} + ip[4].u64;
  if (pea + S > memsize) [[unlikely]]
    return raise_trap(ctx, ip + 1, TrapKind::OutOfBoundsMemoryAccess);
  std::memcpy(mem + pea, v, S);
  IRONCLAD_NEXT(5);
}

// A load whose address is another load's i32 value plus an immediate, `table[*q]`:
// [h][q|dst][qimm|imm][qoff][off]; the inner load (InT: its memory type, extended to i32
// as that load does) reads (q + qimm) mod 2^32 + qoff, the outer one
// (inner + imm) mod 2^32 + off. A trap in the inner load is raised at ip, in the outer at
// ip + 1.
template <typename InT, typename MemT, typename R>
IRONCLAD_DEFINE_HANDLER(h_load_load) {
  uint32_t qa = slot_get<uint32_t>(fp, ip[1].pair.a) + ip[2].pair.a;
  uint64_t qea = uint64_t{qa} + ip[3].u64;
  if (qea + sizeof(InT) > memsize) [[unlikely]]
    return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);
  InT inner;
  std::memcpy(&inner, mem + qea, sizeof(InT));
  uint32_t addr = static_cast<uint32_t>(inner) + ip[2].pair.b;
  uint64_t ea = uint64_t{addr} + ip[4].u64;
  if (ea + sizeof(MemT) > memsize) [[unlikely]]
    return raise_trap(ctx, ip + 1, TrapKind::OutOfBoundsMemoryAccess);
  MemT v;
  std::memcpy(&v, mem + ea, sizeof(MemT));
  slot_set<R>(fp, ip[1].pair.b, static_cast<R>(v));
  IRONCLAD_NEXT(5);
}

// The width in bytes of a scalar or v128 load or store (0 for other opcodes).
size_t access_width(wasm::Opcode op) {
  using wasm::Opcode;
  switch (op) {
    case Opcode::I32Load8S: case Opcode::I32Load8U: case Opcode::I64Load8S:
    case Opcode::I64Load8U: case Opcode::I32Store8: case Opcode::I64Store8:
      return 1;
    case Opcode::I32Load16S: case Opcode::I32Load16U: case Opcode::I64Load16S:
    case Opcode::I64Load16U: case Opcode::I32Store16: case Opcode::I64Store16:
      return 2;
    case Opcode::I32Load: case Opcode::F32Load: case Opcode::I64Load32S:
    case Opcode::I64Load32U: case Opcode::I32Store: case Opcode::F32Store:
    case Opcode::I64Store32:
      return 4;
    case Opcode::I64Load: case Opcode::F64Load: case Opcode::I64Store: case Opcode::F64Store:
      return 8;
    case Opcode::V128Load: case Opcode::V128Store:
      return 16;
    default:
      return 0;
  }
}

template <typename InT>
Handler load_load_for(wasm::Opcode outer) {
  switch (outer) {
#define CASE(Op, MemT, R) case wasm::Opcode::Op: return h_load_load<InT, MemT, R>;
    FUSABLE_LOADS(CASE)
#undef CASE
    default: return nullptr;
  }
}

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

Handler move_handler(wasm::Opcode load, wasm::Opcode store) {
  const size_t l = access_width(load), s = access_width(store);
  if (l == 0 || s == 0 || s > l || load_handler(load) == nullptr || store_handler(store) == nullptr)
    return nullptr;
  if (l == 16) return s == 16 ? h_move<16, 16> : nullptr;
  if (s == 16) return nullptr;
  switch (l * 16 + s) {
    case 1 * 16 + 1: return h_move<1, 1>;
    case 2 * 16 + 1: return h_move<2, 1>;
    case 2 * 16 + 2: return h_move<2, 2>;
    case 4 * 16 + 1: return h_move<4, 1>;
    case 4 * 16 + 2: return h_move<4, 2>;
    case 4 * 16 + 4: return h_move<4, 4>;
    case 8 * 16 + 1: return h_move<8, 1>;
    case 8 * 16 + 2: return h_move<8, 2>;
    case 8 * 16 + 4: return h_move<8, 4>;
    case 8 * 16 + 8: return h_move<8, 8>;
    default: return nullptr;
  }
}

Handler load_load_handler(wasm::Opcode inner, wasm::Opcode outer) {
  switch (inner) {
    case wasm::Opcode::I32Load: return load_load_for<uint32_t>(outer);
    case wasm::Opcode::I32Load8S: return load_load_for<int8_t>(outer);
    case wasm::Opcode::I32Load8U: return load_load_for<uint8_t>(outer);
    case wasm::Opcode::I32Load16S: return load_load_for<int16_t>(outer);
    case wasm::Opcode::I32Load16U: return load_load_for<uint16_t>(outer);
    default: return nullptr;
  }
}

Handler muladd_rmw_handler(wasm::Opcode mul, wasm::Opcode add, bool p_first) {
  using wasm::Opcode;
  if (mul == Opcode::I32Mul && add == Opcode::I32Add)
    return p_first ? h_i32_muladd_rmw_p : h_i32_muladd_rmw;
  if (mul == Opcode::I64Mul && add == Opcode::I64Add)
    return p_first ? h_i64_muladd_rmw_p : h_i64_muladd_rmw;
  if (mul == Opcode::F32Mul && add == Opcode::F32Add)
    return p_first ? h_f32_muladd_rmw_p : h_f32_muladd_rmw;
  if (mul == Opcode::F64Mul && add == Opcode::F64Add)
    return p_first ? h_f64_muladd_rmw_p : h_f64_muladd_rmw;
  if (mul == Opcode::F32x4Mul && add == Opcode::F32x4Add)
    return p_first ? h_f32x4_muladd_rmw_p : h_f32x4_muladd_rmw;
  if (mul == Opcode::F64x2Mul && add == Opcode::F64x2Add)
    return p_first ? h_f64x2_muladd_rmw_p : h_f64x2_muladd_rmw;
  return nullptr;
}

Handler load_add_handler(wasm::Opcode op, bool imm) {
  switch (op) {
    case wasm::Opcode::V128Load: return imm ? V128Load_add_si : V128Load_add_ss;
#define CASE(Op, MemT, R) case wasm::Opcode::Op: return imm ? Op##_add_si : Op##_add_ss;
    FUSABLE_LOADS(CASE)
#undef CASE
    default: return nullptr;
  }
}

}  // namespace ironclad::interp
