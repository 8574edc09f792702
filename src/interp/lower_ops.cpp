// Lowering of variables, constants, memory, tables and numeric operators (see lowerer.h).
#include <algorithm>
#include <cstring>

#include "interp/handlers.h"
#include "interp/handlers_fused.h"
#include "interp/handlers_simd.h"
#include "interp/lowerer.h"
#include "interp/value_slots.h"

namespace ironclad::interp {

using wasm::Opcode;

namespace {

ValType sig_type(char c) {
  switch (c) {
    case 'i': return ValType::I32;
    case 'l': return ValType::I64;
    case 'f': return ValType::F32;
    case 'd': return ValType::F64;
    default: return ValType::V128;
  }
}

// The operand count and result type of a fixed-signature operator ("ii:i").
struct Signature {
  size_t params = 0;
  bool has_result = false;
  ValType result = ValType::I32;
};
Signature signature_of(Opcode op) {
  const char* sig = wasm::opcode_info(op).sig;
  Signature s;
  const char* colon = std::strchr(sig, ':');
  if (!colon) return s;
  s.params = static_cast<size_t>(colon - sig);
  if (colon[1] != '\0') {
    s.has_result = true;
    s.result = sig_type(colon[1]);
  }
  return s;
}

// The full-width load / store of a value of type t (Opcode::Count for none).
Opcode full_load_of(ValType t) {
  switch (t) {
    case ValType::I32: return Opcode::I32Load;
    case ValType::I64: return Opcode::I64Load;
    case ValType::F32: return Opcode::F32Load;
    case ValType::F64: return Opcode::F64Load;
    case ValType::V128: return Opcode::V128Load;
    default: return Opcode::Count;
  }
}
Opcode full_store_of(ValType t) {
  switch (t) {
    case ValType::I32: return Opcode::I32Store;
    case ValType::I64: return Opcode::I64Store;
    case ValType::F32: return Opcode::F32Store;
    case ValType::F64: return Opcode::F64Store;
    case ValType::V128: return Opcode::V128Store;
    default: return Opcode::Count;
  }
}

bool is_commutative(Opcode op) {
  switch (op) {
    case Opcode::I32Add: case Opcode::I32Mul: case Opcode::I32And: case Opcode::I32Or:
    case Opcode::I32Xor: case Opcode::I32Eq: case Opcode::I32Ne:
    case Opcode::I64Add: case Opcode::I64Mul: case Opcode::I64And: case Opcode::I64Or:
    case Opcode::I64Xor: case Opcode::I64Eq: case Opcode::I64Ne:
    case Opcode::F32x4Add: case Opcode::F32x4Mul: case Opcode::F64x2Add: case Opcode::F64x2Mul:
    case Opcode::I8x16Add: case Opcode::I16x8Add: case Opcode::I32x4Add: case Opcode::I64x2Add:
    case Opcode::I32x4Mul: case Opcode::V128And: case Opcode::V128Or: case Opcode::V128Xor:
      return true;
    default:
      return false;
  }
}

Handler global_get_handler(ValType t) {
  if (t == ValType::I32 || t == ValType::F32) return h_global_get32;
  if (t == ValType::V128) return h_global_get128;
  return h_global_get64;
}
Handler global_set_handler(ValType t) {
  if (t == ValType::I32 || t == ValType::F32) return h_global_set32;
  if (t == ValType::V128) return h_global_set128;
  return h_global_set64;
}

}  // namespace

Result<void> Lowerer::lower_variable(const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::LocalGet: push_local(in.index); return {};
    case Opcode::LocalSet:
    case Opcode::LocalTee: {
      const uint32_t slot = local_slots_[in.index];
      Operand v = pop();
      bool has_readers = std::any_of(stack_.begin(), stack_.end(), [&](const Operand& o) {
        return (o.kind == Operand::Local || o.kind == Operand::LocalPlus) && o.local == slot;
      });
      if (dst_patch_.valid && v.kind == Operand::Stack && dst_patch_.home == v.home &&
          dst_patch_.height == stack_.size() + 1) {
        // The producing instruction (the last one emitted) writes the local directly.
        DstPatch patch = dst_patch_;
        if (has_readers) {
          // Entries still reading the local's old value (as in `x++` used as a value) get
          // their copies first: take the producer out, emit them, put it back after.
          // A fused producer has a second offsets entry (and an inner one) inside its words.
          std::vector<Word> producer(w_.begin() + static_cast<ptrdiff_t>(patch.start), w_.end());
          std::vector<std::pair<uint32_t, uint32_t>> producer_offsets;
          while (!code_->offsets.empty() && code_->offsets.back().first >= patch.start) {
            producer_offsets.insert(producer_offsets.begin(), code_->offsets.back());
            code_->offsets.pop_back();
          }
          std::vector<uint32_t> producer_inner;
          while (!inner_offsets_.empty() && inner_offsets_.back() >= patch.start) {
            producer_inner.insert(producer_inner.begin(), inner_offsets_.back());
            inner_offsets_.pop_back();
          }
          forget_ops_after(patch.start);
          w_.resize(patch.start);
          if (copy_end_ > patch.start) copy_end_ = 0;
          materialize_local_readers(slot);
          const size_t moved = w_.size();
          auto shifted = [&](uint32_t word) {
            return static_cast<uint32_t>(word - patch.start + moved);
          };
          for (const auto& [word, module_offset] : producer_offsets)
            code_->offsets.emplace_back(shifted(word), module_offset);
          for (uint32_t word : producer_inner) inner_offsets_.push_back(shifted(word));
          w_.insert(w_.end(), producer.begin(), producer.end());
          patch.word = patch.word - patch.start + moved;
          copy_end_ = 0;
        }
        if (patch.high)
          w_[patch.word].pair.b = slot;
        else
          w_[patch.word].pair.a = slot;
        dst_patch_.valid = false;
        last_op_.valid = false;
      } else {
        materialize_local_readers(slot);
        if (v.kind == Operand::Const || v.kind == Operand::LocalPlus) {
          Operand at = v;
          at.home = slot;
          materialize(at);
        } else {
          uint32_t from = v.kind == Operand::Local ? v.local : v.home;
          if (from != slot) {
            emit_copy(v.type == ValType::V128, from, slot);
          }
        }
      }
      if (in.op == Opcode::LocalTee) push_local(in.index);
      return {};
    }
    case Opcode::GlobalGet: {
      runtime::Global* g = inst_.globals[in.index];
      uint32_t dst = push(g->type.type);
      size_t at = emit(global_get_handler(g->type.type));
      emit_pair(dst, 0);
      emit_ptr(g);
      set_dst_patch(at + 1, false);
      return {};
    }
    case Opcode::GlobalSet: {
      runtime::Global* g = inst_.globals[in.index];
      Operand v = pop();
      uint32_t s = src(v);
      emit(global_set_handler(g->type.type));
      emit_pair(s, 0);
      emit_ptr(g);
      return {};
    }
    case Opcode::I32Const: push_const(ValType::I32, in.i32); return {};
    case Opcode::I64Const: push_const(ValType::I64, in.i64); return {};
    case Opcode::F32Const: push_const(ValType::F32, in.f32_bits); return {};
    case Opcode::F64Const: push_const(ValType::F64, in.f64_bits); return {};
    case Opcode::V128Const: {
      uint64_t lo, hi;
      std::memcpy(&lo, in.v128.bytes, 8);
      std::memcpy(&hi, in.v128.bytes + 8, 8);
      push_const(ValType::V128, lo, hi);
      return {};
    }
    case Opcode::RefNull: push_const(in.ref_type, 0); return {};
    case Opcode::RefFunc:
      push_const(ValType::FuncRef, inst_.funcs[in.index]->as_ref().bits);
      return {};
    default: return unsupported(in);
  }
}

