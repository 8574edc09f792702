// `ironclad run` on the recovery ladder (docs/cli.md, "Recovery"): the module runs in a
// host::RecoveringModule, so a CPU fault in JIT code demotes it to a safer rung, writes a
// crash report and a quarantine record to the data directory, and tells the user on stderr,
// exactly as for an extension.
//
// A program is not an idempotent export, so it is run again only when that cannot be told
// apart from running it once: from the start, on a fresh instance, and only while it has had
// no effect outside itself (nothing written, no file changed, no stdin consumed; counted by
// the WASI layer). Otherwise the run fails with the restart's error, saying that its output
// may be partial. `--idempotent` lets the user vouch for an export that may be repeated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/plan.h"
#include "host/recovery_store.h"
#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/runtime.h"
#include "wasi/wasi.h"
#include "wasm/module.h"

namespace ironclad::cli {

// The ladder's recovery store (quarantine, crash reports) of a data directory and what opening
// it warned about.
struct OpenedRecoveryStore {
  std::shared_ptr<host::RecoveryStore> store;
  std::vector<std::string> warnings;
};

// Opens it on a thread of its own, so that opening its database (~3-5 ms of every start: the
// integrity check, the WAL) overlaps with reading, decoding and validating the module; when
// no thread can start, it is opened at get().
std::shared_future<OpenedRecoveryStore> open_recovery_store_early(
    const std::filesystem::path& data_dir, std::optional<uint64_t> crash_report_limit);

struct RecoveringRunRequest {
  std::string file;  // as the user wrote it (messages, the module's name)
  std::shared_ptr<const wasm::Module> module;
  host::PlanRequest plan;
  runtime::StoreLimits limits;
  std::function<Result<void>(wasi::WasiContext&)> configure_wasi;  // args, env, preopens
  std::optional<std::string> invoke;  // the export to call; nullopt: the command's _start
  std::vector<Value> args;            // for `invoke`, already of its parameter types
  bool idempotent = false;            // --idempotent: retry even after visible effects
  std::filesystem::path data_dir;     // quarantine, crash reports, compiled-code cache
  bool code_cache = true;             // keep compiled code in <data_dir>/code-cache
  // Its size limit (IRONCLAD_CODE_CACHE_LIMIT); nullopt: the JIT's default.
  std::optional<uint64_t> code_cache_limit;
  // The most crash reports kept (IRONCLAD_CRASH_REPORT_LIMIT); nullopt: the host's default.
  std::optional<uint64_t> crash_report_limit;
  bool show_tier = false;  // --show-tier: what tiering did, when the tier is "tiered"
  // The recovery store of data_dir being opened (open_recovery_store_early); not valid():
  // opened when the ladder is set up.
  std::shared_future<OpenedRecoveryStore> store_opening;
};

// The call's results (none for _start). Errors as `ironclad run` reports them; an Exit error
// carries the program's proc_exit code.
Result<std::vector<Value>> run_recovering(const RecoveringRunRequest& request);

// A component that exports wasi:cli/run (any 0.2.x): its `run` on the same ladder, with WASI
// 0.2 over the request's WASI context (request.module and request.invoke are unused). The
// run's `result` is the status: ok 0, error 1; wasi:cli/exit's status comes as an Exit error.
Result<int> run_recovering_component(const RecoveringRunRequest& request,
                                     std::span<const uint8_t> bytes);

// True when a program run above ended while its tiered tier was still compiling: its objects
// were left alive and the process must end with std::_Exit once its output is flushed (static
// destructors, LLVM's among them, must not run under a compile thread).
bool compiles_left_running();

}  // namespace ironclad::cli
