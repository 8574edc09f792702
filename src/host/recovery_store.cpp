#include "host/recovery_store.h"

#include <ctime>

namespace ironclad::host {

std::shared_ptr<RecoveryStore> RecoveryStore::open(const std::filesystem::path& data_dir,
                                                   bool crash_reports,
                                                   std::vector<std::string>& warnings,
                                                   uint64_t crash_report_limit) {
  auto store = std::make_shared<RecoveryStore>();
  auto quarantine = Quarantine::open(data_dir, &warnings);
  if (quarantine.ok()) {
    store->quarantine_ = std::move(*quarantine);
  } else {
    warnings.push_back(
        "the quarantine cannot be opened, so incidents will not be remembered "
        "across restarts: " +
        quarantine.error().message);
  }
  store->data_dir_ = data_dir;
  store->crash_reports_ = crash_reports;
  store->crash_report_limit_ = crash_report_limit;
  return store;
}

CrashStore* RecoveryStore::crashes(std::vector<std::string>& warnings) {
  if (!crash_reports_ || crashes_opened_) return crashes_.get();
  crashes_opened_ = true;
  auto opened = CrashStore::open(data_dir_, &warnings, crash_report_limit_);
  if (opened.ok()) {
    crashes_ = std::move(*opened);
  } else {
    warnings.push_back("crash reports cannot be written: " + opened.error().message);
  }
  return crashes_.get();
}

std::shared_ptr<RecoveryStore> RecoveryStore::none() {
  return std::make_shared<RecoveryStore>();
}

std::optional<QuarantineRecord> RecoveryStore::lookup(const QuarantineKey& key,
                                                      std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  if (!quarantine_) return std::nullopt;
  auto found = quarantine_->lookup(key);
  if (!found.ok()) {
    warnings.push_back("quarantine lookup failed: " + found.error().message);
    return std::nullopt;
  }
  return *found;
}

void RecoveryStore::record_incident(const QuarantineRecord& record,
                                    std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  if (!quarantine_) return;
  if (auto done = quarantine_->record_incident(record); !done.ok())
    warnings.push_back("the incident could not be recorded in the quarantine: " +
                       done.error().message);
}

void RecoveryStore::enable(const QuarantineKey& key, std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  if (!quarantine_) return;
  if (auto done = quarantine_->enable(key); !done.ok())
    warnings.push_back("the quarantine could not be updated: " + done.error().message);
}

void RecoveryStore::forget(const QuarantineKey& key, std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  if (!quarantine_) return;
  if (auto done = quarantine_->forget(key); !done.ok())
    warnings.push_back("the quarantine record could not be removed: " + done.error().message);
}

std::optional<std::filesystem::path> RecoveryStore::write_limit_report(
    CrashReport& report, std::chrono::seconds interval, std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  CrashStore* crashes = this->crashes(warnings);
  if (!crashes) return std::nullopt;
  if (report.timestamp == 0) report.timestamp = static_cast<int64_t>(std::time(nullptr));
  const int64_t now = report.timestamp;
  // Recent: within the interval, and not in the future (a clock set back must not silence
  // the reports until it catches up).
  auto recent = [&](int64_t newest) {
    return newest != 0 && newest <= now && now - newest < interval.count();
  };
  if (interval.count() > 0) {
    auto known = newest_limit_report_.find(report.fingerprint);
    if (known != newest_limit_report_.end() && recent(known->second)) return std::nullopt;
    auto newest = crashes->newest_of_group(report.fingerprint);
    if (!newest.ok()) {
      warnings.push_back("the crash index could not be asked for recent limit reports: " +
                         newest.error().message);
    } else if (recent(*newest)) {
      newest_limit_report_[report.fingerprint] = *newest;
      return std::nullopt;
    }
  }
  auto written = crashes->write(report);
  if (!written.ok()) {
    warnings.push_back("the limit report could not be written: " + written.error().message);
    return std::nullopt;
  }
  newest_limit_report_[report.fingerprint] = now;
  return *written;
}

void RecoveryStore::record_limit(const LimitRecord& hit, std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  if (!quarantine_) return;
  if (auto done = quarantine_->record_limit(hit); !done.ok())
    warnings.push_back("the limit could not be counted in the quarantine: " + done.error().message);
}

Incident incident_of(const CrashReport& report, const std::filesystem::path& dir) {
  Incident i;
  i.when = std::chrono::system_clock::time_point(std::chrono::seconds(report.timestamp));
  i.kind =
      report.kind == "CpuIncompatibility" ? ErrorKind::CpuIncompatibility : ErrorKind::EngineFault;
  i.message = report.message;
  i.export_name = report.export_name;
  i.tier_before = report.tier_before;
  i.tier_after = report.tier_after;
  i.report = dir / (report.id + ".json");
  return i;
}

std::vector<Incident> history_of(const std::vector<CrashReport>& reports, const QuarantineKey& key,
                                 size_t limit, const std::filesystem::path& dir) {
  std::vector<Incident> out;
  for (const CrashReport& r : reports) {  // oldest first
    // A limit report tells of no incident: nothing was demoted.
    if (is_limit_report_kind(r.kind)) continue;
    if (r.module_hash != key.module_hash ||
        cpu_key_of(r.cpu_fingerprint, r.emulated_cpu) != key.cpu_fingerprint)
      continue;
    out.push_back(incident_of(r, dir));
  }
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<ptrdiff_t>(limit));
  return out;
}

std::vector<Incident> RecoveryStore::history(const QuarantineKey& key, size_t limit,
                                             std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  CrashStore* crashes = this->crashes(warnings);
  if (!crashes) return {};
  auto reports = crashes->of_module(key.module_hash);
  if (!reports.ok()) {
    warnings.push_back("the crash reports could not be read for the incident history: " +
                       reports.error().message);
    return {};
  }
  return history_of(*reports, key, limit, crashes->dir());
}

std::optional<std::filesystem::path> RecoveryStore::write_report(
    CrashReport& report, std::vector<std::string>& warnings) {
  std::lock_guard lock(mutex_);
  CrashStore* crashes = this->crashes(warnings);
  if (!crashes) return std::nullopt;
  auto written = crashes->write(report);
  if (!written.ok()) {
    warnings.push_back("the crash report could not be written: " + written.error().message);
    return std::nullopt;
  }
  return *written;
}

}  // namespace ironclad::host
