// Lowering driver, operand-stack bookkeeping and control flow (see lowerer.h).
#include <algorithm>
#include <cstring>
#include <string>

#include "interp/handlers.h"
#include "interp/handlers_fused.h"
#include "interp/lowerer.h"
#include "interp/value_slots.h"
#include "wasm/body_decoder.h"

namespace ironclad::interp {

using wasm::Opcode;

namespace {

uint8_t* const kNoMemoryBase = nullptr;
const uint64_t kNoMemorySize = 0;

// A frame bigger than this is refused (it would be a module with millions of locals).
constexpr uint32_t kMaxFrameSlots = 1u << 24;

}  // namespace

const FuncCode& sentinel_code() {
  static const FuncCode code = [] {
    FuncCode c;
    c.mem_base = &kNoMemoryBase;
    c.mem_size = &kNoMemorySize;
    return c;
  }();
  return code;
}

uint32_t FuncCode::module_offset_of(const Word* ip) const {
  if (offsets.empty() || ip < words.data() || ip >= words.data() + words.size()) return 0;
  auto index = static_cast<uint32_t>(ip - words.data());
  auto it = std::upper_bound(offsets.begin(), offsets.end(), index,
                             [](uint32_t i, const auto& e) { return i < e.first; });
  if (it == offsets.begin()) return offsets.front().second;
  return std::prev(it)->second;
}

Result<std::unique_ptr<FuncCode>> lower_function(runtime::Store& store,
                                                 runtime::FunctionInstance& func,
                                                 bool optimize, bool count_loops, OsrMode osr) {
  if (func.is_host() || !func.instance)
    return Error::make(ErrorKind::Internal, "interpreter: cannot lower a host function");
  Lowerer lowerer(store, func, optimize, count_loops, osr);
  return lowerer.run();
}

Lowerer::Lowerer(runtime::Store& store, runtime::FunctionInstance& func, bool optimize,
                 bool count_loops, OsrMode osr)
    : store_(store),
      func_(func),
      inst_(*func.instance),
      module_(*func.instance->module),
      code_(std::make_unique<FuncCode>()),
      w_(code_->words),
      optimize_(optimize),
      count_loops_(count_loops),
      osr_(osr != OsrMode::Off && count_loops),
      osr_eager_(osr == OsrMode::Eager) {}

Result<std::unique_ptr<FuncCode>> Lowerer::run() {
  const uint32_t index = func_.func_index;
  const wasm::FuncType& type = module_.func_type(index);
  const wasm::FunctionBody& body = module_.body(index);
  fuel_ = store_.limits().counts_fuel();  // a fuel budget or a deadline
  // A store with a fuel limit never runs machine code (src/tiered). One with a deadline alone
  // does (interrupt mode), and its loops may leave: the header spends the iteration's fuel
  // (the deadline's clock) before h_loop_osr counts it, and the loop entry reads the
  // store's interrupt flag (docs/tiering.md, "On-stack replacement").
  if (store_.limits().fuel > 0) osr_ = false;

  code_->func = &func_;
  code_->instance = &inst_;
  if (inst_.memories.empty()) {
    code_->mem_base = &kNoMemoryBase;
    code_->mem_size = &kNoMemorySize;
  } else {
    code_->mem_base = &inst_.memories[0]->base;
    code_->mem_size = &inst_.memories[0]->size_bytes;
  }

  // Locals: params first, then the declared ones, each at a fixed slot.
  uint32_t slot = 0;
  for (ValType t : type.params) {
    local_slots_.push_back(slot);
    local_types_.push_back(t);
    slot += slot_count(t);
  }
  code_->param_slots = slot;
  for (const wasm::LocalRun& run : body.locals) {
    if (uint64_t{slot} + uint64_t{run.count} * 2 > kMaxFrameSlots)
      return Error::make(ErrorKind::Exhausted,
                         "interpreter: " + module_.function_display_name(index) +
                             " declares too many locals for a frame");
    for (uint32_t i = 0; i < run.count; ++i) {
      local_slots_.push_back(slot);
      local_types_.push_back(run.type);
      slot += slot_count(run.type);
    }
  }
  if (osr_) {
    // The frame's OSR iteration counter: after the declared locals, zeroed with them.
    code_->osr_counter_slot = slot;
    slot += 1;
  }
  locals_end_ = slot;
  max_slot_ = slot;
  w_.reserve(body.size * 2 + 8);

  offset_ = body.code_offset;
  if (fuel_) emit(h_fuel);
  if (locals_end_ > code_->param_slots) {
    emit(h_zero_locals);
    emit_pair(code_->param_slots, locals_end_ - code_->param_slots);
  }

  Control fn;
  fn.kind = Control::Function;
  fn.results = type.results;
  fn.base_slot = locals_end_;
  ctrls_.push_back(std::move(fn));

  wasm::BodyDecoder decoder(module_, index);
  wasm::Instr in;
  while (!decoder.at_end()) {
    IRONCLAD_TRY(decoder.next(in));
    offset_ = in.offset;
    IRONCLAD_TRY(lower(in));
    // Unoptimized: no instruction may absorb the one before it.
    if (!optimize_) mark_label();
  }
  if (!ctrls_.empty())
    return Error::make(ErrorKind::Internal, "interpreter: body of " +
                                                module_.function_display_name(index) +
                                                " ended with open blocks");
  IRONCLAD_TRY(check_frame_size());
  if (optimize_) fuse_adjacent();

  w_.shrink_to_fit();
  // Jump targets were word indices while the vector could still move.
  for (size_t at : jump_words_) w_[at].target = w_.data() + w_[at].u64;
  // Words are 8-byte aligned: bit 0 of a target is free to tag a branch back to a loop.
  for (size_t at : back_edge_words_)
    w_[at].target = reinterpret_cast<const Word*>(reinterpret_cast<uintptr_t>(w_[at].target) | 1);
  code_->frame_slots = std::max(max_slot_, locals_end_);
  return std::move(code_);
}

Result<void> Lowerer::check_frame_size() const {
  if (max_slot_ > kMaxFrameSlots)
    return Error::make(ErrorKind::Exhausted, "interpreter: the frame of " +
                                                 module_.function_display_name(func_.func_index) +
                                                 " is too large");
  return {};
}

Error Lowerer::unsupported(const wasm::Instr& in) const {
  return Error::make(ErrorKind::Internal,
                     std::string("interpreter: instruction ") + wasm::to_string(in.op) +
                         " at offset " + std::to_string(in.offset) + " is not supported");
}

// ---- Emission ----------------------------------------------------------------------------

size_t Lowerer::emit(Handler h) {
  dst_patch_.valid = false;
  if (last_op_.valid) {
    history_[history_next_] = last_op_;
    history_next_ = (history_next_ + 1) % history_.size();
  }
  last_op_.valid = false;
  size_t at = w_.size();
  last_start_ = at;
  code_->offsets.emplace_back(static_cast<uint32_t>(at), offset_);
  Word word;
  word.handler = h;
  w_.push_back(word);
  return at;
}

void Lowerer::emit_pair(uint32_t a, uint32_t b) {
  Word word;
  word.pair.a = a;
  word.pair.b = b;
  w_.push_back(word);
}

void Lowerer::emit_word(uint64_t v) {
  Word word;
  word.u64 = v;
  w_.push_back(word);
}

void Lowerer::emit_ptr(const void* p) {
  Word word;
  word.ptr = const_cast<void*>(p);
  w_.push_back(word);
}

void Lowerer::emit_jump_to(size_t target_word) {
  jump_words_.push_back(w_.size());
  emit_word(target_word);
}

void Lowerer::target_loop(size_t word, const Control& c) {
  if (!fuel_) {
    w_[word].u64 = c.loop_start;
    return;
  }
  w_[word].u64 = c.back_edge;
  back_edge_words_.push_back(word);
}

void Lowerer::emit_jump_fixup(Control& c) {
  c.fixups.push_back(w_.size());
  jump_words_.push_back(w_.size());
  emit_word(0);
}

void Lowerer::emit_copy(bool v128, uint32_t from, uint32_t to) {
  if (!v128 && copy_end_ == w_.size() && copy_end_ != 0) {
    // Two moves in a row (the rotation of locals in a loop body, results to a label)
    // share one dispatch. They still run in order, so chains like b=a; c=b stay right.
    w_[copy_end_ - 2].handler = h_copy64x2;
    emit_pair(from, to);
    copy_end_ = 0;
    dst_patch_.valid = false;
    last_op_.valid = false;
    return;
  }
  emit(v128 ? h_copy128 : h_copy64);
  emit_pair(from, to);
  copy_end_ = v128 ? 0 : w_.size();
}

void Lowerer::bind_here(size_t fixup_word) { w_[fixup_word].u64 = w_.size(); }

void Lowerer::mark_label() {
  copy_end_ = 0;
  dst_patch_.valid = false;
  last_op_.valid = false;
  for (LastOp& r : history_) r.valid = false;
}

void Lowerer::set_dst_patch(size_t word, bool high) {
  dst_patch_.valid = true;
  dst_patch_.start = last_start_;
  dst_patch_.word = word;
  dst_patch_.high = high;
  dst_patch_.home = stack_.back().home;
  dst_patch_.height = stack_.size();
}

Lowerer::LastOp Lowerer::record(size_t start, Opcode op, LastOp::Form form, uint32_t a,
                                uint32_t b, uint64_t imm_bits) const {
  LastOp r;
  r.valid = true;
  r.start = start;
  r.end = w_.size();
  r.op = op;
  r.form = form;
  r.a = a;
  r.b = b;
  r.imm_bits = imm_bits;
  r.home = stack_.back().home;
  r.height = stack_.size();
  r.module_offset = offset_;
  return r;
}

bool Lowerer::is_last_result(const Operand& o, size_t height) const {
  return last_op_.valid && last_op_.end == w_.size() && o.kind == Operand::Stack &&
         o.home == last_op_.home && last_op_.height == height;
}

void Lowerer::rewind_last_op() {
  truncate_code(last_op_.start);
  last_op_.valid = false;
  dst_patch_.valid = false;
}

void Lowerer::truncate_code(size_t start) {
  w_.resize(start);
  while (!code_->offsets.empty() && code_->offsets.back().first >= start)
    code_->offsets.pop_back();
  while (!inner_offsets_.empty() && inner_offsets_.back() >= start) inner_offsets_.pop_back();
  if (copy_end_ > start) copy_end_ = 0;
  forget_ops_after(start);
}

void Lowerer::forget_ops_after(size_t start) {
  if (last_op_.end > start) last_op_.valid = false;
  for (LastOp& r : history_)
    if (r.end > start) r.valid = false;
}

const Lowerer::LastOp* Lowerer::op_ending_at(size_t end) const {
  for (const LastOp& r : history_)
    if (r.valid && r.end == end) return &r;
  return nullptr;
}

void Lowerer::fuse_adjacent() {
  std::vector<uint32_t> starts;
  starts.reserve(code_->offsets.size());
  size_t inner = 0;
  for (const auto& [word, module_offset] : code_->offsets) {
    while (inner < inner_offsets_.size() && inner_offsets_[inner] < word) ++inner;
    if (inner < inner_offsets_.size() && inner_offsets_[inner] == word) continue;
    if (starts.empty() || starts.back() != word) starts.push_back(word);
  }
  // Jump targets (still word indices here): an instruction control reaches from elsewhere
  // is better the first of a pair than the second (a loop header paired with the
  // instruction before the loop would run alone on every iteration).
  std::vector<uint32_t> targets;
  targets.reserve(jump_words_.size());
  for (size_t at : jump_words_) targets.push_back(static_cast<uint32_t>(w_[at].u64));
  std::sort(targets.begin(), targets.end());
  auto is_target = [&](uint32_t word) {
    return std::binary_search(targets.begin(), targets.end(), word);
  };
  // Left to right, each instruction in at most one pair. The first of a pair always falls
  // through; the second keeps its own words (and so would stay a valid jump target on its
  // own).
  for (size_t i = 0; i + 1 < starts.size(); ++i) {
    const uint32_t at = starts[i], next = starts[i + 1];
    if (is_target(next)) continue;
    if (Handler fused = pair_handler(w_[at].handler, w_[next].handler, next - at)) {
      w_[at].handler = fused;
      ++i;
    }
  }
}

// ---- Operand stack -------------------------------------------------------------------------

uint32_t Lowerer::home_at(size_t height) const {
  if (height == 0) return locals_end_;
  const Operand& below = stack_[height - 1];
  return below.home + slot_count(below.type);
}

uint32_t Lowerer::push(ValType t) {
  Operand o;
  o.type = t;
  o.kind = Operand::Stack;
  o.home = home_at(stack_.size());
  max_slot_ = std::max(max_slot_, o.home + slot_count(t));
  stack_.push_back(o);
  return o.home;
}

void Lowerer::push_local(uint32_t local_index) {
  if (!optimize_) {
    const ValType t = local_types_[local_index];
    emit_copy(t == ValType::V128, local_slots_[local_index], push(t));
    return;
  }
  Operand o;
  o.type = local_types_[local_index];
  o.kind = Operand::Local;
  o.local = local_slots_[local_index];
  o.home = home_at(stack_.size());
  max_slot_ = std::max(max_slot_, o.home + slot_count(o.type));
  stack_.push_back(o);
}

void Lowerer::push_const(ValType t, uint64_t bits, uint64_t bits_hi) {
  Operand o;
  o.type = t;
  o.kind = Operand::Const;
  o.bits = bits;
  o.bits_hi = bits_hi;
  o.home = home_at(stack_.size());
  max_slot_ = std::max(max_slot_, o.home + slot_count(t));
  stack_.push_back(o);
  if (!optimize_) materialize(stack_.back());
}

Lowerer::Operand Lowerer::pop() {
  Operand o = stack_.back();
  stack_.pop_back();
  return o;
}

void Lowerer::push_local_plus(uint32_t local_slot, uint32_t imm) {
  Operand o;
  o.type = ValType::I32;
  o.kind = Operand::LocalPlus;
  o.local = local_slot;
  o.bits = imm;
  o.home = home_at(stack_.size());
  max_slot_ = std::max(max_slot_, o.home + 1);
  stack_.push_back(o);
}

void Lowerer::materialize(Operand& o) {
  if (o.kind == Operand::LocalPlus) {
    emit(binop_handler(Opcode::I32Add, true));
    emit_pair(o.local, o.home);
    emit_word(o.bits);
  } else if (o.kind == Operand::Local) {
    emit_copy(o.type == ValType::V128, o.local, o.home);
  } else if (o.kind == Operand::Const) {
    if (o.type == ValType::V128) {
      emit(h_const128);
      emit_pair(o.home, 0);
      emit_word(o.bits);
      emit_word(o.bits_hi);
    } else {
      emit(h_const64);
      emit_pair(o.home, 0);
      emit_word(o.bits);
    }
  }
  o.kind = Operand::Stack;
}

uint32_t Lowerer::src(Operand& o) {
  if (o.kind == Operand::Local) return o.local;
  if (o.kind == Operand::Const || o.kind == Operand::LocalPlus) materialize(o);
  return o.home;
}

void Lowerer::materialize_all() {
  for (Operand& o : stack_)
    if (o.kind != Operand::Stack) materialize(o);
}

void Lowerer::materialize_local_readers(uint32_t local_slot) {
  for (Operand& o : stack_)
    if ((o.kind == Operand::Local || o.kind == Operand::LocalPlus) && o.local == local_slot)
      materialize(o);
}

// ---- Dispatch ------------------------------------------------------------------------------

Result<void> Lowerer::lower(const wasm::Instr& in) {
  if (unreachable_) {
    // Only the structure matters until the enclosing block ends.
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If: {
        Control c;
        c.dead = true;
        ctrls_.push_back(std::move(c));
        return {};
      }
      case Opcode::Else:
      case Opcode::End: return lower_control(in);
      default: return {};
    }
  }
  switch (in.op) {
    case Opcode::Unreachable:
    case Opcode::Nop:
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
    case Opcode::Else:
    case Opcode::End:
    case Opcode::Br:
    case Opcode::BrIf:
    case Opcode::BrTable:
    case Opcode::Return:
    case Opcode::Call:
    case Opcode::CallIndirect:
    case Opcode::Drop:
    case Opcode::Select:
    case Opcode::SelectT: return lower_control(in);
    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee:
    case Opcode::GlobalGet:
    case Opcode::GlobalSet:
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const:
    case Opcode::V128Const:
    case Opcode::RefNull:
    case Opcode::RefFunc: return lower_variable(in);
    case Opcode::TableGet:
    case Opcode::TableSet:
    case Opcode::TableInit:
    case Opcode::ElemDrop:
    case Opcode::TableCopy:
    case Opcode::TableGrow:
    case Opcode::TableSize:
    case Opcode::TableFill:
    case Opcode::RefIsNull: return lower_table(in);
    default: break;
  }
  const wasm::OpcodeInfo& info = wasm::opcode_info(in.op);
  if (info.imm == wasm::ImmKind::MemArg || info.imm == wasm::ImmKind::MemArgLane ||
      info.imm == wasm::ImmKind::MemIdx || info.imm == wasm::ImmKind::MemoryInit ||
      info.imm == wasm::ImmKind::MemoryCopy || info.imm == wasm::ImmKind::DataIdx)
    return lower_memory(in);
  if (info.prefix == 0xFD) return lower_simd(in);
  return lower_numeric(in);
}

