// Translation of one wasm function body to LLVM IR, instruction by instruction through the
// shared BodyDecoder (DESIGN.md invariant 7). Operand-stack values are SSA values; locals
// are allocas (promoted to registers by the optimizer); block results meet in phis.
#pragma once

#include <cstdint>
#include <vector>

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "ironclad/error.h"
#include "wasm/instr.h"
#include "wasm/module.h"

namespace ironclad::jit {

// Module-wide state shared by the translation of every function.
struct ModuleTranslation {
  const wasm::Module& wasm;
  llvm::LLVMContext& ctx;
  llvm::Module& llvm;
  std::vector<llvm::Function*> functions;  // by function index; null for imports
  // Explicit: every access compares its end with the memory's current size. Implicit: no
  // compare; an access out of bounds faults in the memory's guard region (only for code run
  // with guarded memories, runtime::Memory::has_guard_region).
  bool explicit_bounds_checks = true;
  // CompileOptions::fuel: function entries and loop headers spend fuel.
  bool fuel = false;
  // CompileOptions::interrupt: function entries and loop headers read the interrupt flag.
  bool interrupt = false;
  // Line-tables-only debug info (docs/jit.md, "Backtraces"): every function being defined
  // has a subprogram (by function index; null for the others), and every instruction's
  // line is the module offset of the wasm instruction it came from, so machine code maps
  // back to wasm offsets, also through inlining.
  llvm::DIBuilder* debug = nullptr;
  llvm::DIFile* debug_file = nullptr;
  std::vector<llvm::DISubprogram*> subprograms{};
  // Calls to functions of the instance outside the compile call their published body
  // directly when there is one (FunctionTranslator::emit_call_published). Off at -O0, whose
  // code is short-lived and cheap above all: the second path costs compile time there.
  bool call_published_bodies = false;

  llvm::Type* type_of(ValType t) const;
  llvm::Type* results_type(const wasm::FuncType& ft) const;  // void, one type, or a struct
  // Multiple results travel in a struct whose float fields are integers of the same width:
  // x86-64 returns only two floats in XMM registers and a third in x87's ST0, whose load
  // and store quiet a signalling NaN (the spec wants the bits). Integers past the registers
  // go through memory, bit for bit. These convert a value to and from its field.
  llvm::Type* result_field_type(ValType t) const;
  llvm::Value* to_result_field(llvm::IRBuilder<>& b, llvm::Value* v, ValType t) const;
  llvm::Value* from_result_field(llvm::IRBuilder<>& b, llvm::Value* v, ValType t) const;
  llvm::FunctionType* signature(const wasm::FuncType& ft) const;  // (ctx, params...) -> results
  llvm::FunctionCallee helper(const char* name, llvm::Type* result,
                              std::initializer_list<llvm::Type*> params) const;
};

// On-stack replacement (docs/tiering.md): a variant of a wasm function entered at any of
// several loop headers, `void osr(ctx, slots)`: slot 0 holds the module offset of the loop to
// enter (an i32), then come every local (params, then declared locals) and then the operand
// stack at that `loop` (bottom first, the loop's params on top) on entry, and the function's
// results from slot 0 on return. Its entry loads the locals, switches on the loop and joins
// the code before each loop just before it opens; that code is unreachable from it (LLVM
// drops it). Only a loop whose innermost enclosing block (or the function) was entered with
// an empty operand stack can be entered (interp/osr.h says why): the others are left out.
struct OsrEntry {
  llvm::Function* function = nullptr;  // (ptr ctx, ptr slots) -> void
  std::vector<uint32_t> loop_offsets;  // module offsets of the `loop` instructions wanted
  std::vector<uint32_t> entered;       // translate(): those the variant can enter
};

class FunctionTranslator {
 public:
  // With `osr`, translates the OSR variant into osr->function instead of the function itself.
  FunctionTranslator(ModuleTranslation& mt, uint32_t func_index, OsrEntry* osr = nullptr);
  Result<void> translate();

  // For the numeric and SIMD translation units.
  llvm::IRBuilder<>& builder() { return b_; }
  llvm::LLVMContext& context() { return mt_.ctx; }
  llvm::Module& module() { return mt_.llvm; }
  llvm::Value* pop() {
    llvm::Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  void push(llvm::Value* v) { stack_.push_back(v); }
  // Branches to a cold block that traps with `kind` when cond (i1) is true. Each check has
  // a block of its own (nomerge: never shared with another check), so the machine code of
  // each trap site maps back to its own wasm instruction.
  void trap_if(llvm::Value* cond, TrapKind kind);
  // At function entries and loop headers: in fuel mode (ModuleTranslation::fuel) spends one
  // unit of fuel, ending the call with Exhausted "fuel exhausted" (as the interpreter's
  // h_fuel) when none is left, or Timeout past the deadline; in interrupt mode reads the
  // interrupt flag, ending the call with Timeout when it is raised and the deadline has
  // passed; otherwise emits nothing.
  void check_budget();
  llvm::Value* call_intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                              llvm::ArrayRef<llvm::Value*> args);
  // The address of an access of `bytes` at the i32 address `addr` + offset, bounds-checked
  // when the module uses explicit checks.
  llvm::Value* memory_address(llvm::Value* addr, uint64_t offset, uint32_t bytes);
  // A load or store of linear memory of `bytes` at `addr` + offset (its bytes: the size of
  // `type`, or of `value`). Under implicit checks the access itself is the check, so it is
  // volatile: the optimizer may neither drop a load whose value is unused nor merge or
  // split accesses (a trap must happen exactly where, and as far as, the wasm says).
  llvm::Value* load_memory(llvm::Type* type, llvm::Value* addr, uint64_t offset, uint32_t bytes);
  void store_memory(llvm::Value* value, llvm::Value* addr, uint64_t offset, uint32_t bytes);
  Error error_at(const wasm::Instr& in, std::string what) const;

