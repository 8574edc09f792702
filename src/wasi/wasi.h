// WASI preview1 (wasi_snapshot_preview1) for C programs built with wasi-libc, scoped by
// capabilities: a program reaches the host file system only inside directories the
// embedder preopened, and every guest pointer is bounds-checked (EFAULT, never a crash).
//
//   WasiContext wasi;
//   wasi.set_args({"prog.wasm", "arg"});
//   IRONCLAD_TRY(wasi.preopen_dir("/tmp/data", "data"));
//   IRONCLAD_TRY(wasi::add_to_linker(linker, store, wasi));
//   ... instantiate, call _start: an Error of kind Exit carries proc_exit's code.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "runtime/runtime.h"
#include "wasi/fd_table.h"
#include "wasi/path_resolve.h"

namespace ironclad::wasi {

// The state one WASI program sees: its arguments, environment, file descriptors (stdio
// and preopens first) and, once it called proc_exit, its exit code. The context must
// outlive the store functions registered with add_to_linker.
class WasiContext {
 public:
  // Stdio is the host process's fds 0, 1, 2 (not closed by the context).
  WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  void set_args(std::vector<std::string> args) { args_ = std::move(args); }
  // Each entry is "KEY=VALUE", as environ holds them.
  void set_env(std::vector<std::string> env) { env_ = std::move(env); }
  // Uses host fd `host_fd` (not owned) as the guest's stdin (0), stdout (1) or stderr (2).
  // It is a stream the host shares: the guest may read stdin and write stdout and stderr
  // (and poll and stat them), nothing else: no seek, truncate, allocate, set_times, sync
  // or set_flags that would change the host's file or open file description.
  void set_stdio(uint32_t guest_fd, int host_fd);
  // Opens the host directory and gives it to the guest under `guest_path` as the next
  // fd (3, 4, ...). Io error naming the directory when it cannot be opened.
  Result<void> preopen_dir(const std::string& host_path, const std::string& guest_path);
  // How paths are resolved beneath preopens (tests force the manual fallback).
  void set_resolve_strategy(ResolveStrategy s) { resolve_strategy_ = s; }

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }
  FdTable& fds() { return fds_; }
  ResolveStrategy resolve_strategy() const { return resolve_strategy_; }
  // The code passed to proc_exit, once the program called it.
  std::optional<int> exit_code() const { return exit_code_; }
  void set_exit_code(int code) { exit_code_ = code; }
  // How many calls with effects outside the program have completed: output written, a file
  // or directory created, changed or removed, stdin consumed. While it is 0, running the
  // program again from the start is indistinguishable from running it once, which is what
  // lets `ironclad run` restart a program that faulted on a safer configuration.
  uint64_t external_effects() const { return *external_effects_; }
  void note_external_effect() { ++*external_effects_; }
  // Counts them into `counter` from now on: an embedder that gives each fresh instance a
  // fresh context keeps one count across all of them (and can read it after the context is
  // gone).
  void count_external_effects_in(std::shared_ptr<uint64_t> counter) {
    if (counter) external_effects_ = std::move(counter);
  }
  // The budget of the running call from the host (runtime::CallBudget), if any: calls that
  // would block (poll_oneoff's sleep, a read of a pipe or terminal; WASI 0.2's pollables) wait
  // at most until its deadline. The preview1 linker's functions point it at the calling store's
  // budget before each call; whoever makes a component's store points it there.
  void set_call_budget(const runtime::CallBudget* budget) { call_budget_ = budget; }
  std::optional<std::chrono::steady_clock::time_point> call_deadline() const {
    return call_budget_ ? call_budget_->deadline() : std::nullopt;
  }
  // Whether the running call is past its deadline (a host call returning then ends the call).
  bool past_call_deadline() const { return call_budget_ && call_budget_->expired(); }
  const runtime::CallBudget* call_budget() const { return call_budget_; }

 private:
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  FdTable fds_;
  ResolveStrategy resolve_strategy_ = ResolveStrategy::Auto;
  std::optional<int> exit_code_;
  std::shared_ptr<uint64_t> external_effects_ = std::make_shared<uint64_t>(0);
  const runtime::CallBudget* call_budget_ = nullptr;
};

// The module name WASI functions are imported from.
inline constexpr const char* kPreview1Module = "wasi_snapshot_preview1";

// Defines every wasi_snapshot_preview1 function in `linker` (functions this implementation
// does not support, such as proc_raise, return ENOSYS rather than failing to link).
Result<void> add_to_linker(runtime::Linker& linker, runtime::Store& store, WasiContext& wasi);

}  // namespace ironclad::wasi
