// The extension host: what an embedding application uses to load WebAssembly extensions and
// call them, and to survive them. A call that faults because the CPU refused an instruction
// (CpuIncompatibility) or because generated code misbehaved (EngineFault) never kills the
// application: the host records the incident (quarantine database + crash report), demotes the
// extension to a safer configuration, gives it a fresh instance, retries idempotent exports,
// and tells the application through an event (docs/recovery.md).
//
// Nothing here throws, aborts or exits (DESIGN.md invariant 1): errors are values.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ironclad/component.h"
#include "ironclad/error.h"
#include "ironclad/value.h"

namespace ironclad {

// One export an extension offers, from its manifest.
struct ExtensionExportDecl {
  std::string name;
  // Calling it twice with the same arguments is harmless, so after a fault the host may
  // retry it on the recovered instance and return that result to the caller.
  bool idempotent = false;
};

// extension.toml, parsed and checked (see docs/recovery.md for the format).
struct ExtensionManifest {
  std::filesystem::path dir;   // the extension's directory
  std::filesystem::path file;  // dir / "extension.toml"
  std::string id;              // [a-z0-9][a-z0-9._-]*, unique within a host
  std::string name;
  std::string version;
  std::filesystem::path wasm;  // the module, resolved against `dir`
  std::vector<ExtensionExportDecl> exports;

