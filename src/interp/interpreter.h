// The interpreter tier: lowers each wasm function on its first call into slot-based,
// directly threaded code (code.h) and runs it. Portable C++ for baseline x86-64.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "interp/code.h"
#include "interp/osr.h"
#include "runtime/runtime.h"

namespace ironclad::interp {

struct InterpreterOptions {
  // Lowering folds operands into their consumers (lazy locals and constants, results
  // written straight to locals, superinstructions, pairs). Off, every wasm instruction
  // becomes its own handler reading and writing stack slots: slower, and simple enough to
  // serve as the reference the optimized lowering is tested against (and to tell a
  // lowering bug from a handler bug on a real program: IRONCLAD_INTERP_PLAIN=1).
  bool optimize = true;

  // Called once per wasm function, when its first call in this interpreter has lowered it
  // (a tiered store queues it for compilation there). Runs on the interpreter's thread,
  // inside the call; it may publish the function's machine code (FunctionInstance::jit_code),
  // which its later calls then run.
  std::function<void(runtime::FunctionInstance&)> on_first_call;
  // When on_first_call may publish machine code, the call that lowered the function runs it
  // already (a lazy JIT: tiered::TieredConfig::compile_before_first_call). Off: that first
  // call runs in the interpreter.
  bool first_call_runs_published_code = false;

  // Loop headers count their iterations in the function's heat (FuncCode::heat; calls
  // always count): an instruction more per iteration, for a tiered store, which compiles
  // the hottest functions first. Off for the interpreter tier alone.
  bool count_loops = false;

  // Each call from the host begins the store's call budget (fuel, deadline). False when an
  // enclosing tier begins it (the tiered tier: a call from the host may enter machine code
  // first and reach the interpreter nested, where a new budget would restart the deadline);
  // the interpreter then only refills its counter from the running budget.
  bool begins_budgets = true;

  // On-stack replacement (a tiered store's, interp/osr.h): with both hooks set, loops that
  // can be left (empty operand stack, no params) count iterations per frame and a long one
  // leaves for the tier's machine code. Not in a store that counts fuel or has a deadline.
  OsrHooks osr;

  // The defaults, with IRONCLAD_INTERP_PLAIN=1 in the environment turning `optimize` off:
  // every interpreter a process makes (the CLI's, the extension host's, a component's)
  // then runs the plain lowering.
  static InterpreterOptions from_environment();
};

// Unmaps the interpreter's value stack.
struct StackUnmap {
  size_t bytes = 0;
  void operator()(uint64_t* p) const;
};

class Interpreter final : public runtime::Tier {
 public:
  explicit Interpreter(InterpreterOptions options = {});
  ~Interpreter() override;

  const char* name() const override { return "interp"; }
  Result<void> call(runtime::Store& store, runtime::FunctionInstance& func, const Value* args,
                    Value* results) override;
  Result<void> call_slots(runtime::Store& store, runtime::FunctionInstance& func,
                          uint8_t* slots) override;
  void on_destroy(runtime::Instance& instance) override;

  const InterpreterOptions& options() const { return options_; }
  // The lowered code of a wasm function, lowering it now if this is its first use.
  Result<const FuncCode*> code_for(runtime::FunctionInstance& func);

 private:
  // Out of line, as error_of_run below: call_slots's frame stays small.
  [[gnu::noinline]] Result<void> prepare_stacks(runtime::Store& store);
  [[gnu::noinline]] Result<const FuncCode*> lower_first_use(runtime::FunctionInstance& func);
  void add_backtrace(Error& error, const Activation* top, const Word* top_ip) const;
  // The error a run of the handlers ended with (Status::Trap or Status::Error). Out of line
  // and cold: call_slots's own frame stays small, one per nested entry on the native stack
  // (a recursion that crosses the tiers at every call nests an entry per crossing).
  [[gnu::noinline, gnu::cold]] Result<void> error_of_run(Status status);

  InterpreterOptions options_;
  ExecContext ctx_;
  // The value stack: an anonymous mapping, so its pages cost nothing until a frame reaches
  // them (through the allocator, a sanitizer build poisoned all 64 MiB at every free).
  std::unique_ptr<uint64_t[], StackUnmap> stack_;
  size_t stack_slots_ = 0;
  std::vector<Activation> activations_;
  std::vector<std::unique_ptr<FuncCode>> codes_;
};

// The heat of `func` in the interpreter that lowered it (FuncCode::heat): 0 before its first
// call. Any thread may read it once the function's first call has returned to it.
uint64_t heat_of(const runtime::FunctionInstance& func);

// The loops of `func`'s lowered code that a frame may leave for machine code (osr.h): none
// before its first call. The list is fixed once lowered, so a thread that got one of them in
// a request may read it.
std::vector<OsrLoop*> osr_loops_of(const runtime::FunctionInstance& func);

std::unique_ptr<runtime::Tier> make_interpreter(InterpreterOptions options = {});

}  // namespace ironclad::interp
