// Handlers for the SIMD instructions, generated from the signature-class lists of
// simd_ops.h (the semantics live in simd*.h; this file only moves operands). A v128
// occupies two consecutive slots.
#include <cstring>

#include "interp/handler_macros.h"
#include "interp/handlers_simd.h"
#include "interp/simd.h"
#include "interp/simd_ops.h"

namespace ironclad::interp {
namespace {

inline V128 get_v128(const uint64_t* fp, uint32_t i) {
  V128 v;
  std::memcpy(v.bytes, fp + i, 16);
  return v;
}
inline void set_v128(uint64_t* fp, uint32_t i, const V128& v) { std::memcpy(fp + i, v.bytes, 16); }

// [h][a|dst]
#define UNARY(Op, fn)                                          \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    set_v128(fp, ip[1].pair.b, simd::fn(get_v128(fp, ip[1].pair.a))); \
    IRONCLAD_NEXT(2);                                          \
  }
// [h][a|b][dst|-]
#define BINARY(Op, fn)                                         \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    V128 r = simd::fn(get_v128(fp, ip[1].pair.a), get_v128(fp, ip[1].pair.b)); \
    set_v128(fp, ip[2].pair.a, r);                             \
    IRONCLAD_NEXT(3);                                          \
  }
// [h][a|b][c|dst]
#define TERNARY(Op, fn)                                        \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    V128 r = simd::fn(get_v128(fp, ip[1].pair.a), get_v128(fp, ip[1].pair.b), \
                      get_v128(fp, ip[2].pair.a));             \
    set_v128(fp, ip[2].pair.b, r);                             \
    IRONCLAD_NEXT(3);                                          \
  }
// [h][a|count][dst|-]
#define SHIFT(Op, fn)                                          \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    V128 r = simd::fn(get_v128(fp, ip[1].pair.a), slot_get<uint32_t>(fp, ip[1].pair.b)); \
    set_v128(fp, ip[2].pair.a, r);                             \
    IRONCLAD_NEXT(3);                                          \
  }
// [h][a|dst]
#define TEST(Op, fn)                                           \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    slot_set<uint32_t>(fp, ip[1].pair.b, simd::fn(get_v128(fp, ip[1].pair.a))); \
    IRONCLAD_NEXT(2);                                          \
  }
// [h][x|dst]
#define SPLAT(Op, fn, T)                                       \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    set_v128(fp, ip[1].pair.b, simd::fn(slot_get<T>(fp, ip[1].pair.a))); \
    IRONCLAD_NEXT(2);                                          \
  }
// [h][a|dst][lane|-]
#define EXTRACT(Op, fn, T)                                     \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    slot_set<T>(fp, ip[1].pair.b, simd::fn(get_v128(fp, ip[1].pair.a), ip[2].pair.a)); \
    IRONCLAD_NEXT(3);                                          \
  }
// [h][a|x][dst|lane]
#define REPLACE(Op, fn, T)                                     \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    V128 r = simd::fn(get_v128(fp, ip[1].pair.a), ip[2].pair.b, slot_get<T>(fp, ip[1].pair.b)); \
    set_v128(fp, ip[2].pair.a, r);                             \
    IRONCLAD_NEXT(3);                                          \
  }
// [h][a|b][dst|-][lanes 0-7][lanes 8-15]
#define SHUFFLE(Op, fn)                                        \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    uint8_t lanes[16];                                         \
    std::memcpy(lanes, &ip[3], 16);                            \
    V128 r = simd::fn(get_v128(fp, ip[1].pair.a), get_v128(fp, ip[1].pair.b), lanes); \
    set_v128(fp, ip[2].pair.a, r);                             \
    IRONCLAD_NEXT(5);                                          \
  }
// [h][addr|dst][offset]: reads sizeof(T) bytes, builds the vector with fn.
#define LOAD_VIA(Op, fn, T)                                    \
  IRONCLAD_DEFINE_HANDLER(Op##_simd) {                         \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.a)} + ip[2].u64; \
    if (ea + sizeof(T) > memsize) [[unlikely]]                 \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess); \
    T bits;                                                    \
    std::memcpy(&bits, mem + ea, sizeof(T));                   \
    set_v128(fp, ip[1].pair.b, simd::fn(bits));                \
    IRONCLAD_NEXT(3);                                          \
  }

IRONCLAD_SIMD_UNARY(UNARY)
IRONCLAD_SIMD_BINARY(BINARY)
IRONCLAD_SIMD_TERNARY(TERNARY)
IRONCLAD_SIMD_SHIFT(SHIFT)
IRONCLAD_SIMD_TEST(TEST)
IRONCLAD_SIMD_SPLAT(SPLAT)
IRONCLAD_SIMD_EXTRACT_LANE(EXTRACT)
IRONCLAD_SIMD_REPLACE_LANE(REPLACE)
IRONCLAD_SIMD_SHUFFLE(SHUFFLE)
IRONCLAD_SIMD_LOAD_EXTEND(LOAD_VIA)
IRONCLAD_SIMD_LOAD_SPLAT(LOAD_VIA)
IRONCLAD_SIMD_LOAD_ZERO(LOAD_VIA)

