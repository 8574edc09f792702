// Binds the preview1 functions of functions.h to wasm imports: each becomes a host
// function whose wasm type is derived from its C++ parameters (u32 -> i32, u64 -> i64)
// and whose single i32 result is the errno.
#include <utility>

#include "wasi/abi.h"
#include "wasi/functions.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

template <typename T>
constexpr ValType wasm_type_of() {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>);
  return std::is_same_v<T, uint32_t> ? ValType::I32 : ValType::I64;
}

template <typename T>
T arg_as(const Value& v) {
  if constexpr (std::is_same_v<T, uint32_t>)
    return v.i32;
  else
    return v.i64;
}

template <typename... Args, size_t... I>
Errno call_with_args(Errno (*fn)(Ctx&, const Mem&, Args...), WasiContext& wasi,
                     const GuestMemory& mem, [[maybe_unused]] const Value* args,
                     std::index_sequence<I...>) {
  return fn(wasi, mem, arg_as<Args>(args[I])...);
}

// Whether a call that succeeded changed something outside the program (WasiContext::
// external_effects): given the context (before the call) and the call's arguments.
using EffectTest = bool (*)(WasiContext& wasi, const Value* args);
bool always(WasiContext&, const Value*) {
  return true;
}
// path_open(dir_fd, lookup_flags, path, path_len, oflags, ...) creating or truncating a file.
bool creates_or_truncates(WasiContext&, const Value* args) {
  return (args[4].i32 & (abi::kOflagCreat | abi::kOflagTrunc)) != 0;
}
// fd_read(fd, ...) consuming input a second run would not see again: from any fd the host
// handed over (stdin, whatever number the guest renumbered it to) and from anything that is
// no regular file or directory (a FIFO, a device, a socket opened beneath a preopen). A
// regular file the guest opened itself reads the same again when a rerun opens it again.
bool consumes_input(WasiContext& wasi, const Value* args) {
  const FdEntry* e = wasi.fds().get(args[0].i32);
  if (e == nullptr) return false;
  return !e->owns_host_fd ||
         (e->filetype != abi::kFiletypeRegularFile && e->filetype != abi::kFiletypeDirectory);
}

template <typename... Args>
void define(runtime::Linker& linker, runtime::Store& store, WasiContext& wasi, const char* name,
            Errno (*fn)(Ctx&, const Mem&, Args...), EffectTest effect = nullptr) {
  wasm::FuncType type;
  type.params = {wasm_type_of<Args>()...};
  type.results = {ValType::I32};
  linker.define_function(store, kPreview1Module, name, type,
                         [&wasi, fn, effect](runtime::HostContext& host, const Value* args,
                                             Value* results) -> Result<void> {
                           GuestMemory mem(host.memory());
                           const runtime::CallBudget& budget = host.store.call_budget();
                           wasi.set_call_budget(&budget);
                           // Judged before the call, on the fd table the call acts on.
                           const bool has_effect = effect != nullptr && effect(wasi, args);
                           Errno e = call_with_args(fn, wasi, mem, args,
                                                    std::index_sequence_for<Args...>{});
                           if (has_effect && e == Errno::Success) wasi.note_external_effect();
                           results[0] = Value::from_i32(static_cast<uint32_t>(e));
                           // Time in host calls counts: past the deadline the call ends here.
                           if (budget.expired()) return budget.exhausted_error();
                           return {};
                         });
}

// Functions this implementation does not offer (signals): they link, so a program
// that merely references them runs, and answer ENOSYS if called.
void define_unsupported(runtime::Linker& linker, runtime::Store& store, const char* name,
                        std::vector<ValType> params) {
  wasm::FuncType type;
  type.params = std::move(params);
  type.results = {ValType::I32};
  linker.define_function(store, kPreview1Module, name, type,
                         [](runtime::HostContext&, const Value*, Value* results) -> Result<void> {
                           results[0] = Value::from_i32(static_cast<uint32_t>(Errno::NoSys));
                           return {};
                         });
}

}  // namespace

