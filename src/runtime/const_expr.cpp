#include "runtime/const_expr.h"

#include <cstring>
#include <vector>

#include "wasm/body_decoder.h"

namespace ironclad::runtime {
namespace {

// "(constant expression at offset N): why"; the caller puts what in front.
Error const_expr_error(const wasm::ConstExpr& expr, std::string why) {
  return Error::make(ErrorKind::Invalid,
                     "(constant expression at offset " + std::to_string(expr.offset) + "): " + why);
}

// WebAssembly 2.0 constant expressions push exactly one value; a small fixed stack keeps
// evaluation allocation-free and would still be right for extended constant expressions.
class ValueStack {
 public:
  bool push(const Value& v) {
    if (size_ == kCapacity) return false;
    values_[size_++] = v;
    return true;
  }
  size_t size() const { return size_; }
  const Value& top() const { return values_[size_ - 1]; }

 private:
  static constexpr size_t kCapacity = 8;
  Value values_[kCapacity];
  size_t size_ = 0;
};

// The expression's bytes followed by its `end`: the module's own bytes when they hold it
// (so decoder errors carry true module offsets), else a copy (modules built in memory).
struct ExprBytes {
  std::span<const uint8_t> bytes;
  uint32_t begin = 0;
  std::vector<uint8_t> copy;
};

void locate(const wasm::Module& module, const wasm::ConstExpr& expr, ExprBytes& out) {
  const uint64_t end = uint64_t{expr.offset} + expr.bytes.size();
  if (end < module.bytes.size() && module.bytes[end] == 0x0B &&
      (expr.bytes.empty() ||
       std::memcmp(module.bytes.data() + expr.offset, expr.bytes.data(), expr.bytes.size()) == 0)) {
    out.bytes = module.bytes;
    out.begin = expr.offset;
    return;
  }
  out.copy = expr.bytes;
  out.copy.push_back(0x0B);
  out.bytes = out.copy;
  out.begin = 0;
}

}  // namespace

namespace const_expr_detail {

Result<Value> evaluate(const wasm::Module& module, const wasm::ConstExpr& expr, ValType expected,
                       const Instance& instance) {
  // An element segment's usual item, without a decoder; anything unusual takes the general
  // path below (and its messages).
  if (const std::optional<uint32_t> f = expr.ref_func_index();
      f && expected == ValType::FuncRef && *f < instance.funcs.size() &&
      instance.funcs[*f] != nullptr)
    return Value::from_ref(ValType::FuncRef, instance.funcs[*f]->as_ref());
  ExprBytes eb;
  locate(module, expr, eb);
  wasm::BodyDecoder decoder(eb.bytes, eb.begin,
                            eb.begin + static_cast<uint32_t>(expr.bytes.size()) + 1);
  ValueStack stack;
  wasm::Instr in;
  while (!decoder.at_end()) {
    auto decoded = decoder.next(in);
    if (!decoded.ok()) return const_expr_error(expr, decoded.error().message);
    Value v;
    switch (in.op) {
      case wasm::Opcode::End:
        continue;
      case wasm::Opcode::I32Const:
        v = Value::from_i32(in.i32);
        break;
      case wasm::Opcode::I64Const:
        v = Value::from_i64(in.i64);
        break;
      case wasm::Opcode::F32Const:
        v = Value::from_f32_bits(in.f32_bits);
        break;
      case wasm::Opcode::F64Const:
        v = Value::from_f64_bits(in.f64_bits);
        break;
      case wasm::Opcode::V128Const:
        v = Value::from_v128(in.v128);
        break;
      case wasm::Opcode::RefNull:
        v = Value::from_ref(in.ref_type, Ref{});
        break;
      case wasm::Opcode::RefFunc:
        if (in.index >= instance.funcs.size() || instance.funcs[in.index] == nullptr) {
          return const_expr_error(expr,
                                  "ref.func names unknown function " + std::to_string(in.index));
        }
        v = Value::from_ref(ValType::FuncRef, instance.funcs[in.index]->as_ref());
        break;
      case wasm::Opcode::GlobalGet:
        if (in.index >= instance.globals.size() || instance.globals[in.index] == nullptr) {
          return const_expr_error(expr, "global.get names global " + std::to_string(in.index) +
                                            ", which is not initialised yet");
        }
        // The global's declared type is authoritative, whatever tag a host left in value.
        v = instance.globals[in.index]->value;
        v.type = instance.globals[in.index]->type.type;
        break;
      default:
        return const_expr_error(
            expr, std::string("instruction ") + wasm::to_string(in.op) + " is not constant");
    }
    if (!stack.push(v)) return const_expr_error(expr, "too many values on the stack");
  }
  if (stack.size() != 1) {
    return const_expr_error(expr, "expected one value, got " + std::to_string(stack.size()));
  }
  if (stack.top().type != expected) {
    return const_expr_error(expr, std::string("expected a value of type ") + to_string(expected) +
                                      ", got " + to_string(stack.top().type));
  }
  return stack.top();
}

}  // namespace const_expr_detail

Result<Value> evaluate_const_expr(const wasm::Module& module, const wasm::ConstExpr& expr,
                                  ValType expected, const Instance& instance,
                                  std::string_view what) {
  return evaluate_const_expr_described(module, expr, expected, instance, [what] { return what; });
}

}  // namespace ironclad::runtime