// Lane loads and stores: [h][addr|vec][offset][dst|lane] and [h][addr|vec][offset][lane|-].
// A lane load replaces one lane of the vector operand with the loaded value.
#define LANE_ACCESS(Bits, T)                                                  \
  IRONCLAD_DEFINE_HANDLER(V128Load##Bits##Lane_simd) {                        \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.a)} + ip[2].u64; \
    if (ea + sizeof(T) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);          \
    V128 v = get_v128(fp, ip[1].pair.b);                                      \
    std::memcpy(v.bytes + ip[3].pair.b * sizeof(T), mem + ea, sizeof(T));     \
    set_v128(fp, ip[3].pair.a, v);                                            \
    IRONCLAD_NEXT(4);                                                         \
  }                                                                           \
  IRONCLAD_DEFINE_HANDLER(V128Store##Bits##Lane_simd) {                       \
    uint64_t ea = uint64_t{slot_get<uint32_t>(fp, ip[1].pair.a)} + ip[2].u64; \
    if (ea + sizeof(T) > memsize) [[unlikely]]                                \
      return raise_trap(ctx, ip, TrapKind::OutOfBoundsMemoryAccess);          \
    V128 v = get_v128(fp, ip[1].pair.b);                                      \
    std::memcpy(mem + ea, v.bytes + ip[3].pair.a * sizeof(T), sizeof(T));     \
    IRONCLAD_NEXT(4);                                                         \
  }
LANE_ACCESS(8, uint8_t)
LANE_ACCESS(16, uint16_t)
LANE_ACCESS(32, uint32_t)
LANE_ACCESS(64, uint64_t)

}  // namespace

SimdHandler simd_handler(wasm::Opcode op) {
  using wasm::Opcode;
  switch (op) {
#define U(Op, fn) case Opcode::Op: return {Op##_simd, SimdForm::Unary};
#define B(Op, fn) case Opcode::Op: return {Op##_simd, SimdForm::Binary};
#define T3(Op, fn) case Opcode::Op: return {Op##_simd, SimdForm::Ternary};
#define SH(Op, fn) case Opcode::Op: return {Op##_simd, SimdForm::Shift};
#define TS(Op, fn) case Opcode::Op: return {Op##_simd, SimdForm::Test};
#define SP(Op, fn, T) case Opcode::Op: return {Op##_simd, SimdForm::Splat};
#define EX(Op, fn, T) case Opcode::Op: return {Op##_simd, SimdForm::Extract};
#define RE(Op, fn, T) case Opcode::Op: return {Op##_simd, SimdForm::Replace};
#define SHF(Op, fn) case Opcode::Op: return {Op##_simd, SimdForm::Shuffle};
#define LD(Op, fn, T) case Opcode::Op: return {Op##_simd, SimdForm::Load};
    IRONCLAD_SIMD_UNARY(U)
    IRONCLAD_SIMD_BINARY(B)
    IRONCLAD_SIMD_TERNARY(T3)
    IRONCLAD_SIMD_SHIFT(SH)
    IRONCLAD_SIMD_TEST(TS)
    IRONCLAD_SIMD_SPLAT(SP)
    IRONCLAD_SIMD_EXTRACT_LANE(EX)
    IRONCLAD_SIMD_REPLACE_LANE(RE)
    IRONCLAD_SIMD_SHUFFLE(SHF)
    IRONCLAD_SIMD_LOAD_EXTEND(LD)
    IRONCLAD_SIMD_LOAD_SPLAT(LD)
    IRONCLAD_SIMD_LOAD_ZERO(LD)
    case Opcode::V128Load8Lane: return {V128Load8Lane_simd, SimdForm::LoadLane};
    case Opcode::V128Load16Lane: return {V128Load16Lane_simd, SimdForm::LoadLane};
    case Opcode::V128Load32Lane: return {V128Load32Lane_simd, SimdForm::LoadLane};
    case Opcode::V128Load64Lane: return {V128Load64Lane_simd, SimdForm::LoadLane};
    case Opcode::V128Store8Lane: return {V128Store8Lane_simd, SimdForm::StoreLane};
    case Opcode::V128Store16Lane: return {V128Store16Lane_simd, SimdForm::StoreLane};
    case Opcode::V128Store32Lane: return {V128Store32Lane_simd, SimdForm::StoreLane};
    case Opcode::V128Store64Lane: return {V128Store64Lane_simd, SimdForm::StoreLane};
    default: return {};
  }
}

}  // namespace ironclad::interp
