#include "runtime/const_expr.h"

#include <cstring>
#include <vector>

#include "wasm/body_decoder.h"

namespace ironclad::runtime {
namespace {

Error const_expr_error(const wasm::ConstExpr& expr, std::string_view what, std::string why) {
  return Error::make(ErrorKind::Invalid, std::string(what) + " (constant expression at offset " +
                                             std::to_string(expr.offset) + "): " + why);
}

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

Result<Value> evaluate_const_expr(const wasm::Module& module, const wasm::ConstExpr& expr,
                                  ValType expected, const Instance& instance,
                                  std::string_view what) {
  ExprBytes eb;
  locate(module, expr, eb);
  wasm::BodyDecoder decoder(eb.bytes, eb.begin,
                            eb.begin + static_cast<uint32_t>(expr.bytes.size()) + 1);
  // WebAssembly 2.0 constant expressions are a single instruction; a small stack keeps
  // this correct should a validator ever admit longer ones.
  std::vector<Value> stack;
  wasm::Instr in;
  while (!decoder.at_end()) {
    auto decoded = decoder.next(in);
    if (!decoded.ok()) return const_expr_error(expr, what, decoded.error().message);
    switch (in.op) {
      case wasm::Opcode::End:
        break;
      case wasm::Opcode::I32Const:
        stack.push_back(Value::from_i32(in.i32));
        break;
      case wasm::Opcode::I64Const:
        stack.push_back(Value::from_i64(in.i64));
        break;
      case wasm::Opcode::F32Const:
        stack.push_back(Value::from_f32_bits(in.f32_bits));
        break;
      case wasm::Opcode::F64Const:
        stack.push_back(Value::from_f64_bits(in.f64_bits));
        break;
      case wasm::Opcode::V128Const:
        stack.push_back(Value::from_v128(in.v128));
        break;
      case wasm::Opcode::RefNull:
        stack.push_back(Value::from_ref(in.ref_type, Ref{}));
        break;
      case wasm::Opcode::RefFunc:
        if (in.index >= instance.funcs.size() || instance.funcs[in.index] == nullptr) {
          return const_expr_error(expr, what,
                                  "ref.func names unknown function " + std::to_string(in.index));
        }
        stack.push_back(Value::from_ref(ValType::FuncRef, instance.funcs[in.index]->as_ref()));
        break;
      case wasm::Opcode::GlobalGet:
        if (in.index >= instance.globals.size() || instance.globals[in.index] == nullptr) {
          return const_expr_error(expr, what,
                                  "global.get names global " + std::to_string(in.index) +
                                      ", which is not initialised yet");
        }
        {
          // The global's declared type is authoritative, whatever tag a host left in value.
          Value v = instance.globals[in.index]->value;
          v.type = instance.globals[in.index]->type.type;
          stack.push_back(v);
        }
        break;
      default:
        return const_expr_error(
            expr, what, std::string("instruction ") + wasm::to_string(in.op) + " is not constant");
    }
  }
  if (stack.size() != 1) {
    return const_expr_error(expr, what, "expected one value, got " + std::to_string(stack.size()));
  }
  if (stack[0].type != expected) {
    return const_expr_error(expr, what,
                            std::string("expected a value of type ") + to_string(expected) +
                                ", got " + to_string(stack[0].type));
  }
  return stack[0];
}

}  // namespace ironclad::runtime
