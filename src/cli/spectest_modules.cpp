#include "cli/spectest_modules.h"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::cli::spectest {

Result<std::shared_ptr<const wasm::Module>> load_module_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error::make(ErrorKind::Io, "cannot open module file " + path.string());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error::make(ErrorKind::Io, "cannot read module file " + path.string());

  std::string name = path.filename().string();
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<wasm::Module> module,
                      wasm::decode_module(std::move(bytes), name));
  IRONCLAD_TRY(wasm::validate_module(*module, name));
  return std::shared_ptr<const wasm::Module>(std::move(module));
}

}  // namespace ironclad::cli::spectest
