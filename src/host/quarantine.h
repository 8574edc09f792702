// The quarantine: an SQLite database in the host's data directory that remembers, per
// (module hash, CPU fingerprint), the configuration that works after an incident, so that the
// next process start goes straight to it. A changed module or CPU fingerprint (new microcode,
// new kernel, another machine) has no record and gets a fresh judgement.
//
// Safe for several processes at once (WAL journal, busy timeout); the schema has a version; a
// corrupt or unreadable database is moved aside ("quarantine.db.corrupt-<time>") with a
// warning and rebuilt, never a crash. A database of a newer schema version (a newer Ironclad
// on the same machine) is left untouched, and so is a file that cannot be used at all: this
// process then keeps its records in memory (persistent() is false), with a warning.
// docs/quarantine.md describes the schema and these rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::host {

struct QuarantineKey {
  std::string module_hash;      // hex (module_hash() in crash_report.h)
  std::string cpu_fingerprint;  // cpu_key_of(): cpu::Fingerprint::hash_hex() [+ emulation]
};

// The quarantine's CPU part. A record made while emulating a CPU describes that CPU, not the
// host, so emulation gets keys of its own: "<fingerprint>/emulate=<profile>".
inline std::string cpu_key_of(const std::string& host_fingerprint, const std::string& emulate_cpu) {
  return emulate_cpu.empty() ? host_fingerprint : host_fingerprint + "/emulate=" + emulate_cpu;
}

struct QuarantineRecord {
  QuarantineKey key;
  std::string extension_id;  // for people; the key is what matters
  // The rung that works: "planned", "conservative", "baseline", "interpreter" (to_string(Rung)).
  std::string rung;
  // Features that faulted and must not be compiled for (LLVM names, comma-separated).
  std::string excluded_features;
  bool disabled = false;  // too many EngineFaults; cleared by enable
  std::string reason;     // the last incident, one line
  uint64_t incidents = 0;
  int64_t first_seen = 0;  // unix seconds
  int64_t last_seen = 0;
};

// The limits one extension version ran into, kept across runs (the quarantine database's
// `limits` table): per (module hash, extension id, kind), how often and the last time.
// A limit is not a fault: it changes nothing about how the extension starts.
inline constexpr const char* kTimeoutLimit = "timeout";  // calls stopped at the deadline
inline constexpr const char* kMemoryLimit = "memory";    // growths refused at the cap
struct LimitRecord {
  std::string module_hash;
  std::string extension_id;  // the extension's id; a module's file name for `ironclad run`
  std::string kind;          // kTimeoutLimit or kMemoryLimit
  std::string extension_version;
  uint64_t count = 0;      // timeouts, or growths refused
  int64_t first_seen = 0;  // unix seconds
  int64_t last_seen = 0;
  std::string last_export;      // the call of the last one
  uint64_t last_limit = 0;      // its deadline in milliseconds, or the cap in bytes
  uint64_t last_requested = 0;  // memory: the bytes the instance would have held
  std::string last_message;     // one line
};

class Quarantine {
 public:
  // Opens (creating the directory and the database if needed) data_dir/quarantine.db. A
  // corrupt file is set aside and rebuilt; what happened is appended to `warnings`. Fails
  // only when not even an in-memory database can be had.
  static Result<std::unique_ptr<Quarantine>> open(const std::filesystem::path& data_dir,
                                                  std::vector<std::string>* warnings = nullptr);
  virtual ~Quarantine() = default;

  virtual Result<std::optional<QuarantineRecord>> lookup(const QuarantineKey& key) = 0;
  // Inserts or updates the record: rung, excluded features, disabled, reason as given;
  // incidents incremented by one; first_seen kept, last_seen = now.
  virtual Result<void> record_incident(const QuarantineRecord& record) = 0;
  // Clears `disabled` (keeps the rung: the extension restarts in its safe configuration).
  virtual Result<void> enable(const QuarantineKey& key) = 0;
  // Forgets the record (the next start plans from scratch).
  virtual Result<void> forget(const QuarantineKey& key) = 0;
  virtual Result<std::vector<QuarantineRecord>> all() = 0;
  // Adds `hit.count` to the (module hash, extension id, kind) row (created when missing,
  // first_seen = last_seen) and replaces its version and last_* fields with hit's; last_seen
  // 0 means now. One statement, so concurrent processes lose no count.
  virtual Result<void> record_limit(const LimitRecord& hit) = 0;
  // Every limit row, by extension id, version, module hash, kind.
  virtual Result<std::vector<LimitRecord>> limits() = 0;
  virtual const std::filesystem::path& path() const = 0;
  // False when the records live in memory only (the file could not be used; see above).
  virtual bool persistent() const = 0;
};

}  // namespace ironclad::host
