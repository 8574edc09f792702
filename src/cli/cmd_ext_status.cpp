// `ironclad ext status` and `ironclad ext enable ID`: what the quarantine of a data directory
// remembers about extensions (and modules run with `ironclad run`), and re-enabling one that
// was disabled. The quarantine outlives processes; which extensions a running application has
// loaded is that application's to say (ExtensionHost::status), not this command's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/exit_status.h"
#include "cli/ext_commands.h"
#include "cli/ext_describe.h"
#include "cli/ext_options.h"
#include "cli/terminal_text.h"
#include "host/crash_report.h"
#include "host/quarantine.h"
#include "host/recovery_store.h"

namespace ironclad::cli {
namespace {

// Incidents listed per record by `ext status` (all of them stay in the crash reports).
constexpr size_t kHistoryShown = 10;

std::string local_time(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return std::to_string(unix_seconds);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The quarantine of the data directory, or nullptr when it has none yet (status does not
// create one just to say that it is empty).
Result<std::unique_ptr<host::Quarantine>> open_existing(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(data_dir / "quarantine.db", ec))
    return std::unique_ptr<host::Quarantine>();
  std::vector<std::string> warnings;
  auto q = host::Quarantine::open(data_dir, &warnings);
  for (const std::string& w : warnings)
    std::fprintf(stderr, "ironclad: warning: %s\n", printable(w).c_str());
  return q;
}

// "jit {a,b,c}" -> ("jit", {a,b,c}).
std::pair<std::string, std::vector<std::string>> split_tier(const std::string& tier) {
  size_t brace = tier.find(" {");
  if (brace == std::string::npos || tier.back() != '}') return {tier, {}};
  std::vector<std::string> features;
  std::string list = tier.substr(brace + 2, tier.size() - brace - 3);
  for (size_t pos = 0; pos <= list.size();) {
    size_t comma = std::min(list.find(',', pos), list.size());
    if (comma > pos) features.push_back(list.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return {tier.substr(0, brace), features};
}

// What an incident changed, short: "jit -> jit without avx512f,avx512dq", "jit -> interp".
std::string tier_change(const std::string& before, const std::string& after) {
  auto [from, had] = split_tier(before);
  auto [to, has] = split_tier(after);
  std::string dropped;
  if (from == to) {
    for (const std::string& f : had)
      if (std::find(has.begin(), has.end(), f) == has.end())
        dropped += (dropped.empty() ? "" : ",") + f;
  }
  return from + " -> " + to + (dropped.empty() ? "" : " without " + dropped);
}

// The message's first clause: what happened, without the feature sets that follow.
std::string headline(const std::string& message) {
  constexpr size_t kMax = 120;
  std::string out = message.substr(0, message.find(": signal "));
  if (out.size() > kMax) out = out.substr(0, kMax - 3) + "...";
  return out;
}

// The newest incidents of a record, from the crash reports (which may be missing: the
// quarantine keeps counting when a report could not be written or was deleted). Details:
// `ironclad crashes show ID`.
void print_history(const std::vector<Incident>& history, uint64_t incidents) {
  if (history.empty()) return;
  std::printf("  history          %zu crash report(s)%s\n", history.size(),
              history.size() < incidents ? ", the newest" : "");
  for (const Incident& i : history) {
    auto when = std::chrono::duration_cast<std::chrono::seconds>(i.when.time_since_epoch());
    std::printf("    %s  %s%s%s, %s (report %s)\n", local_time(when.count()).c_str(),
                to_string(i.kind), i.export_name.empty() ? "" : " in ",
                printable(i.export_name).c_str(),
                printable(tier_change(i.tier_before, i.tier_after)).c_str(),
                printable(i.report.stem().string()).c_str());
    std::printf("      %s\n", printable(headline(i.message)).c_str());
  }
}

// Every field comes from quarantine.db in the data directory: printed as printable() text.
void print_record(const host::QuarantineRecord& r) {
  std::printf("%s\n", r.extension_id.empty() ? "(unnamed)" : printable(r.extension_id).c_str());
  std::printf("  module hash      %s\n", printable(r.key.module_hash).c_str());
  std::printf("  CPU fingerprint  %s\n", printable(r.key.cpu_fingerprint).c_str());
  std::printf("  rung             %s\n", printable(r.rung).c_str());
  std::printf("  excluded         %s\n",
              r.excluded_features.empty() ? "-" : printable(r.excluded_features).c_str());
  std::printf("  disabled         %s\n", r.disabled ? "yes" : "no");
  std::printf("  incidents        %llu\n", static_cast<unsigned long long>(r.incidents));
  std::printf("  first seen       %s\n", local_time(r.first_seen).c_str());
  std::printf("  last seen        %s\n", local_time(r.last_seen).c_str());
  if (!r.reason.empty()) std::printf("  last incident    %s\n", printable(r.reason).c_str());
}

// The limits table, one block per extension version: how often it hit each limit, across
// runs, and the last time. Limit reports: `ironclad crashes list`.
void print_limits(const std::vector<host::LimitRecord>& limits) {
  if (limits.empty()) return;
  std::printf("limits hit (counted across runs; not faults: nothing is demoted for them)\n");
  const host::LimitRecord* previous = nullptr;
  for (const host::LimitRecord& r : limits) {  // by extension, version, module hash, kind
    if (!previous || previous->extension_id != r.extension_id ||
        previous->module_hash != r.module_hash) {
      std::printf("%s%s%s\n",
                  r.extension_id.empty() ? "(unnamed)" : printable(r.extension_id).c_str(),
                  r.extension_version.empty() ? "" : " ", printable(r.extension_version).c_str());
      std::printf("  module hash      %s\n", printable(r.module_hash).c_str());
    }
    previous = &r;
    std::printf("  %-16s %llu (%s)\n",
                r.kind == host::kTimeoutLimit  ? "timeouts"
                : r.kind == host::kMemoryLimit ? "memory refusals"
                                               : printable(r.kind).c_str(),
                static_cast<unsigned long long>(r.count), describe_last_limit(r).c_str());
  }
}

Result<int> status(const HostOptions& o) {
  std::filesystem::path dir = data_dir_of(o);
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<host::Quarantine> q, open_existing(dir));
  std::vector<host::QuarantineRecord> records;
  std::vector<host::LimitRecord> limits;
  if (q) {
    IRONCLAD_TRY_ASSIGN(records, q->all());
    IRONCLAD_TRY_ASSIGN(limits, q->limits());
  }
  std::printf("data directory %s\n", dir.c_str());
  if (records.empty()) {
    std::printf("no incident recorded: every extension starts in its planned configuration\n");
    print_limits(limits);
    return exit_status::kOk;
  }
  std::printf("%zu quarantine record(s): the next start of each goes straight to its rung\n",
              records.size());
  std::vector<host::CrashReport> reports;
  std::filesystem::path crash_dir;
  std::error_code ec;
  if (std::filesystem::exists(dir / "crashes", ec)) {
    std::vector<std::string> warnings;
    auto crashes = host::CrashStore::open(dir, &warnings);
    for (const std::string& w : warnings)
      std::fprintf(stderr, "ironclad: warning: %s\n", printable(w).c_str());
    if (crashes.ok()) {
      crash_dir = (*crashes)->dir();
      auto all = (*crashes)->all();
      if (all.ok()) reports = std::move(*all);
    }
  }
  for (const host::QuarantineRecord& r : records) {
    print_record(r);
    print_history(host::history_of(reports, r.key, kHistoryShown, crash_dir), r.incidents);
  }
  print_limits(limits);
  return exit_status::kOk;
}

struct EnableOptions {
  HostOptions host;
  std::string id;
};

Result<int> enable(const EnableOptions& o) {
  std::filesystem::path dir = data_dir_of(o.host);
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<host::Quarantine> q, open_existing(dir));
  std::vector<host::QuarantineRecord> records;
  if (q) {
    IRONCLAD_TRY_ASSIGN(records, q->all());
  }
  size_t known = 0, enabled = 0;
  for (const host::QuarantineRecord& r : records) {
    if (r.extension_id != o.id) continue;
    ++known;
    if (!r.disabled) continue;
    IRONCLAD_TRY(q->enable(r.key));
    ++enabled;
    std::printf("extension '%s' enabled (module %s): it starts on rung %s\n",
                printable(o.id).c_str(), printable(r.key.module_hash).c_str(),
                printable(r.rung).c_str());
  }
  if (known == 0)
    return Error::make(ErrorKind::Usage, "the quarantine in " + dir.string() +
                                             " has no record of extension '" + o.id + "'");
  if (enabled == 0) std::printf("extension '%s' is not disabled\n", printable(o.id).c_str());
  return exit_status::kOk;
}

void finish(const char* what, Result<int> result, int& exit_status) {
  if (result.ok()) {
    exit_status = *result;
    return;
  }
  std::fflush(stdout);
  report_error(what, result.error());
  exit_status = status_for(result.error());
}

}  // namespace

void register_ext_status_command(CLI::App& ext, int& exit_status) {
  auto o = std::make_shared<HostOptions>();
  CLI::App* cmd = ext.add_subcommand(
      "status",
      "Show what the quarantine remembers: per extension and CPU, the rung it starts on, the "
      "features excluded, whether it is disabled, its incidents; per extension version, the "
      "timeouts and memory refusals it ran into");
  add_data_dir_option(cmd, *o);
  cmd->callback([o, &exit_status] { finish("ext status", status(*o), exit_status); });
}

void register_ext_enable_command(CLI::App& ext, int& exit_status) {
  auto o = std::make_shared<EnableOptions>();
  CLI::App* cmd = ext.add_subcommand(
      "enable", "Re-enable a disabled extension: it restarts in its remembered safe configuration");
  cmd->add_option("ID", o->id, "The extension's id (from its extension.toml)")->required();
  add_data_dir_option(cmd, o->host);
  cmd->footer("Exit status: 0 enabled (or not disabled); 2 no record of ID in the quarantine");
  cmd->callback([o, &exit_status] { finish("ext enable", enable(*o), exit_status); });
}

}  // namespace ironclad::cli
