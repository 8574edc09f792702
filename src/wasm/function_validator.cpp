#include "wasm/function_validator.h"

#include <array>
#include <cstdio>

#include "wasm/body_decoder.h"

namespace ironclad::wasm {
namespace {

using Slot = uint8_t;

// The fixed signature of an operator, from the "sig" column of opcodes.def.
struct Sig {
  bool fixed = false;
  uint8_t num_params = 0;
  Slot params[3] = {};
  uint8_t num_results = 0;
  Slot result = 0;
};

constexpr Slot slot_of(char c) {
  switch (c) {
    case 'i': return static_cast<Slot>(ValType::I32);
    case 'l': return static_cast<Slot>(ValType::I64);
    case 'f': return static_cast<Slot>(ValType::F32);
    case 'd': return static_cast<Slot>(ValType::F64);
    case 'v': return static_cast<Slot>(ValType::V128);
  }
  return 0;
}

constexpr Sig parse_sig(const char* s) {
  Sig sig;
  if (s[0] == 's') return sig;  // "special"
  sig.fixed = true;
  int i = 0;
  for (; s[i] != ':'; ++i) sig.params[sig.num_params++] = slot_of(s[i]);
  if (s[i + 1] != '\0') {
    sig.num_results = 1;
    sig.result = slot_of(s[i + 1]);
  }
  return sig;
}

constexpr Sig kSigs[] = {
#define V(name, text, prefix, code, imm, sig, align) parse_sig(sig),
#include "wasm/opcodes.def"
#undef V
};

// One-element type lists for blocks with a single result.
constexpr ValType kSingle[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                               ValType::V128, ValType::FuncRef, ValType::ExternRef};
const ValType* single(ValType t) {
  for (const ValType& s : kSingle) {
    if (s == t) return &s;
  }
  return nullptr;
}

const char* slot_name(Slot s) {
  return s == 0 ? "unknown" : to_string(static_cast<ValType>(s));
}

bool is_ref_slot(Slot s) {
  return s == static_cast<Slot>(ValType::FuncRef) || s == static_cast<Slot>(ValType::ExternRef);
}

// Lanes of the vector shape an extract/replace or load/store lane works on.
uint32_t lane_count(Opcode op) {
  switch (op) {
    case Opcode::I8x16ExtractLaneS: case Opcode::I8x16ExtractLaneU:
    case Opcode::I8x16ReplaceLane: case Opcode::V128Load8Lane: case Opcode::V128Store8Lane:
      return 16;
    case Opcode::I16x8ExtractLaneS: case Opcode::I16x8ExtractLaneU:
    case Opcode::I16x8ReplaceLane: case Opcode::V128Load16Lane: case Opcode::V128Store16Lane:
      return 8;
    case Opcode::I32x4ExtractLane: case Opcode::I32x4ReplaceLane:
    case Opcode::F32x4ExtractLane: case Opcode::F32x4ReplaceLane:
    case Opcode::V128Load32Lane: case Opcode::V128Store32Lane:
      return 4;
    default:
      return 2;
  }
}

}  // namespace

Error FunctionValidator::fail(const Instr& in, std::string what) const {
  char where[64];
  std::snprintf(where, sizeof where, "at offset 0x%x (%s): ", in.offset, to_string(in.op));
  return Error::make(ErrorKind::Invalid, where + what);
}

Error FunctionValidator::mismatch(const Instr& in, Slot expected, Slot got) const {
  return fail(in, std::string("type mismatch: expected ") + slot_name(expected) + ", got " +
                      slot_name(got));
}

Result<FunctionValidator::Slot> FunctionValidator::pop_any(const Instr& in) {
  const Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return kUnknown;
    return fail(in, "type mismatch: expected a value, the stack is empty");
  }
  Slot s = stack_.back();
  stack_.pop_back();
  return s;
}

Result<void> FunctionValidator::pop_expect_slow(const Instr& in, Slot expected) {
  const Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return {};
    return fail(in, std::string("type mismatch: expected ") + slot_name(expected) +
                        ", the stack is empty");
  }
  Slot s = stack_.back();
  stack_.pop_back();
  if (s != expected && s != kUnknown && expected != kUnknown) return mismatch(in, expected, s);
  return {};
}

