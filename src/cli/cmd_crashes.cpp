// `ironclad crashes`: the crash reports in the host's data directory (docs/crash-reports.md).
//
//   ironclad crashes list [--data-dir D]                  one line per group (fingerprint)
//   ironclad crashes show [--data-dir D] ID|FINGERPRINT   a report as JSON
//   ironclad crashes export [--data-dir D] --sentry FILE  every report as Sentry envelopes
//
// The data directory is --data-dir, else $IRONCLAD_DATA_DIR, else the XDG data directory.
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/terminal_text.h"
#include "cli/exit_status.h"
#include "host/crash_report.h"
#include "host/utc_time.h"

namespace ironclad::cli {

namespace {

namespace fs = std::filesystem;
using host::CrashStore;

// Statuses of this command (docs/cli.md); the shared ones come from exit_status.h.
constexpr int kNotFound = 1;  // show: no such report; export: the output cannot be written

struct CrashesArgs {
  std::string data_dir;
  std::string query;   // show
  std::string sentry;  // export
  bool json = false;   // list
};

fs::path data_dir_of(const CrashesArgs& args) {
  return args.data_dir.empty() ? host::default_data_dir() : fs::path(args.data_dir);
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings)
    fmt::print(stderr, "ironclad: warning: {}\n", printable(w));
}

// A table cell of at most `width` characters: the full message is what `show` is for. Cuts
// at a UTF-8 character boundary.
std::string clip(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  size_t end = width - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

std::string utc_time(int64_t seconds) { return host::utc_time_text(seconds, "%Y-%m-%d %H:%M:%S"); }

// Opens the store, or says why not (status 66). Reading never creates a data directory
// that does not exist: `store` stays null and the caller reports that there is nothing.
int open_store(const CrashesArgs& args, std::unique_ptr<CrashStore>* store) {
  fs::path dir = data_dir_of(args);
  std::error_code ec;
  if (!fs::exists(dir / "crashes", ec)) return exit_status::kOk;
  std::vector<std::string> warnings;
  auto opened = CrashStore::open(dir, &warnings);
  print_warnings(warnings);
  if (!opened.ok()) {
    report_error(dir.string(), opened.error());
    return exit_status::kNoInput;
  }
  *store = std::move(opened).value();
  return exit_status::kOk;
}

// list --json: one array of groups, every field, for scripts.
void print_groups_json(const std::vector<host::CrashGroup>& groups) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const host::CrashGroup& g : groups)
    out.push_back({{"fingerprint", g.fingerprint},
                   {"count", g.count},
                   {"first_seen", g.first_seen},
                   {"last_seen", g.last_seen},
                   {"kind", g.kind},
                   // "limit": a timeout or a memory refusal at the cap (not a fault).
                   {"category", host::is_limit_report_kind(g.kind) ? "limit" : "fault"},
                   {"extension_id", g.extension_id},
                   {"summary", g.summary},
                   {"latest_report_id", g.latest_report_id}});
  // ensure_ascii: every non-ASCII character as \uXXXX, so no control character reaches a
  // terminal from the index's text.
  fmt::print("{}\n", out.dump(2, ' ', true, nlohmann::ordered_json::error_handler_t::replace));
}

int run_list(const CrashesArgs& args) {
  std::unique_ptr<CrashStore> store;
  if (int status = open_store(args, &store)) return status;
  fs::path dir = data_dir_of(args) / "crashes";
  std::vector<host::CrashGroup> none;
  if (!store) {
    if (args.json)
      print_groups_json(none);
    else
      fmt::print("no crash reports in {}\n", dir.string());
    return exit_status::kOk;
  }
  auto groups = store->groups();
  if (!groups.ok()) {
    report_error(dir.string(), groups.error());
    return exit_status::kNoInput;
  }
  if (args.json) {
    print_groups_json(*groups);
    return exit_status::kOk;
  }
  if (groups->empty()) {
    fmt::print("no crash reports in {}\n", dir.string());
    return exit_status::kOk;
  }
  fmt::print("{:<16}  {:>5}  {:<19}  {:<19}  {:<18}  {:<16}  {}\n", "FINGERPRINT", "COUNT",
             "FIRST SEEN (UTC)", "LAST SEEN (UTC)", "KIND", "EXTENSION", "SUMMARY");
  uint64_t reports = 0, limit_reports = 0;
  for (const host::CrashGroup& g : *groups) {
    reports += g.count;
    if (host::is_limit_report_kind(g.kind)) limit_reports += g.count;
    // The fields come from the index in the data directory: printable() text only.
    fmt::print("{:<16}  {:>5}  {:<19}  {:<19}  {:<18}  {:<16}  {}\n", printable(g.fingerprint),
               g.count, utc_time(g.first_seen), utc_time(g.last_seen), printable(g.kind),
               g.extension_id.empty() ? "-" : printable(g.extension_id),
               clip(printable(g.summary), 80));
  }
  // Kinds Timeout and MemoryLimit are limits doing their job, not faults: said once here.
  std::string limits_note =
      limit_reports == 0 ? ""
                         : fmt::format(
                               ", {} of them limit report{} (Timeout, MemoryLimit: a limit doing "
                               "its job, not a fault)",
                               limit_reports, limit_reports == 1 ? "" : "s");
  fmt::print(
      "\n{} report{} in {} group{} ({}){}; `ironclad crashes show FINGERPRINT` prints "
      "a group's newest report\n",
      reports, reports == 1 ? "" : "s", groups->size(), groups->size() == 1 ? "" : "s",
      dir.string(), limits_note);
  return exit_status::kOk;
}

