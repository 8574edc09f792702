// Loading the binary modules a script names: read, decode, validate. The error kind says
// which step refused (Io, Malformed, Invalid), which is what the module assertions check.
#pragma once

#include <filesystem>
#include <memory>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::cli::spectest {

Result<std::shared_ptr<const wasm::Module>> load_module_file(const std::filesystem::path& path);

}  // namespace ironclad::cli::spectest