Result<void> FunctionValidator::pop_types(const Instr& in, Types types) {
  for (uint32_t i = types.size; i-- > 0;) {
    IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(types.data[i])));
  }
  return {};
}

// Checks that the stack's top matches `types` without changing it (pop then push back).
Result<void> FunctionValidator::check_top(const Instr& in, Types types) const {
  const Frame& f = frames_.back();
  size_t pos = stack_.size();
  for (uint32_t i = types.size; i-- > 0;) {
    Slot expected = static_cast<Slot>(types.data[i]);
    if (pos == f.height) {
      if (f.unreachable) return {};
      return fail(in, std::string("type mismatch: expected ") + slot_name(expected) +
                          ", the stack is empty");
    }
    Slot s = stack_[--pos];
    if (s != expected && s != kUnknown) return mismatch(in, expected, s);
  }
  return {};
}

void FunctionValidator::push_types(Types types) {
  for (uint32_t i = 0; i < types.size; ++i) push(static_cast<Slot>(types.data[i]));
}

void FunctionValidator::set_unreachable() {
  Frame& f = frames_.back();
  stack_.resize(f.height);
  f.unreachable = true;
}

Result<FunctionValidator::Types> FunctionValidator::block_params(const Instr& in,
                                                                 Types& results) const {
  switch (in.block.kind) {
    case BlockType::Empty:
      results = {};
      return Types{};
    case BlockType::Value:
      results = {single(in.block.value), 1};
      return Types{};
    case BlockType::TypeIndex:
      break;
  }
  if (in.block.type_index >= m_.types.size()) {
    return fail(in, "unknown type " + std::to_string(in.block.type_index));
  }
  const FuncType& t = m_.types[in.block.type_index];
  results = {t.results.data(), static_cast<uint32_t>(t.results.size())};
  return Types{t.params.data(), static_cast<uint32_t>(t.params.size())};
}

Result<void> FunctionValidator::validate(uint32_t func_index) {
  func_index_ = func_index;
  const FuncType& type = m_.func_type(func_index);
  const FunctionBody& body = m_.body(func_index);
  locals_.assign(type.params.begin(), type.params.end());
  for (const LocalRun& run : body.locals) locals_.insert(locals_.end(), run.count, run.type);
  stack_.clear();
  frames_.clear();
  frames_.push_back(Frame{Opcode::Block, {},
                          {type.results.data(), static_cast<uint32_t>(type.results.size())},
                          0, false});
  return decode_body(m_, func_index, *this);
}

Result<void> FunctionValidator::visit(const Instr& in) {
  const Sig& sig = kSigs[static_cast<uint32_t>(in.op)];
  if (sig.fixed) {
    if (opcode_info(in.op).imm != ImmKind::None) IRONCLAD_TRY(memory_checks(in));
    return fixed_signature(in);
  }
  switch (in.op) {
    case Opcode::Unreachable: case Opcode::Block: case Opcode::Loop: case Opcode::If:
    case Opcode::Else: case Opcode::End: case Opcode::Br: case Opcode::BrIf:
    case Opcode::BrTable: case Opcode::Return: case Opcode::Call: case Opcode::CallIndirect:
      return control(in);
    case Opcode::Drop: case Opcode::Select: case Opcode::SelectT: case Opcode::LocalGet:
    case Opcode::LocalSet: case Opcode::LocalTee: case Opcode::GlobalGet:
    case Opcode::GlobalSet:
      return variable(in);
    case Opcode::RefNull: case Opcode::RefIsNull: case Opcode::RefFunc:
      return reference(in);
    case Opcode::TableGet: case Opcode::TableSet: case Opcode::TableGrow:
    case Opcode::TableSize: case Opcode::TableFill:
      return table(in);
    default:
      return fail(in, "internal error: no typing rule");
  }
}

