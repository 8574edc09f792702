#include "host/limit_reports.h"


namespace ironclad::host {
namespace {

CrashReport base_report(const LimitReportSubject& s, const char* kind,
                        std::string_view export_name) {
  CrashReport r;
  r.kind = kind;
  r.extension_id = s.extension_id;
  r.extension_version = s.extension_version;
  r.module_path = s.module_path;
  r.module_hash = s.module_hash;
  r.export_name = std::string(export_name);
  r.compiled_for = s.compiled_for;
  r.host_verified = s.host_verified;
  r.emulated_cpu = s.emulated_cpu;
  describe_this_machine(r);
  // The extension keeps running where it ran: a fresh instance on the same tier.
  r.tier_before = s.tier;
  r.tier_after = s.tier;
  r.fingerprint = limit_report_fingerprint(kind, s.module_hash);
  return r;
}

}  // namespace

std::string limit_report_fingerprint(const std::string& kind, const std::string& module_hash) {
  return stable_fingerprint(kind, "", module_hash, 0);
}

CrashReport timeout_report(const LimitReportSubject& subject, std::string_view export_name,
                           const Error& timeout, std::chrono::nanoseconds deadline) {
  CrashReport r = base_report(subject, kTimeoutReportKind, export_name);
  r.message = timeout.message.substr(0, timeout.message.find('\n'));
  r.backtrace = timeout.backtrace;
  LimitDetails limit;
  limit.timeout_seconds = std::chrono::duration<double>(deadline).count();
  r.limit = limit;
  return r;
}

CrashReport memory_limit_report(const LimitReportSubject& subject, std::string_view export_name,
                                uint64_t cap_bytes, uint64_t growth_bytes, uint64_t requested_bytes,
                                uint64_t refusals_in_call) {
  CrashReport r = base_report(subject, kMemoryLimitReportKind, export_name);
  r.message = "memory.grow or table.grow refused at the cap of " + std::to_string(cap_bytes) +
              " bytes: a growth by " + std::to_string(growth_bytes) + " bytes would have made " +
              std::to_string(requested_bytes) + " (" + std::to_string(refusals_in_call) +
              " refused in this call)";
  LimitDetails limit;
  limit.cap_bytes = cap_bytes;
  limit.growth_bytes = growth_bytes;
  limit.requested_bytes = requested_bytes;
  limit.refusals_in_call = refusals_in_call;
  r.limit = limit;
  return r;
}

}  // namespace ironclad::host
