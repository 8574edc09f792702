// Reading a module file for the CLI: the bytes, decoded and validated.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::cli {

// Io error naming the file when it cannot be read; Malformed / Invalid errors (whose
// messages start with the file name) when it is not a valid module.
// Each phase (read, decode, validate) is marked for --show-start (runtime/start_trace.h).
Result<std::shared_ptr<const wasm::Module>> load_module(const std::string& path);

// The same for a file's bytes already read.
Result<std::shared_ptr<const wasm::Module>> module_from_bytes(std::vector<uint8_t> bytes,
                                                              const std::string& path);

}  // namespace ironclad::cli