Result<void> Lowerer::lower_memory(const wasm::Instr& in) {
  if (Handler h = load_handler(in.op)) {
    const ValType result = signature_of(in.op).result;
    if (stack_.back().kind == Operand::LocalPlus) {
      if (Handler fused = load_add_handler(in.op, true)) {
        // load(local + imm + offset), the sum never stored.
        Operand addr = pop();
        size_t at = emit(fused);
        emit_pair(addr.local, addr.home);
        emit_word(addr.bits);
        emit_word(in.mem.offset);
        push(result);
        set_dst_patch(at + 1, true);
        // An operator or a store may absorb it, the sum included.
        last_op_ = record(at, in.op, Form::Load, addr.local, 0, in.mem.offset);
        last_op_.addr_imm = static_cast<uint32_t>(addr.bits);
        return {};
      }
    }
    if (last_op_.is(Form::AddShl) && is_last_result(stack_.back(), stack_.size())) {
      if (Handler scaled = load_add_shl_handler(in.op)) {
        // load(a + (b << k) + offset): an array element in one instruction.
        LastOp add = last_op_;
        Operand addr = pop();
        rewind_last_op();
        size_t at = emit(scaled);
        emit_pair(add.a, add.b);
        emit_pair(addr.home, static_cast<uint32_t>(add.imm_bits));
        emit_word(in.mem.offset);
        push(result);
        set_dst_patch(at + 2, false);
        return {};
      }
    }
    // Only a plain i32.add of two values (or of a value and a constant): an add that
    // absorbed a load or a shift has the same opcode but other operands.
    Handler fused = last_op_.is_binary_value() && last_op_.op == Opcode::I32Add
                        ? load_add_handler(in.op, last_op_.form == Form::BinaryImm)
                        : nullptr;
    if (fused && is_last_result(stack_.back(), stack_.size())) {
      // load(a + b + offset): the sum is computed inside the load.
      LastOp add = last_op_;
      const LastOp* before = op_ending_at(add.start);
      const LastOp inner = before ? *before : LastOp{};
      Operand addr = pop();
      rewind_last_op();
      const bool add_imm = add.form == Form::BinaryImm;
      Handler twice = add_imm && inner.is(Form::Load) && inner.home == add.a &&
                              inner.height == add.height
                          ? load_load_handler(inner.op, in.op)
                          : nullptr;
      if (twice) {
        // load(load(q) + imm + offset), a table indexed by a value from memory: the inner
        // load (just before the add) goes in too. Its value and the sum are never stored.
        truncate_code(inner.start);
        const uint32_t here = offset_;
        offset_ = inner.module_offset;  // a trap in the inner load is its own
        size_t at = emit(twice);
        offset_ = here;
        emit_pair(inner.a, addr.home);
        emit_pair(inner.addr_imm, static_cast<uint32_t>(add.imm_bits));
        emit_word(inner.imm_bits);
        emit_word(in.mem.offset);
        code_->offsets.emplace_back(static_cast<uint32_t>(at + 1), here);
        inner_offsets_.push_back(static_cast<uint32_t>(at + 1));
        push(result);
        set_dst_patch(at + 1, true);
        return {};
      }
      size_t at = emit(fused);
      if (add_imm) {
        emit_pair(add.a, addr.home);
        emit_word(add.imm_bits);
        emit_word(in.mem.offset);
        push(result);
        set_dst_patch(at + 1, true);
        last_op_ = record(at, in.op, Form::Load, add.a, 0, in.mem.offset);
        last_op_.addr_imm = static_cast<uint32_t>(add.imm_bits);
      } else {
        emit_pair(add.a, add.b);
        emit_pair(addr.home, 0);
        emit_word(in.mem.offset);
        push(result);
        set_dst_patch(at + 2, false);
      }
      return {};
    }
    Operand a = pop();
    uint32_t sa = src(a);
    size_t at = emit(h);
    emit_pair(sa, a.home);
    emit_word(in.mem.offset);
    push(result);
    set_dst_patch(at + 1, true);
    last_op_ = record(at, in.op, Form::Load, sa, 0, in.mem.offset);
    return {};
  }
  if (Handler h = store_handler(in.op)) {
    // `*p = x op *p`: an operator that loaded from this very address, stored back there.
    const size_t height_v = stack_.size();
    if (last_op_.is(Form::BinaryLoaded) && last_op_.imm_bits == in.mem.offset &&
        last_op_.op != Opcode::Count && full_load_of(stack_.back().type) != Opcode::Count &&
        in.op == full_store_of(stack_.back().type) &&
        is_last_result(stack_.back(), height_v)) {
      const Operand& addr = stack_[height_v - 2];
      uint32_t addr_slot = addr.kind == Operand::Local   ? addr.local
                           : addr.kind == Operand::Stack ? addr.home
                                                         : UINT32_MAX;
      Handler rmw = binop_rmw_handler(last_op_.op);
      if (rmw && addr_slot == last_op_.b && last_op_.addr_imm == 0) {
        LastOp op = last_op_;
        pop();
        pop();
        rewind_last_op();
        const LastOp::Inner& mul = op.inner;
        if (Handler muladd = mul.valid ? muladd_rmw_handler(mul.op, op.op, false) : nullptr) {
          // `*p = (x * *q) + *p`: the multiply (which loaded q) goes into it too.
          truncate_code(mul.start);
          const uint32_t here = offset_;
          offset_ = mul.module_offset;  // a trap at q is the multiply's load's
          size_t at = emit(muladd);
          offset_ = here;
          emit_pair(mul.x, mul.addr);
          emit_pair(op.b, mul.addr_imm);
          emit_word(mul.offset);
          emit_word(op.imm_bits);
          // ... and one at p the add's load's: the handler raises it at ip + 1.
          code_->offsets.emplace_back(static_cast<uint32_t>(at + 1), op.module_offset);
          inner_offsets_.push_back(static_cast<uint32_t>(at + 1));
          return {};
        }
        const uint32_t here = offset_;
        offset_ = op.module_offset;
        emit(rmw);
        offset_ = here;
        emit_pair(op.a, op.b);
        emit_word(op.imm_bits);
        return {};
      }
    }
    if (Handler muladd = muladd_p_first(in, height_v)) {
      (void)muladd;
      return {};
    }
    Handler move = last_op_.is(Form::Load) ? move_handler(last_op_.op, in.op) : nullptr;
    if (move && is_last_result(stack_.back(), height_v)) {
      // `*p = *q`: the value just loaded is stored, never kept in a slot.
      LastOp load = last_op_;
      pop();
      Operand a = pop();
      rewind_last_op();
      uint32_t p = 0, p_imm = 0;
      if (a.kind == Operand::LocalPlus) {
        p = a.local;
        p_imm = static_cast<uint32_t>(a.bits);
      } else {
        p = src(a);
      }
      const uint32_t here = offset_;
      offset_ = load.module_offset;  // a trap at q is the load's
      size_t at = emit(move);
      offset_ = here;
      emit_pair(load.a, p);
      emit_pair(load.addr_imm, p_imm);
      emit_word(load.imm_bits);
      emit_word(in.mem.offset);
      // ... and one at p the store's: the handler raises it at ip + 1.
      code_->offsets.emplace_back(static_cast<uint32_t>(at + 1), here);
      inner_offsets_.push_back(static_cast<uint32_t>(at + 1));
      return {};
    }
    if (stack_[stack_.size() - 2].kind == Operand::LocalPlus) {
      if (Handler fused = store_add_handler(in.op)) {
        // store to local + imm + offset, the sum never stored.
        Operand v = pop();
        Operand a = pop();
        uint32_t sv = src(v);
        emit(fused);
        emit_pair(a.local, sv);
        emit_word(a.bits);
        emit_word(in.mem.offset);
        return {};
      }
    }
    Operand v = pop();
    Operand a = pop();
    uint32_t sa = src(a), sv = src(v);
    emit(h);
    emit_pair(sa, sv);
    emit_word(in.mem.offset);
    return {};
  }
  switch (in.op) {
    case Opcode::MemorySize: {
      uint32_t dst = push(ValType::I32);
      size_t at = emit(h_memory_size);
      emit_pair(dst, 0);
      set_dst_patch(at + 1, false);
      return {};
    }
    case Opcode::MemoryGrow: {
      Operand a = pop();
      uint32_t sa = src(a);
      emit(h_memory_grow);
      emit_pair(sa, a.home);
      push(ValType::I32);
      return {};
    }
    case Opcode::MemoryFill:
    case Opcode::MemoryCopy:
    case Opcode::MemoryInit: {
      Operand n = pop();
      Operand b = pop();
      Operand a = pop();
      uint32_t sa = src(a), sb = src(b), sn = src(n);
      emit(in.op == Opcode::MemoryFill   ? h_memory_fill
           : in.op == Opcode::MemoryCopy ? h_memory_copy
                                         : h_memory_init);
      emit_pair(sa, sb);
      emit_pair(sn, in.op == Opcode::MemoryInit ? in.index : 0);
      return {};
    }
    case Opcode::DataDrop:
      emit(h_data_drop);
      emit_pair(in.index, 0);
      return {};
    default:
      if (wasm::opcode_info(in.op).prefix == 0xFD) return lower_simd(in);
      return unsupported(in);
  }
}

