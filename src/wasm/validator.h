// Validation of a decoded module per the WebAssembly 2.0 spec: module-level rules
// (types, limits, constant expressions, exports, segments, start) and every function
// body through the operand/control stack algorithm of the spec's appendix.
#pragma once

#include <string_view>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::wasm {

// Errors are ErrorKind::Invalid with the spec's phrase inside the message, e.g.
// "app.wasm: code section, function 12 at offset 0x1f3a: type mismatch: expected i32, got
// f64". A function body whose encoding is malformed gives ErrorKind::Malformed (bodies are
// decoded here, not by decode_module).
Result<void> validate_module(const Module& m, std::string_view name_for_errors);

}  // namespace ironclad::wasm
