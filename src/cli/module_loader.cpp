#include "cli/module_loader.h"

#include "wasm/module_file.h"

namespace ironclad::cli {

Result<std::shared_ptr<const wasm::Module>> load_module(const std::string& path) {
  return wasm::load_module_file(path);
}

}  // namespace ironclad::cli
