// Helpers for writing handlers (only the handler .cpp files include this).
#pragma once

#include "interp/code.h"
#include "interp/handlers.h"

// Jumps to the instruction `n` words ahead. Every handler ends in a tail call, so handlers
// never return to a dispatcher and never grow the native stack.
#define IRONCLAD_NEXT(n)                                       \
  do {                                                         \
    ip += (n);                                                 \
    [[clang::musttail]] return ip->handler(ip, fp, mem, memsize, ctx); \
  } while (0)

// Continues at an absolute jump target.
#define IRONCLAD_JUMP(t)                                       \
  do {                                                         \
    ip = (t);                                                  \
    [[clang::musttail]] return ip->handler(ip, fp, mem, memsize, ctx); \
  } while (0)

#define IRONCLAD_DEFINE_HANDLER(name) IRONCLAD_HANDLER_CC Status name(IRONCLAD_HANDLER_ARGS)

namespace ironclad::interp {

// Records a trap at `ip` and ends the run. Cold and out of line so handlers stay small.
[[gnu::cold, gnu::noinline]] Status raise_trap(ExecContext* ctx, const Word* ip, TrapKind kind);
// Records an error (moved into the context) at `ip` and ends the run.
[[gnu::cold, gnu::noinline]] Status raise_error(ExecContext* ctx, const Word* ip, Error error);
// A bulk operation touching `bytes` bytes spends fuel by size (runtime/call_budget.h) when the
// store has a fuel limit (ExecContext::charges_bulk): Status::Done, or the budget's error
// raised (Exhausted, Timeout).
[[gnu::noinline]] Status charge_bulk(ExecContext* ctx, const Word* ip, uint64_t bytes);
#define IRONCLAD_CHARGE_BULK(bytes)                                                                \
  do {                                                                                             \
    if (ctx->charges_bulk)                                                                         \
      if (Status charged = charge_bulk(ctx, ip, (bytes)); charged != Status::Done) return charged; \
  } while (0)

// Reads the immediate stored in a whole word as T (i32, i64, f32 or f64 bits).
template <typename T>
inline T word_imm(const Word& w) {
  T v;
  std::memcpy(&v, &w.u64, sizeof(T));
  return v;
}

}  // namespace ironclad::interp
