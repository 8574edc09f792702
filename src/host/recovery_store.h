// Where incidents are remembered: the quarantine database and the crash reports of one data
// directory, shared by every module a host runs. Either may be missing (it could not be
// opened): the recovery ladder still works, it only forgets. Nothing here fails a call: a
// store error becomes a warning for the caller to pass on.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/crash_report.h"
#include "host/quarantine.h"

namespace ironclad::host {

class RecoveryStore {
 public:
  // Opens data_dir's quarantine and (when `crash_reports`) its crash store. What could not
  // be opened is left out and said in `warnings`.
  static std::shared_ptr<RecoveryStore> open(const std::filesystem::path& data_dir,
                                             bool crash_reports,
                                             std::vector<std::string>& warnings);
  // Neither store: incidents are handled but not remembered.
  static std::shared_ptr<RecoveryStore> none();

  std::optional<QuarantineRecord> lookup(const QuarantineKey& key,
                                         std::vector<std::string>& warnings);
  void record_incident(const QuarantineRecord& record, std::vector<std::string>& warnings);
  void enable(const QuarantineKey& key, std::vector<std::string>& warnings);
  void forget(const QuarantineKey& key, std::vector<std::string>& warnings);
  // The report's path, or nullopt (no crash store, or writing failed: said in `warnings`).
  std::optional<std::filesystem::path> write_report(CrashReport& report,
                                                    std::vector<std::string>& warnings);

  bool has_quarantine() const { return quarantine_ != nullptr; }
  bool has_crash_store() const { return crashes_ != nullptr; }

 private:
  std::mutex mutex_;  // the stores are used from every extension's calling thread
  std::unique_ptr<Quarantine> quarantine_;
  std::unique_ptr<CrashStore> crashes_;
};

}  // namespace ironclad::host
