// sock_* functions. This implementation gives the guest no sockets of its own (no
// preopened listeners), so these calls answer what POSIX would for the fd they are given:
// EBADF when it is not open, ENOTSOCK when it is no socket. A socket can only be the host's
// stdio, which the guest may read and write (fd_read, fd_write) but never shut down or
// accept on: that would act on the embedding application's connection.
#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

bool is_socket(const FdEntry& e) {
  return e.filetype == abi::kFiletypeSocketStream || e.filetype == abi::kFiletypeSocketDgram;
}

// EBADF, ENOTSOCK or ENOTCAPABLE; ENOTSUP for a socket that holds the right (none does).
Errno refuse(Ctx& ctx, uint32_t fd, uint64_t needed) {
  FdEntry* e = ctx.fds().get(fd);
  if (e == nullptr) return Errno::BadF;
  if (!is_socket(*e)) return Errno::NotSock;
  if (!e->has_rights(needed)) return Errno::NotCapable;
  return Errno::NotSup;
}

}  // namespace

Errno sock_accept(Ctx& ctx, const Mem&, uint32_t fd, uint32_t, uint32_t) {
  return refuse(ctx, fd, abi::kRightSockAccept);
}

Errno sock_recv(Ctx& ctx, const Mem&, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t,
                uint32_t) {
  return refuse(ctx, fd, abi::kRightFdRead);
}

Errno sock_send(Ctx& ctx, const Mem&, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t) {
  return refuse(ctx, fd, abi::kRightFdWrite);
}

Errno sock_shutdown(Ctx& ctx, const Mem&, uint32_t fd, uint32_t how) {
  // how: sdflags, RD = 1, WR = 2; anything else is invalid whatever the fd.
  if (how == 0 || (how & ~3u) != 0) {
    if (ctx.fds().get(fd) == nullptr) return Errno::BadF;
    return Errno::Inval;
  }
  return refuse(ctx, fd, abi::kRightSockShutdown);
}

}  // namespace ironclad::wasi
