#include "host/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ironclad::host {

namespace {

// Reads into `out` (std::string or std::vector<uint8_t>): sized once from fstat, so a
// 2 MB module is read in one go instead of through a dozen doubling copies.
template <typename Bytes>
Result<Bytes> read_bounded(const std::filesystem::path& file, size_t max_bytes) {
  auto io_error = [&](const char* what) {
    return Error::make(ErrorKind::Io, file.string() + ": " + what + ": " + std::strerror(errno));
  };
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return io_error("cannot read");
  if (!S_ISREG(st.st_mode))
    return Error::make(ErrorKind::Invalid, file.string() + ": not a regular file");
  const auto too_large = [&] {
    return Error::make(ErrorKind::Invalid, file.string() + ": larger than " +
                                               std::to_string(max_bytes) + " bytes");
  };
  if (static_cast<uintmax_t>(st.st_size) > max_bytes) return too_large();
  // Read at most one byte more than allowed: a file that grew meanwhile is still refused.
  // The first buffer holds the size fstat gave plus one byte, where the end must be seen.
  Bytes bytes;
  size_t used = 0;
  size_t first_size = std::min(max_bytes + 1, static_cast<size_t>(st.st_size) + 1);
  for (;;) {
    if (used == bytes.size()) {
      if (bytes.size() > max_bytes) break;
      bytes.resize(bytes.empty() ? first_size
                                 : std::min(max_bytes + 1, std::max<size_t>(4096, bytes.size() * 2)));
    }
    ssize_t got = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return io_error("cannot read");
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  if (used > max_bytes) return too_large();
  bytes.resize(used);
  return bytes;
}

}  // namespace

Result<std::string> read_bounded_regular_file(const std::filesystem::path& file,
                                              size_t max_bytes) {
  return read_bounded<std::string>(file, max_bytes);
}

Result<std::vector<uint8_t>> read_bounded_regular_file_bytes(const std::filesystem::path& file,
                                                             size_t max_bytes) {
  return read_bounded<std::vector<uint8_t>>(file, max_bytes);
}

}  // namespace ironclad::host
