// Limit reports: what a call stopped at its deadline, or a memory growth refused at the cap,
// looks like in the crash report store (docs/crash-reports.md, "Limit reports"). Not faults:
// there is no signal, no register and nothing demoted, but the developer of an extension
// that loops or grows forever wants the same record a crash gets, sent to the same place.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "host/crash_report.h"
#include "host/quarantine.h"
#include "ironclad/error.h"

namespace ironclad::host {

// At most one limit report per extension version and kind in this time, across processes
// sharing a data directory (HostConfig::limit_report_interval). An extension that times out
// on every call says nothing new in its second report: the first has where it was stopped,
// the quarantine's limits table and the extension's status keep the counts. One an hour
// still shows a long-running editor session that the behaviour goes on, and bounds a
// runaway extension to 24 reports a day per kind, far below the store's retention limit.
inline constexpr std::chrono::seconds kDefaultLimitReportInterval{3600};

// Who ran into the limit and on what: the fields a limit report shares with a crash report.
struct LimitReportSubject {
  std::string extension_id;  // "" for a module run by `ironclad run`
  std::string extension_version;
  std::string module_path, module_hash;
  std::string tier;  // RungPlan::describe(), e.g. "jit {sse2,avx2}" or "interp"
  std::string compiled_for, host_verified, emulated_cpu;
};

// kind "Timeout": the deadline in seconds, and where the code was stopped (the error's
// backtrace, innermost first).
CrashReport timeout_report(const LimitReportSubject& subject, std::string_view export_name,
                           const Error& timeout, std::chrono::nanoseconds deadline);

// kind "MemoryLimit": the cap, the growth refused and the size it would have made.
CrashReport memory_limit_report(const LimitReportSubject& subject, std::string_view export_name,
                                uint64_t cap_bytes, uint64_t growth_bytes, uint64_t requested_bytes,
                                uint64_t refusals_in_call);

// The group of a limit report: one per module (extension version) and kind, wherever in the
// code it happened, so the rate limit and `crashes list` see one runaway extension as one.
std::string limit_report_fingerprint(const std::string& kind, const std::string& module_hash);

}  // namespace ironclad::host
