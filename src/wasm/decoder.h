// Decodes a WebAssembly 2.0 binary into a Module. Decoding checks the encoding (sections,
// their order and sizes, every count and immediate outside function bodies); function
// bodies are kept as byte ranges, decoded and checked by the validator (validator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::wasm {

// Errors are ErrorKind::Malformed with the spec's phrase inside the message, e.g.
// "app.wasm: import section, import 2 at offset 0x1f: malformed import kind".
Result<std::unique_ptr<Module>> decode_module(std::vector<uint8_t> bytes,
                                              std::string_view name_for_errors);

}  // namespace ironclad::wasm