Result<void> FunctionValidator::fixed_signature(const Instr& in) {
  const Sig& sig = kSigs[static_cast<uint32_t>(in.op)];
  for (int i = sig.num_params; i-- > 0;) IRONCLAD_TRY(pop_expect(in, sig.params[i]));
  if (sig.num_results) push(sig.result);
  return {};
}

// The immediates of fixed-signature operators that need checking against the module.
Result<void> FunctionValidator::memory_checks(const Instr& in) {
  const OpcodeInfo& info = opcode_info(in.op);
  switch (info.imm) {
    case ImmKind::MemArg:
    case ImmKind::MemArgLane:
    case ImmKind::MemIdx:
    case ImmKind::MemoryCopy:
      if (m_.memories.empty()) return fail(in, "unknown memory 0");
      break;
    case ImmKind::MemoryInit:
    case ImmKind::DataIdx:
      if (in.op == Opcode::MemoryInit && m_.memories.empty()) return fail(in, "unknown memory 0");
      if (!m_.data_count) {
        // The binary format needs the count to decode these before the data section. A
        // module with no data at all is merely naming a segment that does not exist.
        if (m_.data.empty()) return fail(in, "unknown data segment " + std::to_string(in.index));
        Error e = fail(in, "data count section required");
        e.kind = ErrorKind::Malformed;
        return e;
      }
      if (in.index >= *m_.data_count) {
        return fail(in, "unknown data segment " + std::to_string(in.index));
      }
      break;
    case ImmKind::TableInit:
    case ImmKind::ElemIdx:
    case ImmKind::TableCopy: {
      if (in.op == Opcode::TableCopy) {
        if (in.index >= m_.tables.size()) return fail(in, "unknown table " + std::to_string(in.index));
        if (in.index2 >= m_.tables.size()) return fail(in, "unknown table " + std::to_string(in.index2));
        if (m_.tables[in.index].elem_type != m_.tables[in.index2].elem_type) {
          return fail(in, "type mismatch: tables of different reference types");
        }
        break;
      }
      if (in.op == Opcode::TableInit && in.index2 >= m_.tables.size()) {
        return fail(in, "unknown table " + std::to_string(in.index2));
      }
      if (in.index >= m_.elements.size()) {
        return fail(in, "unknown elem segment " + std::to_string(in.index));
      }
      if (in.op == Opcode::TableInit &&
          m_.tables[in.index2].elem_type != m_.elements[in.index].elem_type) {
        return fail(in, "type mismatch: element segment and table of different reference types");
      }
      break;
    }
    default:
      break;
  }
  if (info.imm == ImmKind::MemArg || info.imm == ImmKind::MemArgLane) {
    if (in.mem.align_log2 > info.align) {
      return fail(in, "alignment must not be larger than natural");
    }
  }
  if (info.imm == ImmKind::Lane || info.imm == ImmKind::MemArgLane ||
      info.imm == ImmKind::Shuffle) {
    IRONCLAD_TRY(lane_check(in));
  }
  return {};
}

Result<void> FunctionValidator::lane_check(const Instr& in) {
  if (in.op == Opcode::I8x16Shuffle) {
    for (uint8_t b : in.v128.bytes) {
      if (b >= 32) return fail(in, "invalid lane index " + std::to_string(b));
    }
    return {};
  }
  if (in.lane >= lane_count(in.op)) {
    return fail(in, "invalid lane index " + std::to_string(in.lane));
  }
  return {};
}

