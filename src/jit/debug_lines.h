// Maps JIT machine code back to wasm: function indices and module offsets, also for calls
// the optimizer inlined. ModuleCompiler emits line-tables-only debug info (one subprogram per
// wasm function, named like its symbol "wasm_f<N>"; the line of every instruction is the
// module offset of the wasm instruction it came from), so the relocatable objects a
// CompiledModule keeps carry a DWARF line table and the inlining tree. They are read with
// LLVM's DWARF reader on the first backtrace that needs them, never at compile or load time
// and never in a signal handler (which only records raw addresses).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace ironclad::jit {

struct CompiledModule;  // module_compiler.h
struct FunctionCode;

// One wasm frame: a function and the module offset of the instruction it is at.
struct WasmPosition {
  uint32_t func_index = 0;
  uint32_t code_offset = 0;  // 0: unknown
};

// The lazily read line tables of one CompiledModule. A module's code may be used by several
// tiers and threads: every lookup holds the mutex (LLVM's DWARF reader parses on demand and
// is not thread-safe).
struct DebugLines {
  DebugLines();
  ~DebugLines();
  std::mutex mutex;
  struct State;
  std::unique_ptr<State> state;  // built by the first lookup
};

// The wasm frames of the instruction at `address` in `function` (part of `code`), innermost
// first: the function whose instruction it is, then each caller it was inlined into, ending
// with `function` itself at its call site. For a return address, pass the return address
// minus 1 (inside the call instruction). Where the code has no line information (its objects
// were not kept, or the address has no row) the single frame {function, 0}.
std::vector<WasmPosition> wasm_frames_at(const CompiledModule& code, const FunctionCode& function,
                                         uintptr_t address);

}  // namespace ironclad::jit
