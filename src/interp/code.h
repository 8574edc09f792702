// The interpreter's internal code: what lowering produces and the handlers execute.
//
// A lowered function is a flat array of 8-byte Words. Each instruction starts with the
// address of its handler, followed by its operands. Operands name frame slots: a frame is
// an array of 8-byte slots (params, then declared locals, then one slot per operand-stack
// position; a v128 takes two). Handlers are tail-calling functions (direct threading): each
// ends by jumping to the next instruction's handler, so there is no central dispatch loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "ironclad/error.h"
#include "interp/osr.h"
#include "runtime/runtime.h"

namespace ironclad::interp {

struct ExecContext;
union Word;

// How a run of handlers ends.
enum class Status : uint32_t {
  Done,   // the entry frame's return instruction ran: the entry function returned
  Trap,   // ExecContext::trap_kind / trap_ip say what and where
  Error,  // ExecContext::error holds it (a host function's error, fuel, a lowering failure)
};

// preserve_none: handlers save no registers, so a handler's prologue is empty and the
// five arguments stay in registers across the whole chain of tail calls. AddressSanitizer
// builds use the default convention: LLVM 19 cannot realign an ASan frame (16-byte V128
// locals) under preserve_none. ThreadSanitizer builds (make test-tsan) use it too: they check
// the threads of the runtime, not the handlers' calling convention.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define IRONCLAD_HANDLER_NO_PRESERVE_NONE 1
#endif
#endif
#if defined(IRONCLAD_HANDLER_NO_PRESERVE_NONE)
#define IRONCLAD_HANDLER_CC
#else
#define IRONCLAD_HANDLER_CC __attribute__((preserve_none))
#endif

// ip: this instruction; fp: the frame's slot 0; mem/memsize: the current instance's memory 0
// (null/0 when it has none); ctx: everything else.
#define IRONCLAD_HANDLER_ARGS \
  const ::ironclad::interp::Word *ip, uint64_t *fp, uint8_t *mem, uint64_t memsize, \
      ::ironclad::interp::ExecContext *ctx

using Handler = Status(IRONCLAD_HANDLER_CC*)(IRONCLAD_HANDLER_ARGS);

union Word {
  Handler handler;
  const Word* target;  // a jump target (absolute once lowering has finished)
  uint64_t u64;
  struct {
    uint32_t a, b;  // two slot indices or small immediates
  } pair;
  void* ptr;
};
static_assert(sizeof(Word) == 8);

// A lowered wasm function, owned by the Interpreter and cached in
// FunctionInstance::tier_code.
struct FuncCode {
  std::vector<Word> words;
  uint32_t frame_slots = 0;  // params + locals + the deepest operand stack
  uint32_t param_slots = 0;
  runtime::FunctionInstance* func = nullptr;
  runtime::Instance* instance = nullptr;
  // The instance's memory 0, read through these on every call and return (so memory.grow
  // anywhere is seen); they point at static zeros when the instance has no memory.
  uint8_t* const* mem_base = nullptr;
  const uint64_t* mem_size = nullptr;
  // (word index of an instruction, module offset of the wasm instruction it came from),
  // sorted by word index: maps a trapping ip back to the module for backtraces.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  // Heat: the calls of this function the interpreter ran, plus the iterations of its loops
  // when lowered with InterpreterOptions::count_loops. A tiered store compiles the hottest
  // queued functions first. Written by the thread running the store (add_heat), read by a
  // compile thread (heat_of): relaxed atomic accesses, which cost plain moves on x86-64.
  mutable uint64_t heat = 0;
  // The loops a frame may leave for machine code (on-stack replacement, osr.h), and the frame
  // slot counting their iterations in each frame (zeroed at entry with the locals).
  std::vector<std::unique_ptr<OsrLoop>> osr_loops;
  uint32_t osr_counter_slot = 0;

