// Pairs: two adjacent instructions run by one handler. After lowering, the first word of
// an instruction A that falls through to an instruction B is replaced by the handler of
// the pair (A, B) when there is one and B is not a jump target (Lowerer::fuse_adjacent).
// Nothing else changes: A's and B's operand words stay where they were, and so does B's
// own handler word (B would still run alone if jumped to), and the code offsets of both
// are unchanged. The pair handler does A, then B (reading B's operands at ip + len(A)),
// then continues after B or at B's branch target. Neither half can trap, so a pair behaves exactly as the two
// instructions one after the other.
//
// The halves are the scalar integer operators, constants and moves most frequent in
// compiled C (the i32 arithmetic of address and hash computations, the i64 arithmetic of
// hashes); the second half may also be a conditional branch (the step and test of a loop).
#include <unordered_map>

#include "interp/handler_macros.h"
#include "interp/handlers.h"
#include "interp/handlers_fused.h"
#include "interp/numerics.h"

namespace ironclad::interp {
namespace {

using Body = void (*)(const Word*, uint64_t*);
using Cond = bool (*)(const Word*, const uint64_t*);

// What each instruction does, without the dispatch; operand layouts as in handlers.h.
#define BINOP(Op, T, R, expr)                                                    \
  [[gnu::always_inline]] inline void Op##_ss(const Word* ip, uint64_t* fp) {     \
    T a = slot_get<T>(fp, ip[1].pair.a);                                         \
    T b = slot_get<T>(fp, ip[1].pair.b);                                         \
    slot_set<R>(fp, ip[2].pair.a, static_cast<R>(expr));                         \
  }                                                                              \
  [[gnu::always_inline]] inline void Op##_si(const Word* ip, uint64_t* fp) {     \
    T a = slot_get<T>(fp, ip[1].pair.a);                                         \
    T b = word_imm<T>(ip[2]);                                                    \
    slot_set<R>(fp, ip[1].pair.b, static_cast<R>(expr));                         \
  }
// Compare-and-branch: [h][a|b][T] and [h][a|-][imm][T]; taken when the comparison is true
// (the _false forms negate it).
#define CMPOP(Op, T, expr)                                                       \
  [[gnu::always_inline]] inline bool Op##_br_ss(const Word* ip, const uint64_t* fp) { \
    T a = slot_get<T>(fp, ip[1].pair.a);                                         \
    T b = slot_get<T>(fp, ip[1].pair.b);                                         \
    return (expr);                                                               \
  }                                                                              \
  [[gnu::always_inline]] inline bool Op##_br_si(const Word* ip, const uint64_t* fp) { \
    T a = slot_get<T>(fp, ip[1].pair.a);                                         \
    T b = word_imm<T>(ip[2]);                                                    \
    return (expr);                                                               \
  }                                                                              \
  [[gnu::always_inline]] inline bool Op##_br_ss_not(const Word* ip, const uint64_t* fp) { \
    return !Op##_br_ss(ip, fp);                                                  \
  }                                                                              \
  [[gnu::always_inline]] inline bool Op##_br_si_not(const Word* ip, const uint64_t* fp) { \
    return !Op##_br_si(ip, fp);                                                  \
  }
#define TBINOP(Op, T, fn)
#define UNOP(Op, T, R, expr)
#define TUNOP(Op, T, R, fn)
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP

[[gnu::always_inline]] inline void copy64(const Word* ip, uint64_t* fp) {
  fp[ip[1].pair.b] = fp[ip[1].pair.a];
}
[[gnu::always_inline]] inline void const64(const Word* ip, uint64_t* fp) {
  fp[ip[1].pair.a] = ip[2].u64;
}
[[gnu::always_inline]] inline bool nz(const Word* ip, const uint64_t* fp) {
  return slot_get<uint32_t>(fp, ip[1].pair.a) != 0;
}
[[gnu::always_inline]] inline bool z(const Word* ip, const uint64_t* fp) {
  return slot_get<uint32_t>(fp, ip[1].pair.a) == 0;
}

template <Body A, unsigned LA, Body B, unsigned LB>
IRONCLAD_DEFINE_HANDLER(h_pair) {
  A(ip, fp);
  B(ip + LA, fp);
  IRONCLAD_NEXT(LA + LB);
}

// The branch target is the last word of every conditional branch.
template <Body A, unsigned LA, Cond C, unsigned LB>
IRONCLAD_DEFINE_HANDLER(h_pair_br) {
  A(ip, fp);
  if (C(ip + LA, fp)) IRONCLAD_BRANCH(ip[LA + LB - 1].target);
  IRONCLAD_NEXT(LA + LB);
}

// The instructions that may be either half: (its handler, its body, its length).
// i32.add of two registers is only ever a second half: as a first half (mostly an address
// computed for the next access) it made loops slower on the machine the list was measured
// on although it saves work (the merge loop of bench/programs/sort.c by 40%, base64 and
// sha256 by 5%; as a second half it is neutral).
// clang-format off
#define PAIR_SECOND_ONLY_OPS(X)                                                       \
  X(binop_handler(wasm::Opcode::I32Add, false), I32Add_ss, 3)
