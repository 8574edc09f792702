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

// Continues at a branch's target. A branch back to a loop's header in code that counts fuel
// has its target tagged (bit 0; Lowerer::finish) and spends the iteration's unit here, then
// lands after the header's own h_fuel, which only entering the loop runs: the check costs a
// test and a decrement in the branch instead of a dispatch of its own (sieve's three-handler
// loop ran 1.14-1.18x slower with a deadline).
#define IRONCLAD_BRANCH(t)                                                    \
  do {                                                                        \
    ip = (t);                                                                 \
    if (reinterpret_cast<uintptr_t>(ip) & 1) [[unlikely]] {                   \
      ip = reinterpret_cast<const Word*>(reinterpret_cast<uintptr_t>(ip) - 1); \
      if (ctx->fuel == 0) [[unlikely]]                                        \
        if (Status s = refill_at_back_edge(ctx, ip); s != Status::Done) return s; \
      --ctx->fuel;                                                            \
    }                                                                         \
    [[clang::musttail]] return ip->handler(ip, fp, mem, memsize, ctx);        \
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
// The fuel counter is spent at a branch back to a loop header (IRONCLAD_BRANCH; `ip` the
// header's first instruction after its h_fuel): refills it as h_fuel does, Status::Done, or
// the budget's error raised (Exhausted, Timeout) at `ip`.
[[gnu::cold, gnu::noinline]] Status refill_at_back_edge(ExecContext* ctx, const Word* ip);
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