// `*p = *p + x * *q` as four instructions in a row: load p, multiply (which absorbed the
// load of q), add, store to p. Emits one instruction for the four and returns its handler,
// or returns null having emitted nothing.
Handler Lowerer::muladd_p_first(const wasm::Instr& in, size_t height_v) {
  if (!last_op_.is(Form::Binary) || !is_last_result(stack_.back(), height_v) || in.op != full_store_of(stack_.back().type))
    return nullptr;
  const LastOp add = last_op_;
  const LastOp* mul = op_ending_at(add.start);
  if (!mul || !mul->is(Form::BinaryLoaded) || mul->home != add.b || mul->height != add.height + 1) return nullptr;
  const LastOp* load = op_ending_at(mul->start);
  if (!load || !load->is(Form::Load) || load->op != full_load_of(stack_.back().type) ||
      load->home != add.a || load->height != add.height || load->addr_imm != 0 ||
      load->imm_bits != in.mem.offset)
    return nullptr;
  // The store's address must be the slot p was loaded from (a local, or the same stack
  // entry), still holding the same value: the three instructions in between write only
  // stack slots above it.
  const Operand& addr = stack_[height_v - 2];
  const uint32_t addr_slot = addr.kind == Operand::Local   ? addr.local
                             : addr.kind == Operand::Stack ? addr.home
                                                           : UINT32_MAX;
  Handler h = muladd_rmw_handler(mul->op, add.op, true);
  if (!h || addr_slot != load->a) return nullptr;
  const LastOp m = *mul, p = *load;
  pop();
  pop();
  truncate_code(p.start);
  const uint32_t here = offset_;
  offset_ = p.module_offset;  // a trap at p is its load's
  size_t at = emit(h);
  offset_ = here;
  emit_pair(m.a, m.b);
  emit_pair(p.a, m.addr_imm);
  emit_word(m.imm_bits);
  emit_word(p.imm_bits);
  // ... and one at q the multiply's load's: the handler raises it at ip + 1.
  code_->offsets.emplace_back(static_cast<uint32_t>(at + 1), m.module_offset);
  inner_offsets_.push_back(static_cast<uint32_t>(at + 1));
  return h;
}