// ---- Control flow --------------------------------------------------------------------------

const std::vector<ValType>& Lowerer::label_types(const Control& c) const {
  return c.kind == Control::Loop ? c.params : c.results;
}

bool Lowerer::label_needs_copy(const Control& c) const {
  const size_t n = label_types(c).size();
  if (n == 0) return false;
  if (stack_.size() - n != c.height) return true;
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i)
    if (stack_[i].kind != Operand::Stack) return true;
  return false;
}

// Writes the top values into the label's slots (ascending order is safe: see lowerer.h
// and the argument in emit_return), leaving the stack as it is.
void Lowerer::copy_to_label(const Control& c) {
  const size_t n = label_types(c).size();
  uint32_t slot = c.base_slot;
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
    Operand& o = stack_[i];
    bool v128 = o.type == ValType::V128;
    if (o.kind == Operand::Const || o.kind == Operand::LocalPlus) {
      Operand at = o;
      at.home = slot;
      materialize(at);
    } else {
      uint32_t from = o.kind == Operand::Local ? o.local : o.home;
      if (from != slot) {
        emit_copy(v128, from, slot);
      }
    }
    slot += slot_count(o.type);
  }
}

// Results go to slots 0.. of the frame. Each result's home slot is at or above its
// destination and the gap is the same for all of them, so copying in ascending order never
// overwrites a value not yet copied; lazy entries are made real first because their
// locals may lie in the destination range.
void Lowerer::emit_return() {
  const Control& fn = ctrls_.front();
  const size_t n = fn.results.size();
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t slot = 0;
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
    Operand& o = stack_[i];
    if (o.home != slot) {
      emit_copy(o.type == ValType::V128, o.home, slot);
    }
    slot += slot_count(o.type);
  }
  emit(h_return);
}

