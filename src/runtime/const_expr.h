// Evaluation of constant expressions (global initialisers, segment offsets, element
// items) at instantiation, decoded by the one body decoder (DESIGN.md invariant 7).
#pragma once

#include <string>
#include <string_view>

#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/runtime.h"
#include "wasm/module.h"

namespace ironclad::runtime {

// Evaluates `expr` of `module` in the context of a partially built instance: `ref.func`
// reads instance.funcs and `global.get` reads instance.globals (so both must already hold
// whatever the expression may name). The result must have type `expected`. A validated
// module never fails here; a malformed or ill-typed expression gives an Invalid error
// starting with `what` (e.g. "offset of data segment 2") and naming the module offset.
Result<Value> evaluate_const_expr(const wasm::Module& module, const wasm::ConstExpr& expr,
                                  ValType expected, const Instance& instance,
                                  std::string_view what);

// The same, for hot paths (one expression per table element at instantiation): the
// description comes from `describe()`, called only on error.
template <class Describe>
Result<Value> evaluate_const_expr_described(const wasm::Module& module, const wasm::ConstExpr& expr,
                                            ValType expected, const Instance& instance,
                                            Describe&& describe);

namespace const_expr_detail {
// The evaluation; its errors say why and where, the caller adds what.
Result<Value> evaluate(const wasm::Module& module, const wasm::ConstExpr& expr, ValType expected,
                       const Instance& instance);
}  // namespace const_expr_detail

template <class Describe>
Result<Value> evaluate_const_expr_described(const wasm::Module& module, const wasm::ConstExpr& expr,
                                            ValType expected, const Instance& instance,
                                            Describe&& describe) {
  auto r = const_expr_detail::evaluate(module, expr, expected, instance);
  if (!r.ok()) {
    Error e = std::move(r).error();
    e.message = std::string(describe()) + " " + e.message;
    return e;
  }
  return r;
}

}  // namespace ironclad::runtime