 private:
  void spend_fuel();
  void check_interrupt();
  struct Frame {
    wasm::Opcode kind = wasm::Opcode::Block;  // Block, Loop, If, or End for the function
    std::vector<ValType> params, results;
    size_t height = 0;  // operand-stack height below the block's params
    llvm::BasicBlock* end = nullptr;
    std::vector<llvm::PHINode*> end_phis;
    llvm::BasicBlock* header = nullptr;  // loops: the branch target
    std::vector<llvm::PHINode*> header_phis;
    llvm::BasicBlock* else_block = nullptr;  // ifs
    std::vector<llvm::Value*> if_params;
    bool has_else = false;
  };

  Result<void> visit(const wasm::Instr& in);
  Result<void> visit_control(const wasm::Instr& in, bool& handled);
  Result<void> visit_variable_or_memory(const wasm::Instr& in, bool& handled);
  void block_signature(const wasm::BlockType& bt, std::vector<ValType>& params,
                       std::vector<ValType>& results) const;
  void open_frame(wasm::Opcode kind, const wasm::BlockType& bt);
  // Adds the top values of the stack as incoming values of frame's branch target (does not pop).
  void branch_to(Frame& target);
  // The same for the frame's header (a loop's branch target) or its end (fallthrough).
  void add_incoming(Frame& target, bool to_header);
  Frame& label(uint32_t depth) { return frames_[frames_.size() - 1 - depth]; }
  void end_frame();
  void keep_frames_at_helper_calls();
  // Makes `offset` (a module offset) the debug location of the IR emitted next.
  void set_location(uint32_t offset);
  // A call that never returns, for a trap site: its own location, never merged with another.
  void mark_trap_site(llvm::CallInst* call);
  void emit_return(const std::vector<llvm::Value*>& values);
  void emit_call(uint32_t func_index);
  // The two ways of a call through a FunctionInstance: `published` once its jit_code is set
  // (`code` holds it there, likely by published_weight to 1), `runtime` before; both are to
  // end at `done`.
  struct CallPaths {
    llvm::Value* code = nullptr;
    llvm::BasicBlock* published = nullptr;
    llvm::BasicBlock* runtime = nullptr;
    llvm::BasicBlock* done = nullptr;
  };
  CallPaths branch_on_jit_code(llvm::Value* func_instance, uint32_t published_weight);
  // ironclad_jit_call: the runtime calls the function (host function, interpreter) with the
  // arguments in `slots` and writes its results there.
  void call_runtime(llvm::Value* func_instance, llvm::Value* slots);
  void emit_call_through(llvm::Value* func_instance, const wasm::FuncType& type);
  void emit_call_published(llvm::Value* func_instance, uint32_t func_index);
  llvm::Value* indirect_callee(uint32_t table, llvm::Value* index, uint32_t type_index);
  llvm::Value* ctx_field(size_t offset, llvm::Type* type);
  llvm::Value* global_address(uint32_t index);
  llvm::Value* entry_alloca(llvm::Type* type, uint64_t bytes);
  llvm::Value* zero_of(ValType t);
  // OSR: at the target loop (before it opens), the entry loads every local and the operand
  // stack from the slots and joins the code before the loop. An error when the loop cannot
  // be entered so.
  Result<void> enter_osr_loop(const wasm::Instr& in);

  ModuleTranslation& mt_;
  uint32_t func_index_;
  const wasm::FuncType& type_;
  llvm::Function* fn_;
  llvm::IRBuilder<> b_;
  llvm::BasicBlock* entry_ = nullptr;
  llvm::Value* vmctx_ = nullptr;
  llvm::Value* memory_base_ = nullptr;
  std::vector<llvm::Value*> locals_;  // allocas
  std::vector<ValType> local_types_;
  std::vector<llvm::Value*> stack_;
  std::vector<Frame> frames_;
  bool reachable_ = true;
  uint32_t dead_blocks_ = 0;  // blocks opened inside unreachable code
  OsrEntry* osr_ = nullptr;
  // OSR: the end of the entry's checks and locals' loads, where the switch to the loops goes
  // once they are all found; the loops found, each with its entry block.
  llvm::BasicBlock* osr_entry_end_ = nullptr;
  std::vector<std::pair<uint32_t, llvm::BasicBlock*>> osr_cases_;
  void finish_osr_entry();
};

// Numeric operators (numbers, comparisons, conversions): true if `in` was one.
bool translate_numeric(FunctionTranslator& t, const wasm::Instr& in);
// 0xFD (SIMD) instructions: true if `in` was one that this translation handles.
bool translate_simd(FunctionTranslator& t, const wasm::Instr& in);

}  // namespace ironclad::jit