void Lowerer::emit_branch(Control& c) {
  if (c.kind == Control::Function) {
    emit_return();
    return;
  }
  emit(h_br);
  if (c.kind == Control::Loop) {
    emit_jump_to(c.loop_start);
    target_loop(w_.size() - 1, c);
  } else
    emit_jump_fixup(c);
}

size_t Lowerer::emit_conditional(bool when) {
  const LastOp pc = last_op_;
  const bool pc_imm = pc.form == LastOp::Form::BinaryImm;
  const bool eqz = pc.is(LastOp::Form::Unary) && (pc.op == Opcode::I32Eqz || pc.op == Opcode::I64Eqz);
  const bool compare =
      pc.is_binary_value() && branch_compare_handler(pc.op, pc_imm, true) != nullptr;
  bool fuse = is_last_result(stack_.back(), stack_.size()) && (eqz || compare);
  Operand cond = pop();
  if (fuse) {
    // Replace the comparison by a compare-and-branch reading the same operands.
    rewind_last_op();
    if (eqz) {
      bool is64 = pc.op == Opcode::I64Eqz;
      // branch when (a == 0) == when
      emit(when ? (is64 ? h_br_z64 : h_br_z) : (is64 ? h_br_nz64 : h_br_nz));
      emit_pair(pc.a, 0);
    } else {
      emit(branch_compare_handler(pc.op, pc_imm, when));
      emit_pair(pc.a, pc.b);
      if (pc_imm) emit_word(pc.imm_bits);
    }
  } else {
    uint32_t s = src(cond);
    emit(when ? h_br_nz : h_br_z);
    emit_pair(s, 0);
  }
  size_t target = w_.size();
  jump_words_.push_back(target);
  emit_word(0);
  return target;
}

