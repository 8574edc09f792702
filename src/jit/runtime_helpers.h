// The runtime functions generated code calls: traps, memory and table operations that need
// the runtime's objects, and calls through a FunctionInstance that generated code does not
// make itself (host functions; call_indirect's checks and calls into other JIT code are
// inline).
// They never return with a C++ exception; a trap or a failed host call unwinds to the
// activation's entry (so every helper keeps its C++ objects in frames that have returned
// before it unwinds).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "jit/vm_context.h"

namespace ironclad::jit {

struct HelperSymbol {
  const char* name;  // the symbol generated code calls
  void* address;
};

// Every helper, for the JIT's symbol table.
std::span<const HelperSymbol> runtime_helpers();

// The helper that traps with `kind` and takes no argument ("ironclad_jit_trap_<number of
// kind>"): every check has a trap call of its own (for its wasm offset in backtraces), and
// without an argument to set up each is a single call instruction.
std::string trap_helper_name(TrapKind kind);

// Runs `func` with arguments in slots, writing its results there: its machine code when it
// has some, else a host function, else (a tiered store's function that has no machine code
// yet) the store's tier, as a nested call. Returns the error of a host function or of the
// nested call (the caller decides how to unwind); traps in compiled code unwind past it.
// A Result (one pointer), not an Error in the caller's frame: a recursion whose calls cross
// between the tiers stacks one of these frames per crossing.
Result<void> call_function(VmContext* caller, runtime::FunctionInstance& func, uint8_t* slots);

}  // namespace ironclad::jit

// The helpers' C names, as generated code declares them.
extern "C" {
// The fuel counter reached zero: refills it from the call's budget, or ends the call with the
// budget's error (Exhausted: fuel spent; Timeout: the deadline passed).
void ironclad_jit_fuel_refill(ironclad::jit::VmContext* ctx);
// The interrupt flag was raised (code in interrupt mode): returns when the deadline has not
// passed, or ends the call with the budget's Timeout error.
void ironclad_jit_interrupt(ironclad::jit::VmContext* ctx);
void ironclad_jit_call(ironclad::jit::VmContext* ctx, ironclad::runtime::FunctionInstance* func,
                       uint8_t* slots);
uint32_t ironclad_jit_memory_grow(ironclad::jit::VmContext* ctx, uint32_t delta);
void ironclad_jit_memory_fill(ironclad::jit::VmContext* ctx, uint32_t dst, uint32_t value,
                              uint32_t n);
void ironclad_jit_memory_copy(ironclad::jit::VmContext* ctx, uint32_t dst, uint32_t src,
                              uint32_t n);
void ironclad_jit_memory_init(ironclad::jit::VmContext* ctx, uint32_t segment, uint32_t dst,
                              uint32_t src, uint32_t n);
void ironclad_jit_data_drop(ironclad::jit::VmContext* ctx, uint32_t segment);
uint64_t ironclad_jit_table_get(ironclad::jit::VmContext* ctx, uint32_t table, uint32_t index);
void ironclad_jit_table_set(ironclad::jit::VmContext* ctx, uint32_t table, uint32_t index,
                            uint64_t ref);
uint32_t ironclad_jit_table_size(ironclad::jit::VmContext* ctx, uint32_t table);
uint32_t ironclad_jit_table_grow(ironclad::jit::VmContext* ctx, uint32_t table, uint64_t init,
                                 uint32_t delta);
void ironclad_jit_table_fill(ironclad::jit::VmContext* ctx, uint32_t table, uint32_t dst,
                             uint64_t ref, uint32_t n);
void ironclad_jit_table_copy(ironclad::jit::VmContext* ctx, uint32_t dst_table,
                             uint32_t src_table, uint32_t dst, uint32_t src, uint32_t n);
void ironclad_jit_table_init(ironclad::jit::VmContext* ctx, uint32_t table, uint32_t segment,
                             uint32_t dst, uint32_t src, uint32_t n);
void ironclad_jit_elem_drop(ironclad::jit::VmContext* ctx, uint32_t segment);
}
