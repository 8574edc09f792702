// Evaluation of constant expressions (global initialisers, segment offsets, element
// items) at instantiation, decoded by the one body decoder (DESIGN.md invariant 7).
#pragma once

#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/runtime.h"
#include "wasm/module.h"

namespace ironclad::runtime {

// Evaluates `expr` of `module` in the context of a partially built instance: `ref.func`
// reads instance.funcs and `global.get` reads instance.globals (so both must already hold
// whatever the expression may name). The result must have type `expected`. A validated
// module never fails here; a malformed or ill-typed expression gives an error naming
// `what` (e.g. "offset of data segment 2") and the module offset.
Result<Value> evaluate_const_expr(const wasm::Module& module, const wasm::ConstExpr& expr,
                                  ValType expected, const Instance& instance,
                                  std::string_view what);

}  // namespace ironclad::runtime
