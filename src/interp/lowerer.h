// Lowering: a validated wasm function body -> FuncCode (code.h).
//
// The wasm operand stack is tracked at lowering time; each stack position has a fixed
// "home" slot in the frame, so the code reads and writes slots instead of pushing and
// popping. Three things keep the code short:
//  - local.get and constants are not copied: the stack entry remembers the local's slot or
//    the constant, and the consuming instruction reads the local directly or uses an
//    immediate form. (Such lazy entries are written to their home slot when a local they
//    read is about to change, at block boundaries, and when a call needs its arguments.)
//  - an instruction whose result goes straight into local.set/tee writes the local itself
//    (its destination operand is patched).
//  - a comparison (or eqz) consumed by br_if/if becomes one compare-and-branch instruction.
// Unreachable code (after br, return, unreachable...) is skipped, so the polymorphic stack
// never needs to be modelled.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "interp/code.h"
#include "wasm/instr.h"

namespace ironclad::interp {

// Lowers the body of `func` (a wasm function of a live instance). The module is validated;
// an error here means an Ironclad bug or a limit (e.g. a frame too large) and says which.
// Without `optimize`, nothing is folded (InterpreterOptions::optimize); with `count_loops`,
// loop headers count iterations in FuncCode::heat (InterpreterOptions::count_loops).
Result<std::unique_ptr<FuncCode>> lower_function(runtime::Store& store,
                                                 runtime::FunctionInstance& func,
                                                 bool optimize = true, bool count_loops = false,
                                                 OsrMode osr = OsrMode::Off);

class Lowerer {
 public:
  Lowerer(runtime::Store& store, runtime::FunctionInstance& func, bool optimize = true,
          bool count_loops = false, OsrMode osr = OsrMode::Off);
  Result<std::unique_ptr<FuncCode>> run();

 private:
  // A value on the wasm operand stack, as lowering sees it.
  struct Operand {
    // LocalPlus: the i32 `local + bits` (wrapping), not computed until used; a load or
    // store uses it as its address directly.
    enum Kind : uint8_t { Stack, Local, Const, LocalPlus };
    ValType type = ValType::I32;
    Kind kind = Stack;
    uint32_t home = 0;     // its slot when on the stack
    uint32_t local = 0;    // Local, LocalPlus: the local's slot
    uint64_t bits = 0;     // Const: the value (low half of a v128)
    uint64_t bits_hi = 0;  // Const v128: high half
  };
  struct Control {
    enum Kind : uint8_t { Function, Block, Loop, If, Else } kind = Block;
    std::vector<ValType> params, results;
    size_t height = 0;      // stack size below the params
    uint32_t base_slot = 0; // home slot of the first param / result
    size_t loop_start = 0;  // Loop: word index of the first instruction
    // Loop: where branches back land: after the header's h_fuel when counting fuel (the
    // branch spends the unit itself: IRONCLAD_BRANCH), else loop_start.
    size_t back_edge = 0;
    std::vector<size_t> fixups;  // words to receive the end label
    int64_t else_fixup = -1;     // If: the word of the branch to the else arm
    bool dead = false;           // opened in unreachable code: emits nothing
  };
  // Where an emitted instruction wrote its result, so local.set can retarget it.
  struct DstPatch {
    bool valid = false;
    size_t start = 0;   // the instruction's first word
    size_t word = 0;
    bool high = false;  // pair.b rather than pair.a
    uint32_t home = 0;
    size_t height = 0;
  };
  // The last instruction emitted, when a consumer may absorb it (compare-and-branch,
  // load-and-operate, load from a sum...), rewinding it. `form` says what its words mean;
  // a consumer matches the form it understands, never only the opcode: an i32.add that
  // absorbed a load has the opcode of a plain add but its `b` is an address, not a value.
  struct LastOp {
    enum class Form : uint8_t {
      None,
      Unary,          // eqz: a is the operand slot
      Binary,         // op a, b: both slots
      BinaryImm,      // op a, imm: imm_bits is the constant
      BinaryLoaded,   // x op load(b + addr_imm + imm_bits): a is x, b the address slot
      AddShl,         // a + (b << imm_bits)
      Load,           // load(a + addr_imm + imm_bits)
    };
    bool valid = false;
    size_t start = 0, end = 0;
    wasm::Opcode op = wasm::Opcode::Nop;
    Form form = Form::None;
    uint32_t a = 0, b = 0;
    uint64_t imm_bits = 0;
    uint32_t home = 0;
    size_t height = 0;
    uint32_t module_offset = 0;
    // Load and BinaryLoaded: the address is (slot + addr_imm) mod 2^32, plus imm_bits.
    uint32_t addr_imm = 0;
    // A BinaryLoaded whose first operand is the result of the BinaryLoaded just before it
    // (`(x * load q) + load p`): that one.
    struct Inner {
      bool valid = false;
      size_t start = 0;
      wasm::Opcode op = wasm::Opcode::Nop;
      uint32_t x = 0, addr = 0, addr_imm = 0;
      uint64_t offset = 0;
      uint32_t module_offset = 0;
    } inner = {};

    bool is(Form f) const { return valid && form == f; }
    bool is_binary_value() const { return valid && (form == Form::Binary || form == Form::BinaryImm); }
  };
  using Form = LastOp::Form;
  // The record of an instruction just emitted (from `start` to the end of the code), whose
  // result is the top of the stack.
  LastOp record(size_t start, wasm::Opcode op, LastOp::Form form, uint32_t a, uint32_t b,
                uint64_t imm_bits) const;

