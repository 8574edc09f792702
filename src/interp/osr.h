// On-stack replacement (docs/tiering.md): how a frame running a long loop in the interpreter
// leaves for machine code compiled with an entry at that loop's header. The interpreter
// counts the iterations of each frame's loops; past a threshold it asks the store's tier for
// the loop's code (OsrHooks::request), keeps interpreting until the tier publishes it
// (OsrLoop::code), then hands the frame's locals to it (OsrHooks::enter) and returns the
// results as the frame's own. The interpreter knows nothing of machine code: `code` is the
// tier's.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/runtime.h"

namespace ironclad::interp {

// A loop header a frame may leave from: a `loop` whose innermost enclosing block (or the
// function) was entered with an empty operand stack. The frame's state there is its locals
// and the operand stack: the values pushed in that block before the loop, then the loop's
// params, all in their slots (from stack_slot on, in order). The restriction keeps every
// value the loop entry takes one that only the code through the loop uses (a value pushed
// before an enclosing block would also reach that block's end by a branch around the loop).
// One per such loop of a lowered function (FuncCode::osr_loops).
struct OsrLoop {
  enum State : uint8_t { Idle, Requested, Failed };
  uint32_t loop_offset = 0;  // module offset of the `loop` instruction
  // The operand stack at the header, bottom first (the loop's params last), from this slot.
  std::vector<ValType> stack_types;
  uint32_t stack_slot = 0;
  // The frame asks for the loop's code once its loops have run this many iterations
  // (osr_request_iterations).
  uint64_t request_at = 0;
  // Idle until the first request; the store's thread sets Requested, the tier Failed when
  // the loop's code cannot be made (the loop then stays interpreted).
  std::atomic<uint8_t> state{Idle};
  // The tier's published code for this loop (release store, acquire load), or null.
  std::atomic<const void*> code{nullptr};
};

// A frame looks at its loop's OsrLoop once per this many iterations of its OSR-able loops
// (a power of two: the hot path is one increment and a mask test). 1024 iterations of even
// a one-instruction loop take microseconds in the interpreter, so publication is noticed
// within microseconds, and the look (an acquire load) costs nothing measurable.
inline constexpr uint64_t kOsrCheckInterval = 1024;
// When a frame asks for its loop's code: once the time it spent in its loops is about what
// the compile will cost (the rent-or-buy rule: a frame that ends right after the request
// wasted at most as much again as it ran; a long one waits in the interpreter at most about
// twice the compile, on a compile thread of its own). Loop entries compile at the tiered
// tier's top level, the light -O1, ~500 KB of wasm a second here (~2 us a byte; -O2 is half
// as fast); a small loop body runs in 10-50 ns an iteration in the interpreter: ~64
// iterations per byte of the function's body, and at least
// kOsrRequestIterations (a few hundred microseconds of a tiny loop) whatever its size.
inline constexpr uint64_t kOsrRequestIterations = 16 * kOsrCheckInterval;
inline constexpr uint64_t kOsrIterationsPerBodyByte = 64;
inline uint64_t osr_request_iterations(uint64_t body_bytes) {
  const uint64_t by_size = body_bytes * kOsrIterationsPerBodyByte;
  return by_size > kOsrRequestIterations ? by_size : kOsrRequestIterations;
}

// How a function is lowered for on-stack replacement: not at all, as above, or (tests) with
// every OSR-able loop looking at every iteration and asking at its first, so that nearly
// every loop a test runs, runs as a loop entry (IRONCLAD_TIERED_OSR=eager).
enum class OsrMode : uint8_t { Off, On, Eager };

struct OsrHooks {
  // Asks for `loop`'s code (once per loop, on the store's thread; may publish it at once).
  std::function<void(runtime::FunctionInstance&, OsrLoop&)> request;
  // Runs `code` (published in an OsrLoop of func) with the frame's locals (params then
  // declared locals, in order) followed by the loop's operand stack (bottom first), and
  // writes func's results: the frame's call ends with them, or with the error.
  std::function<Result<void>(runtime::FunctionInstance& func, const void* code, const Value* locals,
                             Value* results)>
      enter;
  // Withdraws `loop`'s request when its compile has not started: the frame that made it has
  // ended (the interpreter notices at its next look at any loop, and when a call from the
  // host or a nested entry returns), so nothing would enter the code. True when withdrawn:
  // the tier has set the loop back to Idle, and a later frame may ask again. Optional.
  std::function<bool(runtime::FunctionInstance& func, OsrLoop& loop)> withdraw;
  bool eager = false;  // OsrMode::Eager
  bool enabled() const { return request && enter; }
  OsrMode mode() const { return !enabled() ? OsrMode::Off : eager ? OsrMode::Eager : OsrMode::On; }
};

}  // namespace ironclad::interp