Result<void> Lowerer::lower_table(const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::TableGet: {
      Operand i = pop();
      uint32_t si = src(i);
      size_t at = emit(h_table_get);
      emit_pair(si, i.home);
      emit_ptr(inst_.tables[in.index]);
      push(inst_.tables[in.index]->elem_type());
      set_dst_patch(at + 1, true);
      return {};
    }
    case Opcode::TableSet: {
      Operand v = pop();
      Operand i = pop();
      uint32_t si = src(i), sv = src(v);
      emit(h_table_set);
      emit_pair(si, sv);
      emit_ptr(inst_.tables[in.index]);
      return {};
    }
    case Opcode::TableSize: {
      uint32_t dst = push(ValType::I32);
      emit(h_table_size);
      emit_pair(dst, 0);
      emit_ptr(inst_.tables[in.index]);
      return {};
    }
    case Opcode::TableGrow: {
      Operand n = pop();
      Operand init = pop();
      uint32_t s_init = src(init), sn = src(n);
      emit(h_table_grow);
      emit_pair(s_init, sn);
      emit_pair(init.home, 0);
      emit_ptr(inst_.tables[in.index]);
      push(ValType::I32);
      return {};
    }
    case Opcode::TableFill: {
      Operand n = pop();
      Operand v = pop();
      Operand i = pop();
      uint32_t si = src(i), sv = src(v), sn = src(n);
      emit(h_table_fill);
      emit_pair(si, sv);
      emit_pair(sn, 0);
      emit_ptr(inst_.tables[in.index]);
      return {};
    }
    case Opcode::TableCopy: {
      Operand n = pop();
      Operand s = pop();
      Operand d = pop();
      uint32_t sd = src(d), ss = src(s), sn = src(n);
      emit(h_table_copy);
      emit_pair(sd, ss);
      emit_pair(sn, 0);
      emit_ptr(inst_.tables[in.index]);
      emit_ptr(inst_.tables[in.index2]);
      return {};
    }
    case Opcode::TableInit: {
      Operand n = pop();
      Operand s = pop();
      Operand d = pop();
      uint32_t sd = src(d), ss = src(s), sn = src(n);
      emit(h_table_init);
      emit_pair(sd, ss);
      emit_pair(sn, in.index);
      emit_ptr(inst_.tables[in.index2]);
      return {};
    }
    case Opcode::ElemDrop:
      emit(h_elem_drop);
      emit_pair(in.index, 0);
      return {};
    case Opcode::RefIsNull: lower_unop(in.op, h_ref_is_null, ValType::I32); return {};
    default: return unsupported(in);
  }
}