  uint32_t module_offset_of(const Word* ip) const;
};

// One more unit of heat (a call, a loop iteration). Not an atomic read-modify-write: only
// the store's thread writes, so a plain load and store suffice (no lock prefix).
inline void add_heat(uint64_t& heat) {
  std::atomic_ref<uint64_t> h(heat);
  h.store(h.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// The code of entry sentinels: no instructions, and memory pointers at static zeros so
// that returning into a sentinel needs no special case.
const FuncCode& sentinel_code();

// One wasm function activation. The interpreter keeps these in its own array, never on the
// native stack, so wasm recursion depth costs no native stack.
struct Activation {
  const FuncCode* code = nullptr;  // &sentinel_code() for the sentinel of an entry
  uint64_t* fp = nullptr;
  const Word* ret_ip = nullptr;  // where the caller continues
  // Entry sentinels only: the ip of the host-call instruction through which wasm was
  // re-entered (null for a call from the embedder), for backtraces.
  const Word* host_call_ip = nullptr;
};

// A request for a loop entry (on-stack replacement, osr.h) not published yet, and the frame
// that made it: while that frame lives the request stands; once it has ended, the request is
// withdrawn if its compile has not started (withdraw_ended_osr_requests).
struct OsrWait {
  const Activation* act = nullptr;
  const uint64_t* fp = nullptr;
  const FuncCode* code = nullptr;
  uint64_t iterations = 0;  // the frame's OSR counter when it asked
  OsrLoop* loop = nullptr;
};

// Per-store execution state the handlers reach through `ctx`.
struct ExecContext {
  runtime::Store* store = nullptr;
  class Interpreter* interp = nullptr;

  Activation* act_top = nullptr;  // the running function
  Activation* act_limit = nullptr;  // one past the last usable activation (max_call_depth)
  uint64_t* stack_limit = nullptr;  // one past the last usable slot
  uint64_t* reentry_sp = nullptr;   // where a nested entry from a host function puts its frame
  uint32_t native_depth = 0;        // nested entries on the native stack
  const Word* host_call_ip = nullptr;  // the host call running now, if any (for backtraces)

  uint64_t fuel = 0;  // units left in the current slice (runtime/call_budget.h) when counting
  bool counts_fuel = false;  // StoreLimits::counts_fuel(): fuel or a deadline
  // A fuel limit (not a deadline alone): bulk operations spend fuel by size. With a deadline
  // alone the counter only times the clock's reads, as the JIT's interrupt-mode code does
  // not charge them either: a charge per memcpy cost lz4 8%.
  bool charges_bulk = false;

  // Set when a run ends with Status::Trap / Status::Error.
  TrapKind trap_kind = TrapKind::None;
  const Word* trap_ip = nullptr;
  std::unique_ptr<Error> error;
  // The error came back from a call into another tier (a tiered store's machine code,
  // src/tiered): it already names that tier's frames and those it called, innermost first,
  // and the interpreter appends its own frames below them.
  bool error_crossed_tier = false;
  // Loop entries requested by frames of this interpreter and not yet published (OsrWait):
  // at most one per loop, usually none.
  std::vector<OsrWait> osr_waits;
};

// Withdraws the requests in ctx->osr_waits whose frame has ended and whose compile has not
// started (OsrHooks::withdraw), and forgets those published or failed. On the store's thread,
// at a frame's look at its loop (osr.h) and when a run of the interpreter returns.
void withdraw_ended_osr_requests(ExecContext* ctx);

// ---- Slot access ---------------------------------------------------------------------------
// Frames are uint64_t arrays; values of other types are read and written through memcpy,
// which compiles to single moves and keeps the accesses free of aliasing questions.

template <typename T>
inline T slot_get(const uint64_t* fp, uint32_t i) {
  T v;
  std::memcpy(&v, fp + i, sizeof(T));
  return v;
}
template <typename T>
inline void slot_set(uint64_t* fp, uint32_t i, T v) {
  std::memcpy(fp + i, &v, sizeof(T));
}

}  // namespace ironclad::interp
