#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "wasi/abi.h"
#include "wasi/host_file.h"
#include "wasi/rights.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
WasiContext::WasiContext() {
  for (uint32_t fd = 0; fd < 3; ++fd) set_stdio(fd, static_cast<int>(fd));
}

void WasiContext::set_stdio(uint32_t guest_fd, int host_fd) {
  FdEntry entry;
  entry.host_fd = host_fd;
  entry.owns_host_fd = false;
  entry.filetype = filetype_of_host_fd(host_fd);
  // A stream shared with the host: read or write it, never change the host's file.
  entry.rights_base = guest_fd == 0 ? rights::kStdin : rights::kStdout;
  fds_.insert_at(guest_fd, std::move(entry));
}

Result<void> WasiContext::preopen_dir(const std::string& host_path, const std::string& guest_path) {
  int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Error::make(ErrorKind::Io, "cannot open directory '" + host_path +
                                          "' to preopen: " + std::strerror(errno));
  }
  FdEntry entry;
  entry.host_fd = fd;
  entry.filetype = abi::kFiletypeDirectory;
  entry.preopen_name = guest_path;
  entry.rights_base = rights::kDirectory;
  entry.rights_inheriting = rights::kDirectoryInheriting;
  fds_.insert(std::move(entry));
  return {};
}

}  // namespace ironclad::wasi