void Lowerer::lower_unop(Opcode op, Handler h, ValType result) {
  Operand a = pop();
  uint32_t sa = src(a);
  size_t at = emit(h);
  emit_pair(sa, a.home);
  push(result);
  set_dst_patch(at + 1, true);
  if (op == Opcode::I32Eqz || op == Opcode::I64Eqz) {
    last_op_ = record(at, op, Form::Unary, sa, 0, 0);
  }
}

bool Lowerer::fuse_loaded_operand(Opcode op, ValType result, const Operand& a,
                                  const Operand& b, size_t height_b) {
  Handler fused = binop_load_handler(op);
  if (!fused || !last_op_.is(Form::Load) || last_op_.op != full_load_of(a.type)) return false;
  // `x op load(...)`: the load just emitted is absorbed by the operator.
  bool b_loaded = is_last_result(b, height_b);
  bool a_loaded = !b_loaded && is_commutative(op) && b.kind != Operand::Const &&
                  is_last_result(a, height_b - 1);
  if (!b_loaded && !a_loaded) return false;
  LastOp load = last_op_;
  // `(x op1 load q) op2 load p` with the first operator emitted just before the load: a
  // read-modify-write of p may absorb both (muladd_rmw_handler).
  const LastOp* prev = op_ending_at(load.start);
  const LastOp before = prev ? *prev : LastOp{};
  const bool chained = b_loaded && before.is(Form::BinaryLoaded) && a.kind == Operand::Stack &&
                       a.home == before.home && before.height == height_b - 1;
  Operand other = b_loaded ? a : b;
  const uint32_t dst = a.home;
  rewind_last_op();
  uint32_t so = src(other);
  const uint32_t here = offset_;
  offset_ = load.module_offset;  // a trap in it is the load's
  size_t at = emit(fused);
  offset_ = here;
  emit_pair(so, load.a);
  emit_pair(dst, load.addr_imm);
  emit_word(load.imm_bits);
  push(result);
  set_dst_patch(at + 2, false);
  last_op_ = record(at, op, Form::BinaryLoaded, so, load.a, load.imm_bits);
  last_op_.module_offset = load.module_offset;
  last_op_.addr_imm = load.addr_imm;
  if (chained) {
    last_op_.inner = LastOp::Inner{true,     before.start, before.op,        before.a,
                                   before.b, before.addr_imm, before.imm_bits,
                                   before.module_offset};
  }
  return true;
}

