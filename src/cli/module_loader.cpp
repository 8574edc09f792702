#include "cli/module_loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::cli {
namespace {

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  auto io_error = [&](const char* what) {
    return Error::make(ErrorKind::Io, path + ": cannot " + what + ": " + std::strerror(errno));
  };
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return io_error("open");
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  bool failed = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (failed) {
    errno = saved;  // e.g. EISDIR when the path is a directory
    return io_error("read");
  }
  return bytes;
}

}  // namespace

Result<std::shared_ptr<const wasm::Module>> load_module(const std::string& path) {
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, read_file(path));
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<wasm::Module> module,
                      wasm::decode_module(std::move(bytes), path));
  IRONCLAD_TRY(wasm::validate_module(*module, path));
  return std::shared_ptr<const wasm::Module>(std::move(module));
}

}  // namespace ironclad::cli
