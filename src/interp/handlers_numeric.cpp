// Handlers for the scalar numeric operators, generated from numeric_ops.def: each binary
// operator in a slot-slot and a slot-immediate form, each comparison also fused with a
// conditional branch (both polarities), each unary operator in one form.
#include <cstring>

#include "interp/handler_macros.h"
#include "interp/numerics.h"

namespace ironclad::interp {
namespace {

#define BINOP(Op, T, R, expr)                                   \
  IRONCLAD_DEFINE_HANDLER(Op##_ss) {                            \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    T b = slot_get<T>(fp, ip[1].pair.b);                        \
    slot_set<R>(fp, ip[2].pair.a, static_cast<R>(expr));        \
    IRONCLAD_NEXT(3);                                           \
  }                                                             \
  IRONCLAD_DEFINE_HANDLER(Op##_si) {                            \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    T b = word_imm<T>(ip[2]);                                   \
    slot_set<R>(fp, ip[1].pair.b, static_cast<R>(expr));        \
    IRONCLAD_NEXT(3);                                           \
  }

#define CMPOP(Op, T, expr)                                      \
  BINOP(Op, T, uint32_t, expr)                                  \
  IRONCLAD_DEFINE_HANDLER(Op##_br_ss_true) {                    \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    T b = slot_get<T>(fp, ip[1].pair.b);                        \
    if (expr) IRONCLAD_BRANCH(ip[2].target);                      \
    IRONCLAD_NEXT(3);                                           \
  }                                                             \
  IRONCLAD_DEFINE_HANDLER(Op##_br_ss_false) {                   \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    T b = slot_get<T>(fp, ip[1].pair.b);                        \
    if (!(expr)) IRONCLAD_BRANCH(ip[2].target);                   \
    IRONCLAD_NEXT(3);                                           \
  }                                                             \
  IRONCLAD_DEFINE_HANDLER(Op##_br_si_true) {                    \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    T b = word_imm<T>(ip[2]);                                   \
    if (expr) IRONCLAD_BRANCH(ip[3].target);                      \
    IRONCLAD_NEXT(4);                                           \
  }                                                             \
  IRONCLAD_DEFINE_HANDLER(Op##_br_si_false) {                   \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    T b = word_imm<T>(ip[2]);                                   \
    if (!(expr)) IRONCLAD_BRANCH(ip[3].target);                   \
    IRONCLAD_NEXT(4);                                           \
  }

#define TBINOP(Op, T, fn)                                       \
  IRONCLAD_DEFINE_HANDLER(Op##_ss) {                            \
    T out;                                                      \
    TrapKind k = fn(slot_get<T>(fp, ip[1].pair.a), slot_get<T>(fp, ip[1].pair.b), out); \
    if (k != TrapKind::None) [[unlikely]] return raise_trap(ctx, ip, k); \
    slot_set<T>(fp, ip[2].pair.a, out);                         \
    IRONCLAD_NEXT(3);                                           \
  }                                                             \
  IRONCLAD_DEFINE_HANDLER(Op##_si) {                            \
    T out;                                                      \
    TrapKind k = fn(slot_get<T>(fp, ip[1].pair.a), word_imm<T>(ip[2]), out); \
    if (k != TrapKind::None) [[unlikely]] return raise_trap(ctx, ip, k); \
    slot_set<T>(fp, ip[1].pair.b, out);                         \
    IRONCLAD_NEXT(3);                                           \
  }

#define UNOP(Op, T, R, expr)                                    \
  IRONCLAD_DEFINE_HANDLER(Op##_s) {                             \
    T a = slot_get<T>(fp, ip[1].pair.a);                        \
    slot_set<R>(fp, ip[1].pair.b, static_cast<R>(expr));        \
    IRONCLAD_NEXT(2);                                           \
  }

#define TUNOP(Op, T, R, fn)                                     \
  IRONCLAD_DEFINE_HANDLER(Op##_s) {                             \
    R out;                                                      \
    TrapKind k = fn(slot_get<T>(fp, ip[1].pair.a), out);        \
    if (k != TrapKind::None) [[unlikely]] return raise_trap(ctx, ip, k); \
    slot_set<R>(fp, ip[1].pair.b, out);                         \
    IRONCLAD_NEXT(2);                                           \
  }

#include "interp/numeric_ops.def"

#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP

}  // namespace

using wasm::Opcode;

Handler unop_handler(Opcode op) {
  switch (op) {
#define BINOP(Op, T, R, expr)
#define CMPOP(Op, T, expr)
#define TBINOP(Op, T, fn)
#define UNOP(Op, T, R, expr) case Opcode::Op: return Op##_s;
#define TUNOP(Op, T, R, fn) case Opcode::Op: return Op##_s;
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP
    default: return nullptr;
  }
}

Handler binop_handler(Opcode op, bool imm) {
  switch (op) {
#define BINOP(Op, T, R, expr) case Opcode::Op: return imm ? Op##_si : Op##_ss;
#define CMPOP(Op, T, expr) case Opcode::Op: return imm ? Op##_si : Op##_ss;
#define TBINOP(Op, T, fn) case Opcode::Op: return imm ? Op##_si : Op##_ss;
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

Handler branch_compare_handler(Opcode op, bool imm, bool when) {
  switch (op) {
#define BINOP(Op, T, R, expr)
#define CMPOP(Op, T, expr)                                                    \
  case Opcode::Op:                                                            \
    return imm ? (when ? Op##_br_si_true : Op##_br_si_false)                  \
               : (when ? Op##_br_ss_true : Op##_br_ss_false);
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

}  // namespace ironclad::interp