void Lowerer::lower_binop(Opcode op, ValType result) {
  const size_t height_b = stack_.size();
  Operand b = pop();
  Operand a = pop();
  if (fuse_loaded_operand(op, result, a, b, height_b)) return;
  if (op == Opcode::I32Add || op == Opcode::I32Sub) {
    // local + c, local - c, (local + c) + d: kept symbolic until used (an address, mostly).
    const Operand* base = nullptr;
    const Operand* constant = nullptr;
    if (b.kind == Operand::Const && (a.kind == Operand::Local || a.kind == Operand::LocalPlus)) {
      base = &a;
      constant = &b;
    } else if (op == Opcode::I32Add && a.kind == Operand::Const &&
               (b.kind == Operand::Local || b.kind == Operand::LocalPlus)) {
      base = &b;
      constant = &a;
    }
    if (base) {
      uint32_t c = static_cast<uint32_t>(constant->bits);
      if (op == Opcode::I32Sub) c = 0u - c;
      uint32_t imm = base->kind == Operand::LocalPlus ? static_cast<uint32_t>(base->bits) + c : c;
      push_local_plus(base->local, imm);
      return;
    }
  }
  if (op == Opcode::I32Add && a.kind != Operand::Const && b.kind != Operand::Const &&
      last_op_.is(Form::BinaryImm) && last_op_.op == Opcode::I32Shl) {
    // a + (b << k) in one instruction (array indexing); a load may absorb it in turn.
    bool b_shifted = is_last_result(b, height_b);
    bool a_shifted = !b_shifted && is_last_result(a, height_b - 1);
    if (b_shifted || a_shifted) {
      LastOp shift = last_op_;
      Operand other = b_shifted ? a : b;
      const uint32_t dst = a.home;
      rewind_last_op();
      uint32_t so = src(other);
      const uint32_t k = static_cast<uint32_t>(shift.imm_bits & 31);
      size_t at = emit(h_i32_add_shl);
      emit_pair(so, shift.a);
      emit_pair(dst, k);
      push(result);
      set_dst_patch(at + 2, false);
      last_op_ = record(at, op, Form::AddShl, so, shift.a, k);
      return;
    }
  }
  const uint32_t dst = a.home;  // the result replaces the lower operand
  if (a.kind == Operand::Const && b.kind != Operand::Const && is_commutative(op))
    std::swap(a, b);  // the constant becomes the immediate
  const bool imm = b.kind == Operand::Const && b.type != ValType::V128 &&
                   binop_handler(op, true) != nullptr;
  size_t at;
  uint32_t sa = src(a), sb = 0;
  if (imm) {
    at = emit(binop_handler(op, true));
    emit_pair(sa, dst);
    emit_word(b.bits);
    push(result);
    set_dst_patch(at + 1, true);
  } else {
    sb = src(b);
    at = emit(binop_handler(op, false));
    emit_pair(sa, sb);
    emit_pair(dst, 0);
    push(result);
    set_dst_patch(at + 2, false);
  }
  last_op_ = imm ? record(at, op, Form::BinaryImm, sa, 0, b.bits)
                 : record(at, op, Form::Binary, sa, sb, 0);
}

