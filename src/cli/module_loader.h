// Reading a module file for the CLI: the bytes, decoded and validated.
#pragma once

#include <memory>
#include <string>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::cli {

// Io error naming the file when it cannot be read; Malformed / Invalid errors (whose
// messages start with the file name) when it is not a valid module.
Result<std::shared_ptr<const wasm::Module>> load_module(const std::string& path);

}  // namespace ironclad::cli