Result<void> FunctionValidator::control(const Instr& in) {
  switch (in.op) {
    case Opcode::Unreachable:
      set_unreachable();
      return {};
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: {
      Types results;
      IRONCLAD_TRY_ASSIGN(Types params, block_params(in, results));
      if (in.op == Opcode::If) IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(ValType::I32)));
      IRONCLAD_TRY(pop_types(in, params));
      frames_.push_back(Frame{in.op, params, results, static_cast<uint32_t>(stack_.size()), false});
      push_types(params);
      return {};
    }
    case Opcode::Else: {
      Frame& f = frames_.back();
      if (f.op != Opcode::If) {
        Error e = fail(in, "else without a matching if");
        e.kind = ErrorKind::Malformed;
        return e;
      }
      IRONCLAD_TRY(pop_types(in, f.results));
      if (stack_.size() != f.height) {
        return fail(in, "type mismatch: " + std::to_string(stack_.size() - f.height) +
                            " values left on the stack at the end of the then branch");
      }
      f.op = Opcode::Else;
      f.unreachable = false;
      push_types(f.params);
      return {};
    }
    case Opcode::End: {
      Frame& f = frames_.back();
      IRONCLAD_TRY(pop_types(in, f.results));
      if (stack_.size() != f.height) {
        return fail(in, "type mismatch: " + std::to_string(stack_.size() - f.height) +
                            " values left on the stack at the end of the block");
      }
      if (f.op == Opcode::If) {
        // An if without else passes its parameters through the missing else branch.
        bool same = f.params.size == f.results.size;
        for (uint32_t i = 0; same && i < f.params.size; ++i) {
          same = f.params.data[i] == f.results.data[i];
        }
        if (!same) return fail(in, "type mismatch: if without else must not change the stack types");
      }
      Types results = f.results;
      frames_.pop_back();
      push_types(results);
      return {};
    }
    case Opcode::Br:
    case Opcode::BrIf: {
      if (in.index >= frames_.size()) return fail(in, "unknown label " + std::to_string(in.index));
      if (in.op == Opcode::BrIf) IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(ValType::I32)));
      Types label = label_types(frames_[frames_.size() - 1 - in.index]);
      IRONCLAD_TRY(pop_types(in, label));
      if (in.op == Opcode::BrIf) {
        push_types(label);
        return {};
      }
      set_unreachable();
      return {};
    }
    case Opcode::BrTable: {
      IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(ValType::I32)));
      const std::vector<uint32_t>& targets = *in.br_targets;
      uint32_t def = targets.back();
      if (def >= frames_.size()) return fail(in, "unknown label " + std::to_string(def));
      Types def_types = label_types(frames_[frames_.size() - 1 - def]);
      for (uint32_t target : targets) {
        if (target >= frames_.size()) return fail(in, "unknown label " + std::to_string(target));
        Types t = label_types(frames_[frames_.size() - 1 - target]);
        if (t.size != def_types.size) {
          return fail(in, "type mismatch: br_table targets have different arities");
        }
        IRONCLAD_TRY(check_top(in, t));
      }
      IRONCLAD_TRY(pop_types(in, def_types));
      set_unreachable();
      return {};
    }
    case Opcode::Return: {
      IRONCLAD_TRY(pop_types(in, frames_.front().results));
      set_unreachable();
      return {};
    }
    case Opcode::Call: {
      if (in.index >= m_.func_types.size()) {
        return fail(in, "unknown function " + std::to_string(in.index));
      }
      const FuncType& t = m_.func_type(in.index);
      IRONCLAD_TRY(pop_types(in, {t.params.data(), static_cast<uint32_t>(t.params.size())}));
      push_types({t.results.data(), static_cast<uint32_t>(t.results.size())});
      return {};
    }
    case Opcode::CallIndirect: {
      if (in.index2 >= m_.tables.size()) {
        return fail(in, "unknown table " + std::to_string(in.index2));
      }
      if (m_.tables[in.index2].elem_type != ValType::FuncRef) {
        return fail(in, "type mismatch: call_indirect through a table of externref");
      }
      if (in.index >= m_.types.size()) return fail(in, "unknown type " + std::to_string(in.index));
      const FuncType& t = m_.types[in.index];
      IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(ValType::I32)));
      IRONCLAD_TRY(pop_types(in, {t.params.data(), static_cast<uint32_t>(t.params.size())}));
      push_types({t.results.data(), static_cast<uint32_t>(t.results.size())});
      return {};
    }
    default:
      return fail(in, "internal error: not a control instruction");
  }
}

