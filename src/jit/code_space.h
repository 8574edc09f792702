// The machine code a tier runs, from any number of CompiledModules (whole modules, or the
// batches of functions a tiered store compiles in the background), and what the tier needs
// to run it and explain what went wrong in it:
//   - CPU emulation (docs/emulation.md): the code is patched before anything can run it;
//   - registration with the signal handlers (docs/signals.md), as code compiled with
//     explicit or implicit bounds checks;
//   - where each wasm function's code is, for backtraces and for telling a wasm `unreachable`
//     from an emulated instruction;
//   - calls into the code inside an activation, an unwind turned into the Error the embedder
//     sees (trap, host error, or the decoded fault), with the wasm backtrace.
// install() may run on any thread (a background compile); everything else runs on the thread
// that runs the code. The code itself is owned by the compilers that made it: they must
// outlive this object, which unregisters every range when it is destroyed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "ironclad/error.h"
#include "jit/emulation.h"
#include "jit/module_compiler.h"
#include "jit/vm_context.h"
#include "runtime/activation.h"

namespace ironclad::jit {

class CodeSpace {
 public:
  // `emulate_features`: run the code as if on a CPU with exactly these features
  // (JitConfig::emulate_features), named `emulate_cpu` in messages.
  CodeSpace(cpu::FeatureSet host_verified, std::optional<cpu::FeatureSet> emulate_features,
            std::string emulate_cpu);
  ~CodeSpace();
  CodeSpace(const CodeSpace&) = delete;
  CodeSpace& operator=(const CodeSpace&) = delete;

  // Makes code the ISA verifier accepted runnable: patches it for CPU emulation, registers
  // its blocks for the signal handlers and records its functions for backtraces. Call it
  // once per CompiledModule, before anything can run the code. Thread-safe.
  Result<void> install(const std::shared_ptr<CompiledModule>& code);

  // What both tiers pass as `on_enter` (data: a StackEntry): the native stack is never
  // below what the thread's stack allows (the activation's limit: its reported bottom plus a
  // margin), nor more than `budget` bytes (StoreLimits::max_stack_bytes, 0: none) below where
  // the outermost call entered; *stack_limit, what the code's VmContext::stack_limit points
  // at, gets the result. The reported size is not trusted alone: under `ulimit -s unlimited`
  // glibc reports 43 TB.
  struct StackEntry {
    uintptr_t* outermost_entry;
    uintptr_t* stack_limit;
    bool outermost;
    uint64_t budget;
  };
  static void enter_stack(void* stack_entry, runtime::Activation& act);

  // Calls `fn`'s entry wrapper with `args` (exactly the type's params) inside an activation
  // and writes the results. `on_enter(data, activation)` runs inside the activation before
  // the code does: it sets what the code's VmContext::stack_limit points at from the
  // activation's limit. A function pointer, not a std::function: the tiered tier calls this
  // at every crossing from the interpreter, where a std::function of a lambda with three
  // captures was a heap allocation each time.
  Result<void> call(const JitFunction& fn, const wasm::FuncType& type, const Value* args,
                    Value* results, void (*on_enter)(void* data, runtime::Activation& act),
                    void* data) const;
  // The same with the arguments in `slots` and the results written over them
  // (runtime::Tier::call_slots's layout, which is the entry wrapper's own).
  Result<void> call_slots(const JitFunction& fn, uint8_t* slots,
                          void (*on_enter)(void* data, runtime::Activation& act),
                          void* data) const;

  // The error of an activation that unwound out of code of this space: the trap, the host
  // function's error, or the decoded fault, each with the wasm frames of the code.
  Error error_of(runtime::Activation& act) const;

  // Instructions CPU emulation patched so far.
  size_t emulated_instructions() const;

 private:
  struct Info final : runtime::CodeInfo {
    explicit Info(bool implicit_checks) : implicit_checks(implicit_checks) {}
    bool is_memory_reservation(uintptr_t address) const override;
    TrapKind trap_at(uintptr_t) const override { return TrapKind::None; }
    const bool implicit_checks;
  };
  // The function holding `pc`, with the module its code belongs to; false if none. Holds
  // mutex_ (the caller must not).
  bool function_at(uintptr_t pc, FunctionCode& function,
                   std::shared_ptr<const CompiledModule>& module) const;
  void add_frames(Error& error, uintptr_t pc, bool return_address) const;
  bool is_unreachable_trap(const runtime::Activation& act) const;
  Error fault_error_at(const runtime::Activation& act) const;

  const cpu::FeatureSet host_verified_;
  const std::optional<cpu::FeatureSet> emulate_features_;
  const std::string emulate_cpu_;
  Info explicit_info_{false};
  Info implicit_info_{true};

  mutable std::mutex mutex_;  // everything below
  std::vector<std::shared_ptr<CompiledModule>> modules_;
  // Every wasm function's code (and entry wrapper) by start address.
  std::map<uintptr_t, std::pair<FunctionCode, std::shared_ptr<const CompiledModule>>> functions_;
  EmulationTable emulation_;
  std::vector<uintptr_t> registered_;  // starts of the ranges registered with the runtime
};

}  // namespace ironclad::jit
