// The spec's import matching (WebAssembly 2.0, section 4.5.4 "Import Subtyping"): whether
// an external value may satisfy an import of a given type.
#pragma once

#include <string>

#include "ironclad/error.h"
#include "runtime/runtime.h"
#include "wasm/module.h"

namespace ironclad::runtime {

// Limits subtyping: `actual` matches `declared` when actual.min >= declared.min and, if
// declared has a max, actual has one too and it is <= declared's.
bool limits_match(const wasm::Limits& actual, const wasm::Limits& declared);

// Checks import number `index` of `module` against `value`. The Link error names the
// import (index, "module" "field", kind), says "incompatible import type" (the spec
// tests' phrase) and shows expected versus actual types.
Result<void> check_import(const wasm::Module& module, uint32_t index, const Extern& value);

// Text forms for messages: "{min 1, max 2}", "(mut i32)", "funcref {min 0}".
std::string describe(const wasm::Limits& limits);
std::string describe(const wasm::GlobalType& type);
std::string describe(const wasm::TableType& type);

}  // namespace ironclad::runtime
