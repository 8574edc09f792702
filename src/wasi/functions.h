// The wasi_snapshot_preview1 functions as plain C++ functions: each takes the context,
// the caller's memory and the wasm arguments (u32 for i32 params, u64 for i64 params) and
// returns the errno the guest sees. add_to_linker (linker.cpp) binds them to imports;
// tests call them directly. Guest pointers are never trusted: EFAULT when out of bounds.
#pragma once

#include <cstdint>

#include "wasi/errno.h"
#include "wasi/guest_memory.h"

namespace ironclad::wasi {

class WasiContext;
using Ctx = WasiContext;
using Mem = GuestMemory;

// args_environ.cpp
Errno args_sizes_get(Ctx&, const Mem&, uint32_t argc_ptr, uint32_t buf_size_ptr);
Errno args_get(Ctx&, const Mem&, uint32_t argv_ptr, uint32_t buf_ptr);
Errno environ_sizes_get(Ctx&, const Mem&, uint32_t count_ptr, uint32_t buf_size_ptr);
Errno environ_get(Ctx&, const Mem&, uint32_t environ_ptr, uint32_t buf_ptr);

// clocks_random_sched.cpp
Errno clock_res_get(Ctx&, const Mem&, uint32_t clock_id, uint32_t res_ptr);
Errno clock_time_get(Ctx&, const Mem&, uint32_t clock_id, uint64_t precision, uint32_t time_ptr);
Errno random_get(Ctx&, const Mem&, uint32_t buf, uint32_t len);
Errno sched_yield(Ctx&, const Mem&);
Errno poll_oneoff(Ctx&, const Mem&, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                  uint32_t nevents_ptr);

// fd_ops.cpp
Errno fd_advise(Ctx&, const Mem&, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno fd_allocate(Ctx&, const Mem&, uint32_t fd, uint64_t offset, uint64_t len);
Errno fd_close(Ctx&, const Mem&, uint32_t fd);
Errno fd_datasync(Ctx&, const Mem&, uint32_t fd);
Errno fd_sync(Ctx&, const Mem&, uint32_t fd);
Errno fd_fdstat_get(Ctx&, const Mem&, uint32_t fd, uint32_t stat_ptr);
Errno fd_fdstat_set_flags(Ctx&, const Mem&, uint32_t fd, uint32_t flags);
Errno fd_fdstat_set_rights(Ctx&, const Mem&, uint32_t fd, uint64_t base, uint64_t inheriting);
Errno fd_filestat_get(Ctx&, const Mem&, uint32_t fd, uint32_t stat_ptr);
Errno fd_filestat_set_size(Ctx&, const Mem&, uint32_t fd, uint64_t size);
Errno fd_filestat_set_times(Ctx&, const Mem&, uint32_t fd, uint64_t atim, uint64_t mtim,
                            uint32_t fstflags);
Errno fd_read(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_ptr);
Errno fd_pread(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
               uint32_t nread_ptr);
Errno fd_write(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
               uint32_t nwritten_ptr);
Errno fd_pwrite(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                uint32_t nwritten_ptr);
Errno fd_prestat_get(Ctx&, const Mem&, uint32_t fd, uint32_t prestat_ptr);
Errno fd_prestat_dir_name(Ctx&, const Mem&, uint32_t fd, uint32_t path_ptr, uint32_t path_len);
Errno fd_readdir(Ctx&, const Mem&, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused_ptr);
Errno fd_renumber(Ctx&, const Mem&, uint32_t from, uint32_t to);
Errno fd_seek(Ctx&, const Mem&, uint32_t fd, uint64_t offset, uint32_t whence,
              uint32_t newoffset_ptr);
Errno fd_tell(Ctx&, const Mem&, uint32_t fd, uint32_t offset_ptr);

// path_ops.cpp
Errno path_create_directory(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_filestat_get(Ctx&, const Mem&, uint32_t fd, uint32_t lookup_flags, uint32_t path,
                        uint32_t path_len, uint32_t stat_ptr);
Errno path_filestat_set_times(Ctx&, const Mem&, uint32_t fd, uint32_t lookup_flags, uint32_t path,
                              uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fstflags);
Errno path_link(Ctx&, const Mem&, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                uint32_t old_len, uint32_t new_fd, uint32_t new_path, uint32_t new_len);
Errno path_open(Ctx&, const Mem&, uint32_t dir_fd, uint32_t lookup_flags, uint32_t path,
                uint32_t path_len, uint32_t oflags, uint64_t rights_base,
                uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_ptr);
Errno path_readlink(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t bufused_ptr);
Errno path_remove_directory(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_rename(Ctx&, const Mem&, uint32_t old_fd, uint32_t old_path, uint32_t old_len,
                  uint32_t new_fd, uint32_t new_path, uint32_t new_len);
Errno path_symlink(Ctx&, const Mem&, uint32_t target, uint32_t target_len, uint32_t fd,
                   uint32_t path, uint32_t path_len);
Errno path_unlink_file(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);

// sock_ops.cpp
Errno sock_accept(Ctx&, const Mem&, uint32_t fd, uint32_t flags, uint32_t fd_ptr);
Errno sock_recv(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t flags,
                uint32_t datalen_ptr, uint32_t flags_ptr);
Errno sock_send(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t flags,
                uint32_t datalen_ptr);
Errno sock_shutdown(Ctx&, const Mem&, uint32_t fd, uint32_t how);

}  // namespace ironclad::wasi