int run_show(const CrashesArgs& args) {
  std::unique_ptr<CrashStore> store;
  if (int status = open_store(args, &store)) return status;
  if (!store) {
    fmt::print(stderr, "ironclad: crashes show: no crash reports in {}\n",
               (data_dir_of(args) / "crashes").string());
    return kNotFound;
  }
  auto report = store->find(args.query);
  if (!report.ok()) {
    fmt::print(stderr, "ironclad: crashes show: {}\n", printable(report.error().message));
    return report.error().kind == ErrorKind::Io ? exit_status::kNoInput : kNotFound;
  }
  fmt::print("{}", host::to_json(*report));
  return exit_status::kOk;
}

int run_export(const CrashesArgs& args) {
  std::unique_ptr<CrashStore> store;
  if (int status = open_store(args, &store)) return status;
  std::vector<host::CrashReport> reports;
  if (store) {
    auto all = store->all();
    if (!all.ok()) {
      report_error(store->dir().string(), all.error());
      return exit_status::kNoInput;
    }
    reports = std::move(all).value();
  }
  std::string envelopes = host::to_sentry_envelopes(reports);
  if (args.sentry == "-") {
    std::fwrite(envelopes.data(), 1, envelopes.size(), stdout);
    std::fflush(stdout);
  } else {
    std::ofstream out(args.sentry, std::ios::binary | std::ios::trunc);
    out << envelopes;
    out.close();
    if (!out) {
      fmt::print(stderr, "ironclad: crashes export: {}: cannot write\n", args.sentry);
      return kNotFound;
    }
  }
  fmt::print(stderr, "ironclad: {} crash report{} exported as Sentry envelopes to {}\n",
             reports.size(), reports.size() == 1 ? "" : "s",
             args.sentry == "-" ? "stdout" : args.sentry);
  return exit_status::kOk;
}

void add_data_dir_option(CLI::App* cmd, CrashesArgs& args) {
  cmd->add_option("--data-dir", args.data_dir,
                  "The host's data directory (default: $IRONCLAD_DATA_DIR, else "
                  "$XDG_DATA_HOME/ironclad, else ~/.local/share/ironclad)");
}

}  // namespace

void register_crashes_command(CLI::App& app, int& exit_status) {
  auto args = std::make_shared<CrashesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "crashes", "Crash reports of extension faults: list groups, show one, export to Sentry");
  cmd->require_subcommand(1);
  add_data_dir_option(cmd, *args);
  cmd->footer(
      "Exit status: 0 done, 1 no report matches (show) or the export file cannot be written,\n"
      "2 bad command line, 66 the data directory cannot be read.");

  CLI::App* list = cmd->add_subcommand(
      "list",
      "One line per group of reports with the same fingerprint: count, first and last "
      "seen, kind, extension, newest message");
  add_data_dir_option(list, *args);
  list->add_flag("--json", args->json, "Print the groups as one JSON array (times: unix seconds)");
  list->callback([args, &exit_status] { exit_status = run_list(*args); });

  CLI::App* show = cmd->add_subcommand(
      "show",
      "Print a report as JSON: by id, or the newest of a group by fingerprint (a unique "
      "prefix of either suffices)");
  add_data_dir_option(show, *args);
  show->add_option("report", args->query, "Report id or group fingerprint")->required();
  show->callback([args, &exit_status] { exit_status = run_show(*args); });

  CLI::App* exp = cmd->add_subcommand(
      "export", "Write every report as Sentry envelopes, for the crash service a fleet uses");
  add_data_dir_option(exp, *args);
  exp->add_option("--sentry", args->sentry, "Output file ('-' for stdout)")->required();
  exp->callback([args, &exit_status] { exit_status = run_export(*args); });
}

}  // namespace ironclad::cli