Result<void> FunctionValidator::variable(const Instr& in) {
  switch (in.op) {
    case Opcode::Drop: {
      IRONCLAD_TRY(pop_any(in));
      return {};
    }
    case Opcode::Select: {
      IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(ValType::I32)));
      IRONCLAD_TRY_ASSIGN(Slot t1, pop_any(in));
      IRONCLAD_TRY_ASSIGN(Slot t2, pop_any(in));
      // Untyped select only chooses between numbers or vectors of one type.
      if (is_ref_slot(t1) || is_ref_slot(t2)) {
        return fail(in, "type mismatch: select without a type cannot choose references");
      }
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) return mismatch(in, t1, t2);
      push(t1 == kUnknown ? t2 : t1);
      return {};
    }
    case Opcode::SelectT: {
      if (in.select_arity != 1) return fail(in, "invalid result arity");
      Slot t = static_cast<Slot>(in.ref_type);
      IRONCLAD_TRY(pop_expect(in, static_cast<Slot>(ValType::I32)));
      IRONCLAD_TRY(pop_expect(in, t));
      IRONCLAD_TRY(pop_expect(in, t));
      push(t);
      return {};
    }
    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee: {
      if (in.index >= locals_.size()) return fail(in, "unknown local " + std::to_string(in.index));
      Slot t = static_cast<Slot>(locals_[in.index]);
      if (in.op != Opcode::LocalGet) IRONCLAD_TRY(pop_expect(in, t));
      if (in.op != Opcode::LocalSet) push(t);
      return {};
    }
    case Opcode::GlobalGet:
    case Opcode::GlobalSet: {
      if (in.index >= m_.globals.size()) {
        return fail(in, "unknown global " + std::to_string(in.index));
      }
      const GlobalType& g = m_.globals[in.index].type;
      if (in.op == Opcode::GlobalGet) {
        push(static_cast<Slot>(g.type));
        return {};
      }
      if (!g.mutable_) return fail(in, "global is immutable");
      return pop_expect(in, static_cast<Slot>(g.type));
    }
    default:
      return fail(in, "internal error: not a variable instruction");
  }
}

Result<void> FunctionValidator::reference(const Instr& in) {
  switch (in.op) {
    case Opcode::RefNull:
      push(static_cast<Slot>(in.ref_type));
      return {};
    case Opcode::RefIsNull: {
      IRONCLAD_TRY_ASSIGN(Slot t, pop_any(in));
      if (t != kUnknown && !is_ref_slot(t)) {
        return fail(in, std::string("type mismatch: expected a reference, got ") + slot_name(t));
      }
      push(static_cast<Slot>(ValType::I32));
      return {};
    }
    case Opcode::RefFunc:
      if (in.index >= m_.func_types.size()) {
        return fail(in, "unknown function " + std::to_string(in.index));
      }
      if (in.index >= m_.declared_func_refs.size() || !m_.declared_func_refs[in.index]) {
        return fail(in, "undeclared function reference " + std::to_string(in.index));
      }
      push(static_cast<Slot>(ValType::FuncRef));
      return {};
    default:
      return fail(in, "internal error: not a reference instruction");
  }
}

Result<void> FunctionValidator::table(const Instr& in) {
  if (in.index >= m_.tables.size()) return fail(in, "unknown table " + std::to_string(in.index));
  const Slot elem = static_cast<Slot>(m_.tables[in.index].elem_type);
  const Slot i32 = static_cast<Slot>(ValType::I32);
  switch (in.op) {
    case Opcode::TableGet:
      IRONCLAD_TRY(pop_expect(in, i32));
      push(elem);
      return {};
    case Opcode::TableSet:
      IRONCLAD_TRY(pop_expect(in, elem));
      return pop_expect(in, i32);
    case Opcode::TableSize:
      push(i32);
      return {};
    case Opcode::TableGrow:
      IRONCLAD_TRY(pop_expect(in, i32));
      IRONCLAD_TRY(pop_expect(in, elem));
      push(i32);
      return {};
    case Opcode::TableFill:
      IRONCLAD_TRY(pop_expect(in, i32));
      IRONCLAD_TRY(pop_expect(in, elem));
      return pop_expect(in, i32);
    default:
      return fail(in, "internal error: not a table instruction");
  }
}

}  // namespace ironclad::wasm
