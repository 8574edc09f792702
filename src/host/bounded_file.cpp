#include "host/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ironclad::host {

Result<std::string> read_bounded_regular_file(const std::filesystem::path& file,
                                              size_t max_bytes) {
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
  std::string text;
  size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (text.size() > max_bytes) break;
      text.resize(std::min(max_bytes + 1, std::max<size_t>(4096, text.size() * 2)));
    }
    ssize_t got = ::read(fd, text.data() + used, text.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return io_error("cannot read");
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  if (used > max_bytes) return too_large();
  text.resize(used);
  return text;
}

}  // namespace ironclad::host