  const ExtensionExportDecl* find_export(std::string_view name) const;
};

enum class ExtensionState : uint8_t {
  Running,   // in its planned configuration
  Degraded,  // running, but in a safer configuration than planned (status.reason says why)
  Disabled,  // not running (status.reason says why); ExtensionHost::enable restarts it
};
const char* to_string(ExtensionState state);

// The rungs of the recovery ladder, safest last.
enum class Rung : uint8_t {
  Planned,       // the JIT with policy ∩ verified host features ∩ quarantine record
  Conservative,  // the JIT, at most `conservative`, without the features that faulted
  Baseline,      // the JIT, at most `baseline`
  Interpreter,   // the portable interpreter: always works
};
const char* to_string(Rung rung);

// One fault of an extension, as the host handled it.
struct Incident {
  std::chrono::system_clock::time_point when;
  ErrorKind kind = ErrorKind::EngineFault;  // CpuIncompatibility or EngineFault
  std::string message;                      // the fault, one line
  std::string export_name;                  // what was being called
  std::string tier_before;                  // e.g. "jit {avx2,avx512f,...}"
  std::string tier_after;                   // e.g. "jit {avx2,...}", "interp", "disabled"
  std::filesystem::path report;             // the crash report written for it, if any
};

// A limit an extension ran into: a call stopped at its deadline (ErrorKind::Timeout), or a
// memory.grow / table.grow the memory cap refused (the guest got -1; the call went on). Not
// a fault: nothing is demoted. It is counted in the quarantine database's limits table
// (`ironclad ext status`) and written as a limit report (kind "Timeout" or "MemoryLimit") to
// the crash report directory, rate-limited (HostConfig::limit_report_interval).
struct LimitHit {
  std::chrono::system_clock::time_point when;
  std::string export_name;  // the call it happened in
  uint64_t limit = 0;       // the deadline in milliseconds; the memory cap in bytes
  // Timeouts: the error's message. Memory: what was refused, e.g. "a growth by 1048576
  // bytes (3 refused in this call)".
  std::string message;
};

struct ExtensionStatus {
  std::string id, name, version;
  ExtensionState state = ExtensionState::Running;
  Rung rung = Rung::Planned;
  std::string tier;         // "jit", "tiered" or "interp"; "" when disabled
  std::string features;     // the feature set the code was compiled for (LLVM names)
  std::string reason;       // why degraded or disabled; "" when running as planned
  std::string module_hash;  // hex, what the quarantine is keyed by (with the CPU fingerprint)
  std::vector<Incident> incidents;  // oldest first
  // Limits hit since the extension was loaded (its instances together).
  uint64_t timeouts = 0;
  std::optional<LimitHit> last_timeout;
  uint64_t memory_refusals = 0;  // growths refused
  std::optional<LimitHit> last_memory_refusal;
};

enum class HostEventKind : uint8_t {
  Loaded,       // an extension started (message names tier and features)
  Quarantined,  // started directly in a safe configuration remembered from an earlier run
  Restarted,    // a fault; the extension runs again on a safer rung (or the same one)
  Disabled,     // too many faults in the window, or a fault on the last rung
  Enabled,      // ExtensionHost::enable
  Warning,      // something the user may want to know (e.g. a corrupt quarantine rebuilt)
  // Worth logging, not a problem: e.g. why the JIT code checks memory bounds explicitly (no
  // guard region could be reserved, as under RLIMIT_AS). The CLI prints "ironclad: note: ...".
  Note,
  Timeout,        // a call passed its deadline (HostConfig::call_timeout); the message says which
  MemoryRefused,  // memory.grow or table.grow was refused at the memory cap during a call
};
const char* to_string(HostEventKind kind);

struct HostEvent {
  HostEventKind kind = HostEventKind::Warning;
  std::string extension_id;
  // A sentence for the user, e.g. "extension 'x' restarted in safe mode: this CPU cannot
  // execute vpmullq (AVX512DQ+AVX512VL)".
  std::string message;
  std::optional<Incident> incident;  // Restarted, Disabled
  // Timeout, MemoryRefused: the limit report written for it in the crash report directory;
  // empty when none was (at most one per extension version and kind per
  // HostConfig::limit_report_interval, and none without a crash store).
  std::filesystem::path limit_report;
};

struct HostConfig {
  // Quarantine database and crash reports. Empty: $IRONCLAD_DATA_DIR, else
  // $XDG_DATA_HOME/ironclad, else ~/.local/share/ironclad.
  std::filesystem::path data_dir;
  std::string policy = "conservative";  // cpu::Policy name: the planned rung's policy
  // "auto" (= "tiered" when the policy allows a JIT), "jit" (the whole module compiled
  // before it runs), "interp", or "tiered" (each JIT rung starts
  // in the interpreter and compiles called functions in the background; docs/tiering.md).
  std::string tier = "auto";
  std::string cpu_features;  // "+x,-y" overrides of the policy
  // Run as if on this CPU profile (e.g. "alderlake-n"): instructions it lacks raise SIGILL
  // (docs/emulation.md). The crash, reproducible on any machine.
  std::string emulate_cpu;
  // The max_faults-th EngineFault within `fault_window` disables the extension (at least 1).
  uint32_t max_faults = 3;
  std::chrono::seconds fault_window{600};
  bool write_crash_reports = true;
  // The most crash reports kept in <data_dir>/crashes: a new report beyond it removes the
  // oldest, a group's newest last (docs/crash-reports.md, "Retention"). 0: no limit.
  uint64_t crash_report_limit = 1000;
  // A timeout or a memory refusal writes a limit report there, but at most one per extension
  // version and kind within this time, across the processes sharing the data directory: a
  // runaway extension must not fill the directory (docs/crash-reports.md, "Limit reports").
  // 0: a report every time.
  std::chrono::seconds limit_report_interval{3600};
  // Compiled JIT code is kept in `code_cache_dir` (empty: <data_dir>/code-cache), signed with
  // the key in <data_dir>/artifact.key (created, mode 0600; one not owned by this user or
  // readable by others turns the cache off with a warning), so the next
  // start of an unchanged extension loads it instead of compiling (a file per module, feature
  // set, bounds-check mode and engine version; an unreadable one is recompiled and rewritten).
  bool code_cache = true;
  std::filesystem::path code_cache_dir;
  // The most bytes of code kept there: after writing new code, the least recently used goes
  // first (docs/artifacts.md, "Cache size"). nullopt: the JIT's default (256 MiB); 0: no limit.
  std::optional<uint64_t> code_cache_limit;
  // What one instance of an extension may hold in memories and tables together, in bytes
  // (memory pages x 64 KiB plus table elements x 8; docs/security.md). Beyond it a module
  // fails to instantiate (Exhausted) and memory.grow / table.grow return -1. 0: no budget.
  uint64_t max_instance_bytes = (uint64_t{4} << 30) + (uint64_t{64} << 20);
  // Wall-clock time one call into an extension may take, time in host calls (WASI sleeps and
  // reads) included; past it the call fails with a Timeout error and the extension stays
  // usable. 0: no deadline. (Code then counts fuel: see docs/security.md for the cost.)
  std::chrono::milliseconds call_timeout{0};
  // What the JIT takes on: an extension's module beyond any of these runs in the interpreter
  // (with a Note event) instead of costing minutes and gigabytes of LLVM (docs/security.md).
  uint64_t jit_max_code_bytes = uint64_t{8} << 20;        // all function bodies together
  uint32_t jit_max_functions = 40'000;                    // defined functions
  uint64_t jit_max_function_bytes = uint64_t{512} << 10;  // one function body
  // Called (on the calling thread, outside any lock the host holds) for every event.
  std::function<void(const HostEvent&)> on_event;
};

class Extension {
 public:
  virtual ~Extension() = default;
  virtual const ExtensionManifest& manifest() const = 0;
  // A snapshot taken after the extension's last operation: it never waits for a running call.
  virtual ExtensionStatus status() const = 0;
  // Calls an export the manifest lists, with arguments of its wasm parameter types. Errors:
  // Usage (unknown export, wrong arguments), Trap (an ordinary wasm trap: nothing demoted),
  // Exit (proc_exit), ExtensionRestarted (a fault; the extension runs again on a fresh
  // instance, on a safer rung after a CPU fault, and this call was not retried: the export is
  // not idempotent, or the fault was an engine fault; the message names the new tier and
  // Error::fault says what faulted), ExtensionDisabled. An idempotent export that hit a CPU
  // fault is retried on the recovered instance and its result returned. Thread-safe: calls on
  // one extension are serialised; events are delivered after the call releases its lock.
  virtual Result<std::vector<Value>> call(std::string_view export_name,
                                          std::span<const Value> args) = 0;
};

// A WebAssembly component loaded by the host from a file (docs/components.md, "Embedding
// API"): the embedder's way to run any component, not only an extension with a manifest.
struct ComponentLoadRequest {
  std::filesystem::path file;  // the component (.wasm)
  // Who it is, for events, status, crash reports and the quarantine; empty: the file name.
  std::string id;
  std::string version;
  // The host functions and resource types it imports besides WASI 0.2 (wasi:cli, io, clocks,
  // filesystem without preopens, random; sockets denied; stdio inherited, arguments {id}).
  // Called once for every fresh instance the recovery ladder makes, so it must be repeatable.
  std::function<Result<void>(ComponentLinker&)> define_imports;
  // Exports that are harmless to call twice: after a CPU fault they are retried on the
  // recovered instance and their result returned (ExtensionStatus and Extension::call say
  // the same of a module's exports).
  std::vector<std::string> idempotent_exports;
};

// A component on the host's recovery ladder: calls are serialised and recovered as
// Extension::call's are (a CPU fault in any inner core module demotes the whole component,
// writes a crash report and emits events through HostConfig::on_event). Handles it gave out
// before a restart belong to the old instance: passing one back is a Usage error.
class HostedComponent : public ComponentInstance {
 public:
  virtual ExtensionStatus status() const = 0;
};

class ExtensionHost {
 public:
  static Result<std::unique_ptr<ExtensionHost>> create(HostConfig config);
  virtual ~ExtensionHost() = default;

