#include "wasm/module_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::wasm {
namespace {

// Makes the pages of a fresh buffer (a large one is a new mapping of malloc's) present in one
// call: touched one at a time, each costs a page fault, ~15-20 us on a virtual machine (a
// 3.6 MiB module: ~900 faults, ~15 ms before its first byte is decoded). Best effort: an
// older kernel without MADV_POPULATE_WRITE faults them in as before.
void populate(void* data, size_t size) {
#ifdef MADV_POPULATE_WRITE
  constexpr size_t kWorthIt = 256 * 1024;
  if (size < kWorthIt) return;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)size;
#endif
}

}  // namespace

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
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    bytes.reserve(static_cast<size_t>(st.st_size) + 1);
    populate(bytes.data(), bytes.capacity());
  }
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
