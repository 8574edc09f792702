// Crash reports: one JSON file per incident in data_dir/crashes/ (schema: docs/crash-reports.md),
// indexed in data_dir/crashes/index.db (SQLite) and grouped by fingerprint, a stable hash of
// kind + ISA set + module hash + function, so that a thousand users hitting one bug are one
// group with a count and first/last seen. Exported as Sentry envelopes for a fleet's crash
// service.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::host {

// A stable hash of a module's bytes: XXH3-128 as 32 lowercase hex digits (same in every
// build and process; what quarantine records and crash reports are keyed by).
std::string module_hash(std::span<const uint8_t> module_bytes);

// The report kinds of a limit doing its job (not a fault): a call stopped at its deadline, a
// memory.grow / table.grow refused at the memory cap. Written to the same store as crash
// reports, at most one per extension version and kind per kLimitReportInterval.
inline constexpr const char* kTimeoutReportKind = "Timeout";
inline constexpr const char* kMemoryLimitReportKind = "MemoryLimit";
bool is_limit_report_kind(const std::string& kind);

// What a limit report's limit was ("limit" in the JSON; null in a fault's report).
struct LimitDetails {
  // Timeout: the call's deadline, in seconds.
  double timeout_seconds = 0;
  // MemoryLimit: the cap on one instance's memories and tables together; what the refused
  // growth asked for, and what the instance would have held with it (held + growth).
  uint64_t cap_bytes = 0;
  uint64_t growth_bytes = 0;
  uint64_t requested_bytes = 0;
  uint64_t refusals_in_call = 0;  // growths refused during the call
};

struct CrashReport {
  int schema_version = 1;
  std::string id;         // unique per report, e.g. "20261124T091502Z-3f2a..." (file stem)
  int64_t timestamp = 0;  // unix seconds
  // "CpuIncompatibility" | "EngineFault" | "UnexplainedIllegalInstruction"; a limit report:
  // "Timeout" | "MemoryLimit" (is_limit_report_kind).
  std::string kind;
  std::string fingerprint;  // stable_fingerprint(kind, isa_set, module_hash, function)
  std::string message;      // the error's one-line message
  std::string extension_id, extension_version;  // "" for a plain `ironclad run` module
  std::string module_path, module_hash;
  std::string export_name;                // what was called
  std::vector<BacktraceFrame> backtrace;  // function index, name, code offset
  std::optional<FaultDetails> fault;      // instruction, ISA set, features, signal, pc
  std::optional<LimitDetails> limit;      // a limit report's limit; null for a fault
  std::string compiled_for;               // feature set of the code (LLVM names)
  std::string host_verified;              // the host's (or emulated CPU's) verified set
  std::string emulated_cpu;               // "" when not emulating
  std::string cpu_fingerprint;            // cpu::Fingerprint::hash_hex()
  std::string cpu_model;                  // e.g. "GenuineIntel family 6 model 143"
  std::string kernel_release;
  std::string engine_version;
  std::string tier_before, tier_after;
};

// Fills the report's cpu_fingerprint, cpu_model, kernel_release and engine_version from this
// machine and this build.
void describe_this_machine(CrashReport& report);

// hex of a stable 64-bit hash of "kind|isa_set|module_hash|function_index".
std::string stable_fingerprint(const std::string& kind, const std::string& isa_set,
                               const std::string& module_hash, uint32_t function_index);

std::string to_json(const CrashReport& report);                       // pretty, one object
Result<CrashReport> crash_report_from_json(const std::string& text);  // Malformed on bad input

struct CrashGroup {
  std::string fingerprint;
  std::string kind, extension_id, summary;  // summary: the newest report's message
  uint64_t count = 0;
  int64_t first_seen = 0, last_seen = 0;
  std::string latest_report_id;
};

// How many reports a crash store keeps by default (HostConfig::crash_report_limit).
constexpr uint64_t kDefaultCrashReportLimit = 1000;

class CrashStore {
 public:
  // data_dir/crashes/ (created when missing) and its index; a corrupt index is rebuilt from
  // the JSON files, with a warning; a report file that does not parse is skipped with a
  // warning naming it. Fails (Io) only when the directory cannot be created.
  // `max_reports` bounds the directory (0: no bound): each write that takes the store past
  // it removes the oldest reports, but a group's newest report only once no group has an
  // older one left, so every kind of crash stays visible while repeats make room.
  static Result<std::unique_ptr<CrashStore>> open(const std::filesystem::path& data_dir,
                                                  std::vector<std::string>* warnings = nullptr,
                                                  uint64_t max_reports = kDefaultCrashReportLimit);
  virtual ~CrashStore() = default;
  // Writes the report (atomically: temp file + fsync + rename) and indexes it; fills in id,
  // timestamp and fingerprint when empty; returns the file's path. An id must be usable as a
  // file name (letters, digits, '.', '_', '-'; Usage error otherwise). Then removes what is
  // over the store's limit (see open); the report just written is never removed.
  virtual Result<std::filesystem::path> write(CrashReport& report) = 0;
  virtual Result<std::vector<CrashGroup>> groups() = 0;  // most recent first
  // A report by id, or the newest report of a group by fingerprint (a unique prefix suffices).
  // No match or an ambiguous prefix: a Usage error; an unreadable file: Io or Malformed.
  virtual Result<CrashReport> find(const std::string& id_or_fingerprint) = 0;
  // Oldest first; a file deleted or damaged since it was indexed is left out.
  virtual Result<std::vector<CrashReport>> all() = 0;
  // The same, only the reports of the module with this module_hash (read through the index:
  // a module's history costs its own reports, not every report in the directory).
  virtual Result<std::vector<CrashReport>> of_module(const std::string& module_hash) = 0;
  // The timestamp of the newest report of the group, 0 when it has none (the limit reports'
  // rate limit asks this before writing another).
  virtual Result<int64_t> newest_of_group(const std::string& fingerprint) = 0;
  virtual const std::filesystem::path& dir() const = 0;
};

// Sentry envelopes (https://develop.sentry.dev/sdk/envelopes/), one per report, concatenated:
// an event with exception mechanism {type: "signalhandler", handled: true}, the signal's
// name in mechanism.meta.signal, the wasm backtrace as the stack trace, and the CPU, the
// extension and the engine as contexts and tags.
std::string to_sentry_envelopes(std::span<const CrashReport> reports);

// The default data directory: $IRONCLAD_DATA_DIR, else $XDG_DATA_HOME/ironclad, else
// $HOME/.local/share/ironclad.
std::filesystem::path default_data_dir();

}  // namespace ironclad::host
