// The phases of a program's start, from the process's start to its first wasm instruction,
// for `ironclad run --show-start` (docs/tiering.md, "Start-up"). Off unless enabled: each
// mark is then one relaxed atomic load, so the engine marks its phases unconditionally.
// Each phase is marked once, at its end, by the first thread to reach it; later marks of
// the same phase (a second instantiation, a nested call) change nothing.
#pragma once

#include <atomic>
#include <string>

namespace ironclad::runtime::start_trace {

// In the order a program normally reaches them; Main is main()'s first line.
enum class Phase : int {
  Main,              // the process before main: the dynamic loader, static initialisers
  Options,           // the command line parsed, the tier planned (the host CPU's features)
  Read,              // the module file read
  Decode,            // sections decoded (function bodies kept as byte ranges)
  Validate,          // every function body validated (or what validation the run waits for)
  Setup,             // the tier planned, the data directory and code cache opened
  Instantiate,       // memories, tables, globals, segments; the tier's on_instantiate
  FirstInstruction,  // the first function lowered (or linked): its first instruction runs next
  kCount,
};

const char* phase_name(Phase phase);

namespace detail {
extern std::atomic<bool> enabled;
void record(Phase phase);
}  // namespace detail

// Starts recording; marks before this call are lost (call it first thing in main).
void enable();

inline void mark(Phase phase) {
  if (detail::enabled.load(std::memory_order_relaxed)) detail::record(phase);
}

// The report: one line per phase reached, "ironclad: start: <phase> <wall> ms wall, <cpu> ms
// CPU", the wall and CPU time since the previous phase reached (Main's: CPU since the process
// started, wall unknown), then "ironclad: start: first instruction at <cpu> ms CPU since the
// process started, <wall> ms wall since main". Phases never reached are left out. Empty when
// recording is off.
std::string report();

}  // namespace ironclad::runtime::start_trace