Result<void> Lowerer::emit_br_if(uint32_t depth) {
  Control& c = ctrls_[ctrls_.size() - 1 - depth];
  // Peek below the condition: do the label's values need copying on the taken path?
  Operand cond_saved = stack_.back();
  stack_.pop_back();
  bool direct = c.kind != Control::Function && !label_needs_copy(c);
  stack_.push_back(cond_saved);
  if (direct) {
    size_t t = emit_conditional(true);
    if (c.kind == Control::Loop) {
      target_loop(t, c);
    } else {
      c.fixups.push_back(t);
    }
    return {};
  }
  // Taken path needs moves: skip over them when the condition is false.
  size_t skip = emit_conditional(false);
  if (c.kind == Control::Function) {
    // emit_return makes lazy entries real, but only on this path: the fall-through path
    // must keep seeing them as they were.
    std::vector<Operand> saved = stack_;
    emit_return();
    stack_ = std::move(saved);
  } else {
    copy_to_label(c);
    emit_branch(c);
  }
  bind_here(skip);
  mark_label();
  return {};
}

Result<void> Lowerer::emit_br_table(const wasm::Instr& in) {
  const std::vector<uint32_t>& depths = *in.br_targets;  // the default last
  Operand index = pop();
  uint32_t index_slot = src(index);
  const uint32_t count = static_cast<uint32_t>(depths.size() - 1);
  emit(h_br_table);
  emit_pair(index_slot, count);
  size_t table = w_.size();
  for (size_t i = 0; i < depths.size(); ++i) {
    jump_words_.push_back(w_.size());
    emit_word(0);
  }
  for (size_t i = 0; i < depths.size(); ++i) {
    Control& c = ctrls_[ctrls_.size() - 1 - depths[i]];
    if (c.kind != Control::Function && !label_needs_copy(c)) {
      if (c.kind == Control::Loop)
        target_loop(table + i, c);
      else
        c.fixups.push_back(table + i);
      continue;
    }
    // A trampoline: the moves this br_table target needs, then the branch.
    w_[table + i].u64 = w_.size();
    mark_label();
    if (c.kind == Control::Function) {
      // The trampoline must not change the stack others see: work on a copy of its entries.
      std::vector<Operand> saved = stack_;
      emit_return();
      stack_ = std::move(saved);
    } else {
      copy_to_label(c);
      emit_branch(c);
    }
  }
  unreachable_ = true;
  return {};
}

