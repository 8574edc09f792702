// On-stack replacement at loop headers (osr.h): the per-frame iteration count, the request
// for a loop's machine code, and the hand-over of a frame to it.
#include <vector>

#include "interp/handler_macros.h"
#include "interp/interpreter.h"
#include "interp/value_slots.h"

namespace ironclad::interp {

namespace {

enum class OsrOutcome { Stay, Returned, Failed };

// The frame's state as Values, in order: params, declared locals, then the loop's operand
// stack from the bottom.
std::vector<Value> frame_state(const runtime::FunctionInstance& fi, const uint64_t* fp,
                               const OsrLoop& loop) {
  const wasm::Module& m = *fi.instance->module;
  std::vector<Value> locals;
  uint32_t slot = 0;
  auto add = [&](ValType t) {
    locals.push_back(value_from_slots(t, fp + slot));
    slot += slot_count(t);
  };
  for (ValType t : fi.type->params) add(t);
  for (const wasm::LocalRun& run : m.body(fi.func_index).locals)
    for (uint32_t i = 0; i < run.count; ++i) add(run.type);
  slot = loop.stack_slot;
  for (ValType t : loop.stack_types) add(t);
  return locals;
}

// Every kOsrCheckInterval iterations of a frame's OSR-able loops, at one of them: asks for
// the loop's code once the frame has run OsrLoop::request_at, and once it is published
// runs the rest of the frame's call in it. Returned: the results are in the frame's slots 0..
// (as h_return expects). Failed: the error is recorded, as if the frame's caller had called
// the machine code (which stands for this frame in the backtrace).
[[gnu::noinline]] OsrOutcome osr_at_loop(ExecContext* ctx, uint64_t* fp, OsrLoop& loop,
                                         uint64_t iterations) {
  const OsrHooks& hooks = ctx->interp->options().osr;
  Activation* const act = ctx->act_top;
  runtime::FunctionInstance& fi = *act->code->func;
  // Requests of frames that have ended since (this one lives).
  if (!ctx->osr_waits.empty()) withdraw_ended_osr_requests(ctx);
  const void* code = loop.code.load(std::memory_order_acquire);
  if (!code) {
    if (iterations < loop.request_at ||
        loop.state.load(std::memory_order_relaxed) != OsrLoop::Idle)
      return OsrOutcome::Stay;
    loop.state.store(OsrLoop::Requested, std::memory_order_relaxed);
    hooks.request(fi, loop);  // a synchronous tier publishes before it returns
    code = loop.code.load(std::memory_order_acquire);
    if (!code) {
      // Queued: it stands while this frame lives.
      if (hooks.withdraw && loop.state.load(std::memory_order_relaxed) == OsrLoop::Requested)
        ctx->osr_waits.push_back(OsrWait{act, fp, act->code, iterations, &loop});
      return OsrOutcome::Stay;
    }
  }
  std::vector<Value> locals = frame_state(fi, fp, loop);
  const wasm::FuncType& type = *fi.type;
  std::vector<Value> results;
  for (ValType t : type.results) results.push_back(Value::zero(t));
  // As a call into another tier (call_host): a nested interpreter entry from the machine code
  // starts above this frame, and its error names the frames in between.
  uint64_t* const saved_reentry = ctx->reentry_sp;
  const Word* const saved_host_ip = ctx->host_call_ip;
  ctx->reentry_sp = fp + act->code->frame_slots;
  ctx->host_call_ip = nullptr;
  Result<void> r = hooks.enter(fi, code, locals.data(), results.data());
  ctx->reentry_sp = saved_reentry;
  ctx->host_call_ip = saved_host_ip;
  if (!r.ok()) {
    // The machine code's backtrace has this function's frame (where it trapped); the
    // interpreter adds its callers, from the call that entered this frame.
    ctx->act_top = act - 1;
    raise_error(ctx, act->ret_ip == kEntryReturn ? nullptr : act->ret_ip - 1, std::move(r).error());
    ctx->error_crossed_tier = true;
    return OsrOutcome::Failed;
  }
  uint32_t slot = 0;
  for (size_t i = 0; i < type.results.size(); ++i) {
    value_to_slots(results[i], fp + slot);
    slot += slot_count(type.results[i]);
  }
  return OsrOutcome::Returned;
}

// Whether the frame that made `w` still runs: its activation is still on the stack with the
// same function and frame, and its OSR counter has not gone back (a frame of the same
// function that has since taken its place started again from zero; one that has run past
// the request is as good a taker of the code).
bool frame_lives(const ExecContext* ctx, const OsrWait& w) {
  return w.act <= ctx->act_top && w.act->code == w.code && w.act->fp == w.fp &&
         w.fp[w.code->osr_counter_slot] >= w.iterations;
}

}  // namespace

void withdraw_ended_osr_requests(ExecContext* ctx) {
  const OsrHooks& hooks = ctx->interp->options().osr;
  std::vector<OsrWait>& waits = ctx->osr_waits;
  for (size_t i = 0; i < waits.size();) {
    const OsrWait& w = waits[i];
    const bool settled = w.loop->code.load(std::memory_order_acquire) != nullptr ||
                         w.loop->state.load(std::memory_order_relaxed) != OsrLoop::Requested;
    if (!settled && frame_lives(ctx, w)) {
      ++i;
      continue;
    }
    // Withdrawn, or already compiling (then it is published for the next frame that asks).
    if (!settled) hooks.withdraw(*w.code->func, *w.loop);
    waits[i] = waits.back();
    waits.pop_back();
  }
}

IRONCLAD_DEFINE_HANDLER(h_loop_osr) {
  add_heat(*static_cast<uint64_t*>(ip[1].ptr));
  const uint64_t iterations = ++fp[ip[2].pair.a];
  if ((iterations & ip[2].pair.b) == 0) [[unlikely]] {
    switch (osr_at_loop(ctx, fp, *static_cast<OsrLoop*>(ip[3].ptr), iterations)) {
      case OsrOutcome::Stay:
        break;
      case OsrOutcome::Returned:
        [[clang::musttail]] return h_return(ip, fp, mem, memsize, ctx);
      case OsrOutcome::Failed:
        return Status::Error;
    }
  }
  IRONCLAD_NEXT(4);
}

}  // namespace ironclad::interp
