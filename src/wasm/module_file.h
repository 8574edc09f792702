// Reading a module file: the one place that turns a path into bytes, and bytes into a decoded,
// validated module, for the CLI, the extension host and the JIT's artifacts alike.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::wasm {

// The whole file. Io error "PATH: cannot open: <reason>" / "PATH: cannot read: <reason>"
// (e.g. "Is a directory").
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path);

// read_file_bytes, then decode and validate: Malformed / Invalid errors whose messages start
// with the path.
Result<std::shared_ptr<const Module>> load_module_file(const std::string& path);

}  // namespace ironclad::wasm
