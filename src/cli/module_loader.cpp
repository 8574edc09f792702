#include "cli/module_loader.h"

#include "runtime/start_trace.h"
#include "wasm/decoder.h"
#include "wasm/module_file.h"
#include "wasm/validator.h"

namespace ironclad::cli {

namespace start_trace = runtime::start_trace;

Result<std::shared_ptr<const wasm::Module>> load_module(const std::string& path) {
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, wasm::read_file_bytes(path));
  start_trace::mark(start_trace::Phase::Read);
  return module_from_bytes(std::move(bytes), path);
}

Result<std::shared_ptr<const wasm::Module>> module_from_bytes(std::vector<uint8_t> bytes,
                                                              const std::string& path) {
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<wasm::Module> module,
                      wasm::decode_module(std::move(bytes), path));
  start_trace::mark(start_trace::Phase::Decode);
  IRONCLAD_TRY(wasm::validate_module(*module, path));
  start_trace::mark(start_trace::Phase::Validate);
  return std::shared_ptr<const wasm::Module>(std::move(module));
}

}  // namespace ironclad::cli
