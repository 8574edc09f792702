#include "wasm/module_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open");
  std::vector<uint8_t> bytes;
  // A regular file is read into one buffer of its size (no growth, no copies); anything else
  // (a pipe, a device) in chunks until its end.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    bytes.reserve(static_cast<size_t>(st.st_size) + 1);
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    size_t used = bytes.size();
    size_t room = bytes.capacity() - used;
    if (room == 0) room = kChunk;
    // Grown without zeroing what read() overwrites right away would need a custom allocator;
    // resize's zeroing costs well under the read itself.
    bytes.resize(used + room);
    ssize_t n = ::read(fd, bytes.data() + used, room);
    if (n < 0) {
      if (errno == EINTR) {
        bytes.resize(used);
        continue;
      }
      int saved = errno;  // e.g. EISDIR when the path is a directory
      ::close(fd);
      errno = saved;
      return io_error("read");
    }
    bytes.resize(used + static_cast<size_t>(n));
    if (n == 0) break;
  }
  ::close(fd);
  return bytes;
}

Result<std::shared_ptr<const Module>> load_module_file(const std::string& path) {
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, read_file_bytes(path));
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<Module> module, decode_module(std::move(bytes), path));
  IRONCLAD_TRY(validate_module(*module, path));
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace ironclad::wasm