  // Loads one extension directory: manifest, module, plan (consulting the quarantine),
  // compile, instantiate. Errors name the file, the key or section and the problem.
  virtual Result<Extension*> load(const std::filesystem::path& extension_dir) = 0;
  // Loads every subdirectory of `dir` holding an extension.toml; one that fails to load is
  // reported in `errors` (when given) and skipped, the others still load.
  virtual std::vector<Extension*> load_all(const std::filesystem::path& dir,
                                           std::vector<Error>* errors = nullptr) = 0;
  virtual Extension* find(std::string_view id) = 0;
  virtual std::vector<ExtensionStatus> status() const = 0;
  // Re-enables a disabled extension (and clears its disabled mark in the quarantine); it
  // restarts on the rung it had. Usage error when no extension has this id.
  virtual Result<void> enable(std::string_view id) = 0;
  // Forgets what the host learnt about the extension on this CPU (its quarantine record, its
  // excluded features, its fault window) and restarts it in its planned configuration. For
  // after a fix (new microcode, a new engine) and for tests. Usage error for an unknown id.
  virtual Result<void> reset(std::string_view id) = 0;
  // Loads, plans (consulting the quarantine), compiles and instantiates a component with
  // this host's configuration (tier, policy, emulation, limits, code cache). Errors name the
  // file and why: Io, Malformed/Invalid (with the section, index and offset), Link (every
  // missing import at once), Usage, and a core module given where a component belongs.
  // The component is not listed by find()/status(): it belongs to the caller.
  virtual Result<std::unique_ptr<HostedComponent>> load_component(ComponentLoadRequest request) = 0;
  virtual const std::filesystem::path& data_dir() const = 0;
};

}  // namespace ironclad