  Result<void> lower(const wasm::Instr& in);
  Result<void> lower_control(const wasm::Instr& in);
  Result<void> lower_variable(const wasm::Instr& in);
  Result<void> lower_memory(const wasm::Instr& in);
  Result<void> lower_table(const wasm::Instr& in);
  Result<void> lower_numeric(const wasm::Instr& in);
  Result<void> lower_simd(const wasm::Instr& in);
  Error unsupported(const wasm::Instr& in) const;

  // Emission.
  size_t emit(Handler h);  // starts an instruction; returns its word index
  void emit_pair(uint32_t a, uint32_t b);
  void emit_word(uint64_t v);
  void emit_ptr(const void* p);
  // A slot-to-slot move, merged with an immediately preceding one when possible.
  void emit_copy(bool v128, uint32_t from, uint32_t to);
  void emit_jump_to(size_t target_word);  // a target word resolved now
  // Points the jump word `word` at loop `c`'s header, as a branch back to it.
  void target_loop(size_t word, const Control& c);
  void emit_jump_fixup(Control& c);       // a target word resolved at c's end
  void bind_here(size_t fixup_word);
  void mark_label();  // code may be entered here from elsewhere: no fusion across
  void set_dst_patch(size_t word, bool high);

  // The operand stack.
  uint32_t home_at(size_t height) const;
  uint32_t push(ValType t);  // a Stack entry; returns its home
  void push_local(uint32_t local_index);
  void push_const(ValType t, uint64_t bits, uint64_t bits_hi = 0);
  void push_local_plus(uint32_t local_slot, uint32_t imm);
  Operand pop();
  uint32_t src(Operand& o);  // the slot to read o from (a constant is materialized)
  void materialize(Operand& o);
  void materialize_all();
  void materialize_local_readers(uint32_t local_slot);

  // Branches.
  const std::vector<ValType>& label_types(const Control& c) const;
  bool label_needs_copy(const Control& c) const;
  void copy_to_label(const Control& c);
  void emit_return();
  void emit_branch(Control& c);  // unconditional, values already in place
  Result<void> emit_br_if(uint32_t depth);
  Result<void> emit_br_table(const wasm::Instr& in);
  // Pops an i32 condition and emits a branch taken when it is `when`, fusing a pending
  // comparison; returns the word index of the jump target to fill.
  size_t emit_conditional(bool when);

  Result<void> lower_call(runtime::FunctionInstance* callee, uint32_t type_index);
  Result<void> lower_call_indirect(const wasm::Instr& in);
  void lower_unop(wasm::Opcode op, Handler h, ValType result);
  void lower_binop(wasm::Opcode op, ValType result);
  // Emits `a op load` as one instruction when b (or a, for a commutative op) is the
  // result of the load just emitted; false (nothing emitted) otherwise.
  bool fuse_loaded_operand(wasm::Opcode op, ValType result, const Operand& a,
                           const Operand& b, size_t height_b);
  Handler muladd_p_first(const wasm::Instr& in, size_t height_v);
  Result<void> check_frame_size() const;
  // Whether `o`, the entry at stack position height-1, is the result of last_op_ (which
  // must be the last instruction emitted).
  bool is_last_result(const Operand& o, size_t height) const;
  // Removes the last instruction (last_op_) from the code.
  void rewind_last_op();
  // Removes every instruction from word `start` on.
  void truncate_code(size_t start);
  // The record of the instruction that ends at word `end`, if it is remembered.
  const LastOp* op_ending_at(size_t end) const;
  void forget_ops_after(size_t start);
  // After lowering: gives adjacent pairs of instructions one handler (handlers_pairs.cpp).
  void fuse_adjacent();

  runtime::Store& store_;
  runtime::FunctionInstance& func_;
  runtime::Instance& inst_;
  const wasm::Module& module_;
  std::unique_ptr<FuncCode> code_;
  std::vector<Word>& w_;
  bool fuel_ = false;
  const bool optimize_;
  const bool count_loops_;
  bool osr_ = false;  // on-stack replacement at loops that allow it (osr.h), unless fuel_
  const bool osr_eager_;

  std::vector<uint32_t> local_slots_;
  std::vector<ValType> local_types_;
  uint32_t locals_end_ = 0;
  uint32_t max_slot_ = 0;
  std::vector<Operand> stack_;
  std::vector<Control> ctrls_;
  bool unreachable_ = false;
  std::vector<size_t> jump_words_;  // words holding a target as a word index until finish
  // Jump words of branches back to a loop header in code counting fuel: tagged (bit 0) at
  // finish, so the branch spends the iteration's fuel.
  std::vector<size_t> back_edge_words_;
  DstPatch dst_patch_;
  LastOp last_op_;
  // The records of the few instructions emitted before last_op_ (while they are still in
  // the code and no label came after them), for fusions of three or four instructions.
  std::array<LastOp, 4> history_;
  size_t history_next_ = 0;
  // Word indices of FuncCode::offsets entries that are not instruction starts: the second
  // part of a fused instruction whose parts trap at different wasm instructions.
  std::vector<uint32_t> inner_offsets_;
  uint32_t offset_ = 0;  // module offset of the instruction being lowered
  size_t copy_end_ = 0;  // end of the last instruction when it is a lone copy64, else 0
  // The first word of the last instruction emitted. Not code_->offsets.back(): a fused
  // instruction that reports a trap of its second part at ip + 1 has an offsets entry there.
  size_t last_start_ = 0;
};

}  // namespace ironclad::interp
