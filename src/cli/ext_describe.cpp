#include "cli/ext_describe.h"
#include "cli/terminal_text.h"

#include <ctime>
#include <string>

namespace ironclad::cli {
namespace {

std::string local_time(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return std::to_string(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string describe(uint64_t count, const std::optional<LimitHit>& last, const std::string& limit) {
  std::string s = std::to_string(count);
  if (count == 0 || !last) return s;
  return s + " (last: " + printable(last->export_name) + " at " + local_time(last->when) + ", " +
         limit + ")";
}

}  // namespace

std::string describe_timeouts(const ExtensionStatus& status) {
  return describe(status.timeouts, status.last_timeout,
                  status.last_timeout
                      ? "deadline " + std::to_string(status.last_timeout->limit) + " ms"
                      : "");
}

std::string describe_memory_refusals(const ExtensionStatus& status) {
  const auto& last = status.last_memory_refusal;
  return describe(status.memory_refusals, last,
                  last ? "cap " + std::to_string(last->limit) + " bytes: " +
                             printable(last->message)
                       : "");
}

std::string describe_last_limit(const host::LimitRecord& r) {
  std::string limit = r.kind == host::kTimeoutLimit
                          ? "deadline " + std::to_string(r.last_limit) + " ms"
                          : "cap " + std::to_string(r.last_limit) + " bytes, " +
                                std::to_string(r.last_requested) + " bytes asked for";
  return "last: " + printable(r.last_export) + " at " +
         local_time(std::chrono::system_clock::time_point(std::chrono::seconds(r.last_seen))) +
         ", " + limit;
}

void print_extension(std::FILE* out, const ExtensionManifest& manifest,
                     const ExtensionStatus& status,
                     const std::vector<host::LimitRecord>& recorded) {
  // Everything from the manifest is the extension author's text.
  std::fprintf(out, "%s %s (%s)\n", printable(manifest.id).c_str(),
               printable(manifest.version).c_str(), printable(manifest.name).c_str());
  std::string exports;
  for (const ExtensionExportDecl& e : manifest.exports)
    exports += (exports.empty() ? "" : ", ") + printable(e.name) +
               (e.idempotent ? " (idempotent)" : "");
  std::fprintf(out, "  exports   %s\n", exports.c_str());
  std::fprintf(out, "  state     %s, rung %s\n", to_string(status.state), to_string(status.rung));
  if (!status.tier.empty()) {
    std::fprintf(out, "  tier      %s\n", status.tier.c_str());
    if (!status.features.empty()) std::fprintf(out, "  features  %s\n", status.features.c_str());
  }
  if (!status.reason.empty())
    std::fprintf(out, "  why       %s\n", printable(status.reason).c_str());
  if (status.timeouts > 0)
    std::fprintf(out, "  timeouts  %s\n", describe_timeouts(status).c_str());
  if (status.memory_refusals > 0)
    std::fprintf(out, "  memory    %s refused\n", describe_memory_refusals(status).c_str());
  for (const host::LimitRecord& r : recorded) {
    if (r.extension_id != manifest.id || r.module_hash != status.module_hash) continue;
    std::fprintf(out, "  %-8s  %llu %s (%s)\n",
                 r.kind == host::kTimeoutLimit ? "timeouts" : "memory",
                 static_cast<unsigned long long>(r.count),
                 r.kind == host::kTimeoutLimit ? "recorded" : "refused, recorded",
                 describe_last_limit(r).c_str());
  }
  std::fprintf(out, "  module    %s (hash %s)\n", printable(manifest.wasm.string()).c_str(),
               status.module_hash.c_str());
}

}  // namespace ironclad::cli
