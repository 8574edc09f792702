// Where incidents are remembered: the quarantine database and the crash reports of one data
// directory, shared by every module a host runs. Either may be missing (it could not be
// opened): the recovery ladder still works, it only forgets. Nothing here fails a call: a
// store error becomes a warning for the caller to pass on.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/crash_report.h"
#include "host/quarantine.h"
#include "ironclad/extension_host.h"

namespace ironclad::host {

// The incident a crash report (in `dir`) tells of.
Incident incident_of(const CrashReport& report, const std::filesystem::path& dir);
// The incidents of `reports` (oldest first) for the key's module hash and CPU fingerprint,
// the newest `limit` of them, oldest first.
std::vector<Incident> history_of(const std::vector<CrashReport>& reports, const QuarantineKey& key,
                                 size_t limit, const std::filesystem::path& dir);

class RecoveryStore {
 public:
  // Opens data_dir's quarantine; when `crash_reports`, its crash store, which keeps at most
  // `crash_report_limit` reports (0: no limit; CrashStore::open), is opened at its first use
  // (a report to write, a history to read): a start that meets no incident never opens its
  // index database (~3 ms of every start). What could not be opened is left out and said in
  // `warnings` (the crash store's in those of its first use).
  static std::shared_ptr<RecoveryStore> open(
      const std::filesystem::path& data_dir, bool crash_reports, std::vector<std::string>& warnings,
      uint64_t crash_report_limit = kDefaultCrashReportLimit);
  // Neither store: incidents are handled but not remembered.
  static std::shared_ptr<RecoveryStore> none();

  std::optional<QuarantineRecord> lookup(const QuarantineKey& key,
                                         std::vector<std::string>& warnings);
  void record_incident(const QuarantineRecord& record, std::vector<std::string>& warnings);
  void enable(const QuarantineKey& key, std::vector<std::string>& warnings);
  void forget(const QuarantineKey& key, std::vector<std::string>& warnings);
  // The incidents the crash reports remember for this module on this CPU (key's module hash
  // and CPU fingerprint), the newest `limit`, oldest first: the history a module starting in
  // its remembered configuration shows. Empty without a crash store.
  std::vector<Incident> history(const QuarantineKey& key, size_t limit,
                                std::vector<std::string>& warnings);
  // The report's path, or nullopt (no crash store, or writing failed: said in `warnings`).
  std::optional<std::filesystem::path> write_report(CrashReport& report,
                                                    std::vector<std::string>& warnings);

  // A limit report (a Timeout or MemoryLimit kind, its fingerprint set), unless its group,
  // i.e. the same extension version and kind, already has a report younger than `interval`
  // (written by this process or by another sharing the data directory; 0: no rate limit).
  // The path, or nullopt: no crash store, rate-limited, or writing failed (said in `warnings`).
  std::optional<std::filesystem::path> write_limit_report(CrashReport& report,
                                                          std::chrono::seconds interval,
                                                          std::vector<std::string>& warnings);
  // Counts a limit in the quarantine's limits table (Quarantine::record_limit).
  void record_limit(const LimitRecord& hit, std::vector<std::string>& warnings);

  bool has_quarantine() const { return quarantine_ != nullptr; }

 private:
  // The crash store, opened at the first call (mutex_ held); nullptr without crash reports
  // or when it cannot be opened (said in `warnings`, once).
  CrashStore* crashes(std::vector<std::string>& warnings);

  std::mutex mutex_;  // the stores are used from every extension's calling thread
  std::unique_ptr<Quarantine> quarantine_;
  std::filesystem::path data_dir_;
  bool crash_reports_ = false;
  uint64_t crash_report_limit_ = 0;
  bool crashes_opened_ = false;  // open was tried
  std::unique_ptr<CrashStore> crashes_;
  // Per limit report group: the newest report's time known to this process, so a runaway
  // extension's every timeout does not cost a query.
  std::map<std::string, int64_t> newest_limit_report_;
};

}  // namespace ironclad::host