Result<void> add_to_linker(runtime::Linker& linker, runtime::Store& store, WasiContext& wasi) {
  define(linker, store, wasi, "args_get", &args_get);
  define(linker, store, wasi, "args_sizes_get", &args_sizes_get);
  define(linker, store, wasi, "environ_get", &environ_get);
  define(linker, store, wasi, "environ_sizes_get", &environ_sizes_get);
  define(linker, store, wasi, "clock_res_get", &clock_res_get);
  define(linker, store, wasi, "clock_time_get", &clock_time_get);
  define(linker, store, wasi, "random_get", &random_get);
  define(linker, store, wasi, "sched_yield", &sched_yield);
  define(linker, store, wasi, "poll_oneoff", &poll_oneoff);
  define(linker, store, wasi, "fd_advise", &fd_advise);
  define(linker, store, wasi, "fd_allocate", &fd_allocate, always);
  define(linker, store, wasi, "fd_close", &fd_close);
  define(linker, store, wasi, "fd_datasync", &fd_datasync);
  define(linker, store, wasi, "fd_sync", &fd_sync);
  define(linker, store, wasi, "fd_fdstat_get", &fd_fdstat_get);
  define(linker, store, wasi, "fd_fdstat_set_flags", &fd_fdstat_set_flags);
  define(linker, store, wasi, "fd_fdstat_set_rights", &fd_fdstat_set_rights);
  define(linker, store, wasi, "fd_filestat_get", &fd_filestat_get);
  define(linker, store, wasi, "fd_filestat_set_size", &fd_filestat_set_size, always);
  define(linker, store, wasi, "fd_filestat_set_times", &fd_filestat_set_times, always);
  define(linker, store, wasi, "fd_read", &fd_read, consumes_input);
  define(linker, store, wasi, "fd_pread", &fd_pread);
  define(linker, store, wasi, "fd_write", &fd_write, always);
  define(linker, store, wasi, "fd_pwrite", &fd_pwrite, always);
  define(linker, store, wasi, "fd_prestat_get", &fd_prestat_get);
  define(linker, store, wasi, "fd_prestat_dir_name", &fd_prestat_dir_name);
  define(linker, store, wasi, "fd_readdir", &fd_readdir);
  define(linker, store, wasi, "fd_renumber", &fd_renumber);
  define(linker, store, wasi, "fd_seek", &fd_seek);
  define(linker, store, wasi, "fd_tell", &fd_tell);
  define(linker, store, wasi, "path_create_directory", &path_create_directory, always);
  define(linker, store, wasi, "path_filestat_get", &path_filestat_get);
  define(linker, store, wasi, "path_filestat_set_times", &path_filestat_set_times, always);
  define(linker, store, wasi, "path_link", &path_link, always);
  define(linker, store, wasi, "path_open", &path_open, creates_or_truncates);
  define(linker, store, wasi, "path_readlink", &path_readlink);
  define(linker, store, wasi, "path_remove_directory", &path_remove_directory, always);
  define(linker, store, wasi, "path_rename", &path_rename, always);
  define(linker, store, wasi, "path_symlink", &path_symlink, always);
  define(linker, store, wasi, "path_unlink_file", &path_unlink_file, always);

  // proc_exit has no result: it ends the program by unwinding the wasm call with an Exit
  // error carrying the code; the embedder reads it from the error or the context.
  wasm::FuncType exit_type;
  exit_type.params = {ValType::I32};
  linker.define_function(store, kPreview1Module, "proc_exit", exit_type,
                         [&wasi](runtime::HostContext&, const Value* args, Value*) -> Result<void> {
                           int code = static_cast<int>(args[0].i32);
                           wasi.set_exit_code(code);
                           return Error::make_exit(code);
                         });

  constexpr ValType I32 = ValType::I32;
  define_unsupported(linker, store, "proc_raise", {I32});
  define(linker, store, wasi, "sock_accept", &sock_accept);
  define(linker, store, wasi, "sock_recv", &sock_recv);
  define(linker, store, wasi, "sock_send", &sock_send);
  define(linker, store, wasi, "sock_shutdown", &sock_shutdown);
  return {};
}

}  // namespace ironclad::wasi
