// The crash store: JSON files in data_dir/crashes/ are the truth; crashes/index.db is an
// SQLite index of them (id, fingerprint, time, kind, extension, message) for grouping and
// look-up. Opening reconciles the two: files the index lacks (written while it was
// unavailable, or after it was rebuilt) are added, rows whose file is gone are dropped, so a
// missing or damaged index is simply rebuilt from the files.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <system_error>

#include "host/bounded_file.h"
#include "host/crash_report.h"
#include "host/sqlite_store.h"
#include "host/utc_time.h"

namespace ironclad::host {

namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

// Version 2 added module_hash (a module's history without reading every report). An index
// of an older version is rebuilt from the files like a damaged one.
constexpr sqlite::StoreSchema kIndexSchema{"crash index", 2, R"sql(
CREATE TABLE IF NOT EXISTS reports (
  file         TEXT    NOT NULL PRIMARY KEY,
  id           TEXT    NOT NULL,
  fingerprint  TEXT    NOT NULL,
  timestamp    INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  extension_id TEXT    NOT NULL,
  message      TEXT    NOT NULL,
  module_hash  TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reports_by_id ON reports (id);
CREATE INDEX IF NOT EXISTS reports_by_fingerprint ON reports (fingerprint, timestamp);
CREATE INDEX IF NOT EXISTS reports_by_module ON reports (module_hash, timestamp);
)sql"};

// A report file larger than this is not one of ours.
constexpr uintmax_t kMaxReportBytes = 16u << 20;

struct Statements {
  Statement insert, remove, files, groups, by_id, id_prefix, fingerprint_prefix, newest_in_group,
      all, of_module, count, eviction_order, group_newest_time;
};

std::optional<SqliteError> prepare_all(Database& db, Statements& s) {
  struct Entry {
    Statement* target;
    const char* sql;
    const char* what;
  };
  const Entry entries[] = {
      {&s.insert,
       "INSERT OR REPLACE INTO reports (file, id, fingerprint, timestamp, kind, extension_id, "
       "message, module_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
       "insert"},
      {&s.remove, "DELETE FROM reports WHERE file = ?1", "remove"},
      {&s.files, "SELECT file FROM reports", "list files"},
      {&s.groups,
       "SELECT g.fingerprint, g.n, g.first, g.last, r.kind, r.extension_id, r.message, r.id"
       " FROM (SELECT fingerprint, COUNT(*) AS n, MIN(timestamp) AS first,"
       "       MAX(timestamp) AS last FROM reports GROUP BY fingerprint) AS g"
       " JOIN reports AS r ON r.file = (SELECT file FROM reports WHERE fingerprint = g.fingerprint"
       "       ORDER BY timestamp DESC, id DESC LIMIT 1)"
       " ORDER BY g.last DESC, g.fingerprint",
       "groups"},
      {&s.by_id, "SELECT file FROM reports WHERE id = ?1 ORDER BY file LIMIT 1", "find by id"},
      {&s.id_prefix,
       "SELECT DISTINCT id FROM reports WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT 2",
       "find by id prefix"},
      {&s.fingerprint_prefix,
       "SELECT DISTINCT fingerprint FROM reports WHERE substr(fingerprint, 1, length(?1)) = ?1"
       " ORDER BY fingerprint LIMIT 2",
       "find by fingerprint"},
      {&s.newest_in_group,
       "SELECT file FROM reports WHERE fingerprint = ?1 ORDER BY timestamp DESC, id DESC LIMIT 1",
       "newest report of a group"},
      {&s.all, "SELECT file FROM reports ORDER BY timestamp, id", "all"},
      {&s.of_module, "SELECT file FROM reports WHERE module_hash = ?1 ORDER BY timestamp, id",
       "reports of a module"},
      {&s.count, "SELECT COUNT(*) FROM reports", "count"},
      {&s.group_newest_time,
       "SELECT COALESCE(MAX(timestamp), 0) FROM reports WHERE fingerprint = ?1",
       "newest report time of a group"},
      // Oldest first, but the newest report of each group after every other report; never
      // ?2 (the file just written).
      {&s.eviction_order,
       "SELECT r.file FROM reports AS r WHERE r.file <> ?2"
       " ORDER BY r.file = (SELECT file FROM reports WHERE fingerprint = r.fingerprint"
       "                    ORDER BY timestamp DESC, id DESC LIMIT 1),"
       "          r.timestamp, r.id LIMIT ?1",
       "eviction order"},
  };
  for (const Entry& e : entries) {
    auto stmt = db.prepare(e.sql, std::string("crash index ") + e.what);
    if (!stmt.ok()) return std::move(stmt.failure());
    *e.target = std::move(stmt.value());
  }
  return std::nullopt;
}

// Runs a query and collects column 0 of every row.
Result<std::vector<std::string>> column_values(Statement& s) {
  return s.collect([](const Statement& row) { return row.text(0); });
}

// Report ids become file names: letters, digits, '.', '_', '-', not starting with '.'.
bool safe_id(const std::string& id) {
  if (id.empty() || id.size() > 200 || id[0] == '.') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  return true;
}

// The index and the directory are data anyone able to write the data directory may have
// planted: a file name read from either is used only when it is one this store could have
// written, a plain "<safe id>.json" inside crashes/ (never "../x", "/abs", "a/b").
bool is_report_file_name(const std::string& name) {
  constexpr std::string_view kSuffix = ".json";
  return name.size() > kSuffix.size() && name.ends_with(kSuffix) &&
         safe_id(name.substr(0, name.size() - kSuffix.size()));
}

// "<UTC second>-<microsecond of that second, 6 digits><6 random hex digits>": reports of one
// second sort by when they were written (timestamps are whole seconds, and the index breaks
// their ties by id: the eviction of the oldest report, the newest of a group), and two
// processes writing in the same microsecond still get different ids.
std::string new_report_id(int64_t timestamp) {
  std::string stamp = utc_time_text(timestamp, "%Y%m%dT%H%M%SZ");
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  // Written after its second (a slow writer): last of that second.
  const long micros = now.tv_sec == timestamp ? now.tv_nsec / 1000
                      : now.tv_sec > timestamp ? 999999
                                               : 0;
  std::random_device device;
  uint64_t bits = (static_cast<uint64_t>(device()) << 32) ^ device() ^
                  (static_cast<uint64_t>(::getpid()) << 16);
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "%06ld%06llx", micros,
                static_cast<unsigned long long>(bits & 0xffffffull));
  return stamp + "-" + suffix;
}

// The fingerprint a report is grouped by: its own, or computed from its fields when a
// writer left it empty.
std::string group_fingerprint(const CrashReport& r) {
  if (!r.fingerprint.empty()) return r.fingerprint;
  uint32_t function = r.fault ? r.fault->function_index
                              : (r.backtrace.empty() ? 0 : r.backtrace.front().function_index);
  return stable_fingerprint(r.kind, r.fault ? r.fault->isa_set : std::string(), r.module_hash,
                            function);
}

Result<CrashReport> read_report_file(const fs::path& file) {
  // A regular file of bounded size: a FIFO or a symlink to /dev/zero would hang the host.
  auto text = read_bounded_regular_file(file, kMaxReportBytes);
  if (!text.ok()) {
    const ErrorKind kind =
        text.error().kind == ErrorKind::Io ? ErrorKind::Io : ErrorKind::Malformed;
    return Error::make(kind, text.error().message);
  }
  auto report = crash_report_from_json(*text);
  if (!report.ok())
    return Error::make(report.error().kind, file.string() + ": " + report.error().message);
  return report;
}

Result<void> write_all(int fd, const std::string& text, const fs::path& file) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Error::make(ErrorKind::Io, file.string() + ": cannot write: " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

// Temp file, fsync, rename, fsync of the directory: a reader sees the whole report or none.
Result<void> write_atomically(const fs::path& dir, const std::string& name,
                              const std::string& text) {
  fs::path final_path = dir / name;
  fs::path temp = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return Error::make(ErrorKind::Io, temp.string() + ": cannot create: " + std::strerror(errno));
  Result<void> written = write_all(fd, text, temp);
  if (written.ok() && ::fsync(fd) != 0)
    written = Error::make(ErrorKind::Io, temp.string() + ": fsync: " + std::strerror(errno));
  ::close(fd);
  if (written.ok() && ::rename(temp.c_str(), final_path.c_str()) != 0)
    written = Error::make(
        ErrorKind::Io, final_path.string() + ": cannot rename into place: " + std::strerror(errno));
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

class SqliteCrashStore final : public CrashStore {
 public:
  SqliteCrashStore(fs::path dir, Database db, std::unique_ptr<Statements> statements,
                   uint64_t max_reports)
      : dir_(std::move(dir)),
        db_(std::move(db)),
        statements_(std::move(statements)),
        max_reports_(max_reports) {}
  ~SqliteCrashStore() override { statements_.reset(); }

  // Adds unindexed files and drops rows of vanished ones; malformed files are reported.
  Result<void> reconcile(std::vector<std::string>* warnings) {
    std::lock_guard lock(mutex_);
    IRONCLAD_TRY_ASSIGN(std::vector<std::string> indexed_list, column_values(statements_->files));
    std::set<std::string> indexed(indexed_list.begin(), indexed_list.end());
    std::set<std::string> present;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!is_report_file_name(name)) continue;
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec)) continue;
      present.insert(name);
    }
    if (ec) return Error::make(ErrorKind::Io, dir_.string() + ": cannot list: " + ec.message());
    if (auto failure = db_.exec("BEGIN IMMEDIATE")) return std::move(failure->error);
    for (const std::string& name : present) {
      if (indexed.count(name)) continue;
      auto report = read_report_file(dir_ / name);
      if (!report.ok()) {
        if (warnings) warnings->push_back(report.error().message + " (skipped)");
        continue;
      }
      if (auto failure = insert_row(name, *report)) {
        (void)db_.exec("ROLLBACK");
        return std::move(failure->error);
      }
    }
    for (const std::string& name : indexed) {
      if (present.count(name)) continue;
      statements_->remove.bind(1, name);
      if (auto failure = statements_->remove.run()) {
        (void)db_.exec("ROLLBACK");
        return std::move(failure->error);
      }
    }
    if (auto failure = db_.exec("COMMIT")) return std::move(failure->error);
    return {};
  }

  Result<fs::path> write(CrashReport& report) override {
    if (report.timestamp == 0) report.timestamp = static_cast<int64_t>(std::time(nullptr));
    if (report.id.empty()) report.id = new_report_id(report.timestamp);
    if (!safe_id(report.id))
      return Error::make(ErrorKind::Usage,
                         "crash report id '" + report.id +
                             "' is not usable as a file name (letters, digits, '.', '_', '-')");
    report.fingerprint = group_fingerprint(report);
    std::string name = report.id + ".json";
    IRONCLAD_TRY(write_atomically(dir_, name, to_json(report)));
    std::lock_guard lock(mutex_);
    // The file is durable now; an index failure only delays it until the next open's
    // reconciliation, so it is not an error of the write. Nor is a failure to make room:
    // the next write tries again.
    if (!insert_row(name, report)) (void)remove_over_limit(name);
    return dir_ / name;
  }

  Result<std::vector<CrashGroup>> groups() override {
    std::lock_guard lock(mutex_);
    return statements_->groups.collect([](const Statement& s) {
      CrashGroup g;
      g.fingerprint = s.text(0);
      g.count = static_cast<uint64_t>(s.int64(1));
      g.first_seen = s.int64(2);
      g.last_seen = s.int64(3);
      g.kind = s.text(4);
      g.extension_id = s.text(5);
      g.summary = s.text(6);
      g.latest_report_id = s.text(7);
      return g;
    });
  }

  Result<CrashReport> find(const std::string& query) override {
    if (query.empty()) return Error::make(ErrorKind::Usage, "no crash report id or fingerprint");
    std::string file;
    {
      std::lock_guard lock(mutex_);
      IRONCLAD_TRY_ASSIGN(file, lookup_file(query));
    }
    if (!is_report_file_name(file))
      return Error::make(ErrorKind::Malformed, dir_.string() + ": the index names '" + file +
                                                   "', which is not a crash report file");
    return read_report_file(dir_ / file);
  }

  Result<std::vector<CrashReport>> all() override {
    std::vector<std::string> files;
    {
      std::lock_guard lock(mutex_);
      IRONCLAD_TRY_ASSIGN(files, column_values(statements_->all));
    }
    return read_files(files);
  }

  Result<std::vector<CrashReport>> of_module(const std::string& module_hash) override {
    std::vector<std::string> files;
    {
      std::lock_guard lock(mutex_);
      statements_->of_module.bind(1, module_hash);
      IRONCLAD_TRY_ASSIGN(files, column_values(statements_->of_module));
    }
    return read_files(files);
  }

  Result<int64_t> newest_of_group(const std::string& fingerprint) override {
    std::lock_guard lock(mutex_);
    Statement& s = statements_->group_newest_time;
    s.bind(1, fingerprint);
    bool has_row = false;
    if (auto failure = s.step(&has_row)) {
      s.reset();
      return std::move(failure->error);
    }
    const int64_t newest = has_row ? s.int64(0) : 0;
    s.reset();
    return newest;
  }

  const fs::path& dir() const override { return dir_; }

 private:
  std::vector<CrashReport> read_files(const std::vector<std::string>& files) const {
    std::vector<CrashReport> reports;
    for (const std::string& name : files) {
      // A file deleted or damaged since it was indexed is left out, and so is a row whose
      // file name this store could not have written.
      if (!is_report_file_name(name)) continue;
      auto report = read_report_file(dir_ / name);
      if (report.ok()) reports.push_back(std::move(report).value());
    }
    return reports;
  }

  std::optional<SqliteError> insert_row(const std::string& name, const CrashReport& r) {
    statements_->insert.bind(1, name)
        .bind(2, r.id)
        .bind(3, group_fingerprint(r))
        .bind(4, r.timestamp)
        .bind(5, r.kind)
        .bind(6, r.extension_id)
        .bind(7, r.message)
        .bind(8, r.module_hash);
    return statements_->insert.run();
  }

  // Removes the reports over max_reports_ (eviction_order), files first: a row whose file
  // is gone is harmless (the next open drops it), a file without a row would come back.
  // Several processes may do this at once: a file another one removed first is no error.
  std::optional<SqliteError> remove_over_limit(const std::string& just_written) {
    if (max_reports_ == 0) return std::nullopt;
    if (auto failure = db_.exec("BEGIN IMMEDIATE")) return failure;
    auto finish = [&](std::optional<SqliteError> failure) {
      (void)db_.exec(failure ? "ROLLBACK" : "COMMIT");
      return failure;
    };
    // Rows this store could not have written (planted in the index) are dropped first, so
    // they neither take the place of real reports nor ever name a file to delete.
    auto names = column_values(statements_->files);
    if (!names.ok()) return finish(SqliteError{SQLITE_ERROR, std::move(names).error()});
    for (const std::string& name : *names) {
      if (is_report_file_name(name)) continue;
      statements_->remove.bind(1, name);
      if (auto failure = statements_->remove.run()) return finish(std::move(failure));
    }
    Statement& count_query = statements_->count;
    bool has_row = false;
    if (auto failure = count_query.step(&has_row)) {
      count_query.reset();
      return finish(std::move(failure));
    }
    const auto count = static_cast<uint64_t>(has_row ? count_query.int64(0) : 0);
    count_query.reset();
    if (count <= max_reports_) return finish(std::nullopt);
    statements_->eviction_order.bind(1, static_cast<int64_t>(count - max_reports_))
        .bind(2, just_written);
    auto victims = column_values(statements_->eviction_order);
    if (!victims.ok()) return finish(SqliteError{SQLITE_ERROR, std::move(victims).error()});
    for (const std::string& file : *victims) {
      // A row naming anything but a plain report file is dropped without touching a file.
      if (is_report_file_name(file) && ::unlink((dir_ / file).c_str()) != 0 && errno != ENOENT)
        continue;
      statements_->remove.bind(1, file);
      if (auto failure = statements_->remove.run()) return finish(std::move(failure));
    }
    return finish(std::nullopt);
  }

  // The file of a report id; else of the newest report of the group whose fingerprint
  // starts with `query`; else of the report whose id starts with it. Ambiguity is an error.
  Result<std::string> lookup_file(const std::string& query) {
    statements_->by_id.bind(1, query);
    IRONCLAD_TRY_ASSIGN(std::vector<std::string> exact, column_values(statements_->by_id));
    if (!exact.empty()) return exact.front();

    statements_->fingerprint_prefix.bind(1, query);
    IRONCLAD_TRY_ASSIGN(std::vector<std::string> groups,
                        column_values(statements_->fingerprint_prefix));
    statements_->id_prefix.bind(1, query);
    IRONCLAD_TRY_ASSIGN(std::vector<std::string> ids, column_values(statements_->id_prefix));
    if (groups.size() + ids.size() > 1)
      return Error::make(ErrorKind::Usage, "'" + query +
                                               "' is ambiguous: it starts more than one crash "
                                               "report id or fingerprint; give more of it");
    if (groups.size() == 1) {
      statements_->newest_in_group.bind(1, groups.front());
      IRONCLAD_TRY_ASSIGN(std::vector<std::string> newest,
                          column_values(statements_->newest_in_group));
      if (!newest.empty()) return newest.front();
    }
    if (ids.size() == 1) {
      statements_->by_id.bind(1, ids.front());
      IRONCLAD_TRY_ASSIGN(std::vector<std::string> file, column_values(statements_->by_id));
      if (!file.empty()) return file.front();
    }
    return Error::make(ErrorKind::Usage,
                       "no crash report or group '" + query + "' in " + dir_.string());
  }

  std::mutex mutex_;  // one statement at a time on this connection
  fs::path dir_;
  Database db_;
  std::unique_ptr<Statements> statements_;
  uint64_t max_reports_;
};

}  // namespace

Result<std::unique_ptr<CrashStore>> CrashStore::open(const fs::path& data_dir,
                                                     std::vector<std::string>* warnings,
                                                     uint64_t max_reports) {
  fs::path dir = data_dir / "crashes";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec))
    return Error::make(ErrorKind::Io, dir.string() +
                                          ": cannot create the crash report "
                                          "directory: " +
                                          (ec ? ec.message() : std::string("not a directory")));
  auto statements = std::make_unique<Statements>();
  sqlite::SchemaCheck check = [&](Database& db) { return prepare_all(db, *statements); };
  auto opened = sqlite::open_store(dir / "index.db", kIndexSchema, check, warnings);
  if (!opened.ok()) return std::move(opened).error();
  auto store = std::make_unique<SqliteCrashStore>(dir, std::move(opened->db), std::move(statements),
                                                  max_reports);
  // The index is a cache of the files: when it cannot be brought up to date (e.g. another
  // process holds it locked past the busy timeout), the store still writes and reads reports.
  auto reconciled = store->reconcile(warnings);
  if (!reconciled.ok() && warnings)
    warnings->push_back(reconciled.error().message + "; the crash index may be incomplete");
  return std::unique_ptr<CrashStore>(std::move(store));
}

}  // namespace ironclad::host