Result<void> Lowerer::lower_control(const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::Unreachable:
      emit(h_unreachable);
      unreachable_ = true;
      return {};
    case Opcode::Nop: return {};
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: {
      Control c;
      c.kind = in.op == Opcode::Block ? Control::Block
               : in.op == Opcode::Loop ? Control::Loop
                                       : Control::If;
      if (in.block.kind == wasm::BlockType::Value) {
        c.results = {in.block.value};
      } else if (in.block.kind == wasm::BlockType::TypeIndex) {
        const wasm::FuncType& bt = module_.types[in.block.type_index];
        c.params = bt.params;
        c.results = bt.results;
      }
      size_t target = 0;
      if (c.kind == Control::If) {
        // The condition is popped first; the values below must be in their homes before
        // control splits.
        Operand cond = stack_.back();
        stack_.pop_back();
        materialize_all();
        stack_.push_back(cond);
        target = emit_conditional(false);
      } else {
        materialize_all();
      }
      c.height = stack_.size() - c.params.size();
      c.base_slot = home_at(c.height);
      if (c.kind == Control::If) c.else_fixup = static_cast<int64_t>(target);
      mark_label();
      if (c.kind == Control::Loop) {
        c.loop_start = w_.size();
        if (fuel_) emit(h_fuel);
        c.back_edge = w_.size();
        if (osr_ && ctrls_.back().height == 0) {
          // A loop the frame may leave from: its locals and the operand stack (all in their
          // homes now, from locals_end_ on) are all the state there is (osr.h).
          auto loop = std::make_unique<OsrLoop>();
          loop->loop_offset = offset_;
          for (const Operand& o : stack_) loop->stack_types.push_back(o.type);
          loop->stack_slot = locals_end_;
          loop->request_at =
              osr_eager_ ? 1 : osr_request_iterations(module_.body(func_.func_index).size);
          emit(h_loop_osr);
          emit_ptr(&code_->heat);
          // The mask of the iterations at which the frame looks (every one when eager).
          emit_pair(code_->osr_counter_slot,
                    osr_eager_ ? 0 : static_cast<uint32_t>(kOsrCheckInterval - 1));
          emit_ptr(loop.get());
          code_->osr_loops.push_back(std::move(loop));
        } else if (count_loops_) {
          emit(h_loop_heat);
          emit_ptr(&code_->heat);
        }
      }
      // The results may need more slots than the params.
      uint32_t result_end = c.base_slot;
      for (ValType t : c.results) result_end += slot_count(t);
      max_slot_ = std::max(max_slot_, result_end);
      ctrls_.push_back(std::move(c));
      return {};
    }
    case Opcode::Else: {
      Control& c = ctrls_.back();
      if (c.dead) return {};
      if (!unreachable_) {
        for (size_t i = c.height; i < stack_.size(); ++i) materialize(stack_[i]);
        emit(h_br);
        emit_jump_fixup(c);
      }
      bind_here(static_cast<size_t>(c.else_fixup));
      c.else_fixup = -1;
      c.kind = Control::Else;
      mark_label();
      stack_.resize(c.height);
      for (ValType t : c.params) push(t);
      unreachable_ = false;
      return {};
    }
    case Opcode::End: {
      Control& c = ctrls_.back();
      if (c.dead) {
        ctrls_.pop_back();
        return {};
      }
      if (c.kind == Control::Function) {
        if (!unreachable_) emit_return();
        ctrls_.pop_back();
        return {};
      }
      if (!unreachable_)
        for (size_t i = c.height; i < stack_.size(); ++i) materialize(stack_[i]);
      if (c.else_fixup >= 0) bind_here(static_cast<size_t>(c.else_fixup));
      for (size_t f : c.fixups) bind_here(f);
      mark_label();
      Control done = std::move(ctrls_.back());
      ctrls_.pop_back();
      stack_.resize(done.height);
      for (ValType t : done.results) push(t);
      unreachable_ = false;
      return {};
    }
    case Opcode::Br: {
      Control& c = ctrls_[ctrls_.size() - 1 - in.index];
      if (c.kind != Control::Function) copy_to_label(c);
      emit_branch(c);
      unreachable_ = true;
      return {};
    }
    case Opcode::BrIf: return emit_br_if(in.index);
    case Opcode::BrTable: return emit_br_table(in);
    case Opcode::Return:
      emit_return();
      unreachable_ = true;
      return {};
    case Opcode::Call:
      return lower_call(inst_.funcs[in.index], module_.func_types[in.index]);
    case Opcode::CallIndirect: return lower_call_indirect(in);
    case Opcode::Drop: pop(); return {};
    case Opcode::Select:
    case Opcode::SelectT: {
      Operand c = pop();
      Operand b = pop();
      Operand a = pop();
      uint32_t sa = src(a), sb = src(b), sc = src(c);
      uint32_t dst = a.home;
      emit(a.type == ValType::V128 ? h_select128 : h_select64);
      emit_pair(sa, sb);
      emit_pair(sc, dst);
      push(a.type);
      set_dst_patch(w_.size() - 1, true);
      return {};
    }
    default: return unsupported(in);
  }
}