Result<void> Lowerer::lower_numeric(const wasm::Instr& in) {
  Signature sig = signature_of(in.op);
  if (sig.params == 1 && sig.has_result) {
    Handler h = unop_handler(in.op);
    if (!h) return unsupported(in);
    lower_unop(in.op, h, sig.result);
    return {};
  }
  if (sig.params == 2 && sig.has_result && binop_handler(in.op, false)) {
    lower_binop(in.op, sig.result);
    return {};
  }
  return unsupported(in);
}

Result<void> Lowerer::lower_simd(const wasm::Instr& in) {
  SimdHandler sh = simd_handler(in.op);
  if (!sh.handler) return unsupported(in);
  const Signature sig = signature_of(in.op);
  size_t at = 0;
  switch (sh.form) {
    case SimdForm::None: return unsupported(in);
    case SimdForm::Unary:
    case SimdForm::Test:
    case SimdForm::Splat: {
      Operand a = pop();
      uint32_t sa = src(a);
      at = emit(sh.handler);
      emit_pair(sa, a.home);
      push(sig.result);
      set_dst_patch(at + 1, true);
      return {};
    }
    case SimdForm::Binary:
    case SimdForm::Shift:
    case SimdForm::Shuffle: {
      const size_t height_b = stack_.size();
      Operand b = pop();
      Operand a = pop();
      if (sh.form == SimdForm::Binary && fuse_loaded_operand(in.op, ValType::V128, a, b, height_b))
        return {};
      uint32_t sa = src(a), sb = src(b);
      at = emit(sh.handler);
      emit_pair(sa, sb);
      emit_pair(a.home, 0);
      if (sh.form == SimdForm::Shuffle) {
        uint64_t lo, hi;
        std::memcpy(&lo, in.v128.bytes, 8);
        std::memcpy(&hi, in.v128.bytes + 8, 8);
        emit_word(lo);
        emit_word(hi);
      }
      push(ValType::V128);
      set_dst_patch(at + 2, false);
      if (sh.form == SimdForm::Binary) {
        last_op_ = record(at, in.op, Form::Binary, sa, sb, 0);
      }
      return {};
    }
    case SimdForm::Ternary: {
      Operand c = pop();
      Operand b = pop();
      Operand a = pop();
      uint32_t sa = src(a), sb = src(b), sc = src(c);
      at = emit(sh.handler);
      emit_pair(sa, sb);
      emit_pair(sc, a.home);
      push(ValType::V128);
      set_dst_patch(at + 2, true);
      return {};
    }
    case SimdForm::Extract: {
      Operand a = pop();
      uint32_t sa = src(a);
      at = emit(sh.handler);
      emit_pair(sa, a.home);
      emit_pair(in.lane, 0);
      push(sig.result);
      set_dst_patch(at + 1, true);
      return {};
    }
    case SimdForm::Replace: {
      Operand x = pop();
      Operand a = pop();
      uint32_t sa = src(a), sx = src(x);
      at = emit(sh.handler);
      emit_pair(sa, sx);
      emit_pair(a.home, in.lane);
      push(ValType::V128);
      set_dst_patch(at + 2, false);
      return {};
    }
    case SimdForm::Load: {
      Operand a = pop();
      uint32_t sa = src(a);
      at = emit(sh.handler);
      emit_pair(sa, a.home);
      emit_word(in.mem.offset);
      push(ValType::V128);
      set_dst_patch(at + 1, true);
      return {};
    }
    case SimdForm::LoadLane:
    case SimdForm::StoreLane: {
      Operand v = pop();
      Operand a = pop();
      uint32_t sa = src(a), sv = src(v);
      at = emit(sh.handler);
      emit_pair(sa, sv);
      emit_word(in.mem.offset);
      if (sh.form == SimdForm::LoadLane) {
        emit_pair(a.home, in.lane);
        push(ValType::V128);
        set_dst_patch(at + 3, false);
      } else {
        emit_pair(in.lane, 0);
      }
      return {};
    }
  }
  return unsupported(in);
}

}  // namespace ironclad::interp
