#include "wasm/module_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::wasm {

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path) {
  auto io_error = [&](const char* what) {
    return Error::make(ErrorKind::Io, path + ": cannot " + what + ": " + std::strerror(errno));
  };
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return io_error("open");
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
    bytes.insert(bytes.end(), chunk, chunk + n);
  bool failed = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (failed) {
    errno = saved;  // e.g. EISDIR when the path is a directory
    return io_error("read");
  }
  return bytes;
}

Result<std::shared_ptr<const Module>> load_module_file(const std::string& path) {
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, read_file_bytes(path));
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<Module> module, decode_module(std::move(bytes), path));
  IRONCLAD_TRY(validate_module(*module, path));
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace ironclad::wasm