Result<void> Lowerer::lower_call(runtime::FunctionInstance* callee, uint32_t type_index) {
  const wasm::FuncType& type = module_.types[type_index];
  const size_t n = type.params.size();
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t arg_base = home_at(stack_.size() - n);
  stack_.resize(stack_.size() - n);
  Handler h = callee->is_host()                ? h_call_host
              : callee->instance == &inst_ ? h_call
                                           : h_call_cross;
  emit(h);
  emit_pair(arg_base, 0);
  emit_ptr(callee);
  for (ValType t : type.results) push(t);
  return {};
}

Result<void> Lowerer::lower_call_indirect(const wasm::Instr& in) {
  const wasm::FuncType& type = module_.types[in.index];
  Operand index = pop();
  uint32_t index_slot = src(index);
  const size_t n = type.params.size();
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t arg_base = home_at(stack_.size() - n);
  // A constant index was materialized at its home, just above the arguments; the callee's
  // frame starts at arg_base and the index is read before the call, so that is fine.
  stack_.resize(stack_.size() - n);
  emit(h_call_indirect);
  emit_pair(index_slot, arg_base);
  emit_ptr(inst_.tables[in.index2]);
  emit_pair(store_.intern_type(type), 0);
  for (ValType t : type.results) push(t);
  return {};
}

}  // namespace ironclad::interp