#define PAIR_OPS(X)                                                                   \
  X(binop_handler(wasm::Opcode::I32Add, true), I32Add_si, 3)                           \
  X(binop_handler(wasm::Opcode::I32Sub, false), I32Sub_ss, 3)                          \
  X(binop_handler(wasm::Opcode::I32Mul, true), I32Mul_si, 3)                           \
  X(binop_handler(wasm::Opcode::I32And, false), I32And_ss, 3)                          \
  X(binop_handler(wasm::Opcode::I32And, true), I32And_si, 3)                           \
  X(binop_handler(wasm::Opcode::I32Or, false), I32Or_ss, 3)                            \
  X(binop_handler(wasm::Opcode::I32Xor, false), I32Xor_ss, 3)                          \
  X(binop_handler(wasm::Opcode::I32Xor, true), I32Xor_si, 3)                           \
  X(binop_handler(wasm::Opcode::I32Shl, true), I32Shl_si, 3)                           \
  X(binop_handler(wasm::Opcode::I32ShrU, true), I32ShrU_si, 3)                         \
  X(binop_handler(wasm::Opcode::I32Rotl, true), I32Rotl_si, 3)                         \
  X(binop_handler(wasm::Opcode::I64Xor, false), I64Xor_ss, 3)                          \
  X(binop_handler(wasm::Opcode::I64Mul, true), I64Mul_si, 3)                           \
  X(binop_handler(wasm::Opcode::I64And, true), I64And_si, 3)                           \
  X(binop_handler(wasm::Opcode::I64ShrU, true), I64ShrU_si, 3)                         \
  X(h_const64, const64, 3)                                                             \
  X(h_copy64, copy64, 2)
// The conditional branches that may be the second half: (handler, condition, length).
#define PAIR_BRANCH_CMP(X, Op)                                                        \
  X(branch_compare_handler(wasm::Opcode::Op, false, true), Op##_br_ss, 3)             \
  X(branch_compare_handler(wasm::Opcode::Op, false, false), Op##_br_ss_not, 3)        \
  X(branch_compare_handler(wasm::Opcode::Op, true, true), Op##_br_si, 4)              \
  X(branch_compare_handler(wasm::Opcode::Op, true, false), Op##_br_si_not, 4)
#define PAIR_BRANCHES(X)                                                              \
  X(h_br_nz, nz, 3) X(h_br_z, z, 3)                                                   \
  PAIR_BRANCH_CMP(X, I32Eq) PAIR_BRANCH_CMP(X, I32Ne) PAIR_BRANCH_CMP(X, I32LtS)      \
  PAIR_BRANCH_CMP(X, I32LtU) PAIR_BRANCH_CMP(X, I32GtS) PAIR_BRANCH_CMP(X, I32GtU)    \
  PAIR_BRANCH_CMP(X, I32LeS) PAIR_BRANCH_CMP(X, I32LeU) PAIR_BRANCH_CMP(X, I32GeS)    \
  PAIR_BRANCH_CMP(X, I32GeU)
// clang-format on

struct PairKey {
  Handler first, second;
  bool operator==(const PairKey&) const = default;
};
struct PairKeyHash {
  size_t operator()(const PairKey& k) const {
    return std::hash<const void*>()(reinterpret_cast<const void*>(k.first)) * 31 +
           std::hash<const void*>()(reinterpret_cast<const void*>(k.second));
  }
};
struct Fused {
  Handler handler;
  uint32_t first_words;  // the first instruction's length
};
using PairTable = std::unordered_map<PairKey, Fused, PairKeyHash>;

template <Body A, unsigned LA>
void add_pairs_with(PairTable& t, Handler first) {
#define SECOND(handler, body, len) t.emplace(PairKey{first, handler}, Fused{h_pair<A, LA, body, len>, LA});
  PAIR_OPS(SECOND)
  PAIR_SECOND_ONLY_OPS(SECOND)
#undef SECOND
#define SECOND(handler, cond, len) t.emplace(PairKey{first, handler}, Fused{h_pair_br<A, LA, cond, len>, LA});
  PAIR_BRANCHES(SECOND)
#undef SECOND
}

const PairTable& pair_table() {
  static const PairTable table = [] {
    PairTable t;
#define FIRST(handler, body, len) add_pairs_with<body, len>(t, handler);
    PAIR_OPS(FIRST)
#undef FIRST
    return t;
  }();
  return table;
}

}  // namespace

Handler pair_handler(Handler first, Handler second, size_t first_words) {
  const PairTable& t = pair_table();
  auto it = t.find(PairKey{first, second});
  if (it == t.end() || it->second.first_words != first_words) return nullptr;
  return it->second.handler;
}

}  // namespace ironclad::interp
