// The quarantine on SQLite: one table keyed by (module hash, CPU fingerprint). Every write is
// one statement (an upsert for incidents), so concurrent processes never lose an increment;
// WAL and the busy timeout (sqlite_store.h) make them wait for each other instead of failing.
#include "host/quarantine.h"

#include <ctime>
#include <mutex>
#include <system_error>

#include "host/sqlite_store.h"

namespace ironclad::host {

namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::SqliteError;
using sqlite::Statement;

// Version 2 added the limits table (version 1 files are migrated: the table is created).
// A new column or table means a new version and a migration step here.
#define IRONCLAD_QUARANTINE_TABLE \
  R"sql(
CREATE TABLE IF NOT EXISTS quarantine (
  module_hash       TEXT    NOT NULL,
  cpu_fingerprint   TEXT    NOT NULL,
  extension_id      TEXT    NOT NULL DEFAULT '',
  rung              TEXT    NOT NULL,
  excluded_features TEXT    NOT NULL DEFAULT '',
  disabled          INTEGER NOT NULL DEFAULT 0,
  reason            TEXT    NOT NULL DEFAULT '',
  incidents         INTEGER NOT NULL DEFAULT 0,
  first_seen        INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL,
  PRIMARY KEY (module_hash, cpu_fingerprint)
) WITHOUT ROWID;
)sql"
// Limits are not the CPU's doing, so they are keyed by module (with the extension that ran
// it), not by CPU, and live apart from the quarantine rows: a limit must never look like a
// remembered configuration to the next start.
#define IRONCLAD_LIMITS_TABLE \
  R"sql(
CREATE TABLE IF NOT EXISTS limits (
  module_hash       TEXT    NOT NULL,
  extension_id      TEXT    NOT NULL,
  kind              TEXT    NOT NULL,
  extension_version TEXT    NOT NULL DEFAULT '',
  count             INTEGER NOT NULL DEFAULT 0,
  first_seen        INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL,
  last_export       TEXT    NOT NULL DEFAULT '',
  last_limit        INTEGER NOT NULL DEFAULT 0,
  last_requested    INTEGER NOT NULL DEFAULT 0,
  last_message      TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (module_hash, extension_id, kind)
) WITHOUT ROWID;
)sql"

constexpr sqlite::SchemaMigration kMigrations[] = {{1, IRONCLAD_LIMITS_TABLE}};
constexpr sqlite::StoreSchema kSchema{"quarantine", 2,
                                      IRONCLAD_QUARANTINE_TABLE IRONCLAD_LIMITS_TABLE, kMigrations};

constexpr const char* kColumns =
    "module_hash, cpu_fingerprint, extension_id, rung, excluded_features, disabled, reason, "
    "incidents, first_seen, last_seen";

constexpr const char* kLimitColumns =
    "module_hash, extension_id, kind, extension_version, count, first_seen, last_seen, "
    "last_export, last_limit, last_requested, last_message";

struct Statements {
  Statement lookup, record, enable, forget, all, record_limit, limits;
};

std::optional<SqliteError> prepare_all(Database& db, Statements& s) {
  const std::string select = std::string("SELECT ") + kColumns + " FROM quarantine";
  struct Entry {
    Statement* target;
    std::string sql;
    const char* what;
  };
  const Entry entries[] = {
      {&s.lookup, select + " WHERE module_hash = ?1 AND cpu_fingerprint = ?2", "lookup"},
      {&s.record,
       std::string("INSERT INTO quarantine (") + kColumns +
           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)"
           " ON CONFLICT (module_hash, cpu_fingerprint) DO UPDATE SET"
           " extension_id = excluded.extension_id, rung = excluded.rung,"
           " excluded_features = excluded.excluded_features, disabled = excluded.disabled,"
           " reason = excluded.reason, incidents = quarantine.incidents + 1,"
           " last_seen = excluded.last_seen",
       "record_incident"},
      {&s.enable,
       "UPDATE quarantine SET disabled = 0 WHERE module_hash = ?1 AND cpu_fingerprint = ?2",
       "enable"},
      {&s.forget, "DELETE FROM quarantine WHERE module_hash = ?1 AND cpu_fingerprint = ?2",
       "forget"},
      {&s.all, select + " ORDER BY last_seen DESC, module_hash, cpu_fingerprint", "all"},
      {&s.record_limit,
       std::string("INSERT INTO limits (") + kLimitColumns +
           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10)"
           " ON CONFLICT (module_hash, extension_id, kind) DO UPDATE SET"
           " extension_version = excluded.extension_version,"
           " count = limits.count + excluded.count, last_seen = excluded.last_seen,"
           " last_export = excluded.last_export, last_limit = excluded.last_limit,"
           " last_requested = excluded.last_requested, last_message = excluded.last_message",
       "record_limit"},
      {&s.limits,
       std::string("SELECT ") + kLimitColumns +
           " FROM limits ORDER BY extension_id, extension_version, module_hash, kind",
       "limits"},
  };
  for (const Entry& e : entries) {
    auto stmt = db.prepare(e.sql.c_str(), std::string("quarantine ") + e.what);
    if (!stmt.ok()) return std::move(stmt.failure());
    *e.target = std::move(stmt.value());
  }
  return std::nullopt;
}

QuarantineRecord read_record(const Statement& row) {
  QuarantineRecord r;
  r.key.module_hash = row.text(0);
  r.key.cpu_fingerprint = row.text(1);
  r.extension_id = row.text(2);
  r.rung = row.text(3);
  r.excluded_features = row.text(4);
  r.disabled = row.int64(5) != 0;
  r.reason = row.text(6);
  r.incidents = static_cast<uint64_t>(row.int64(7));
  r.first_seen = row.int64(8);
  r.last_seen = row.int64(9);
  return r;
}

LimitRecord read_limit(const Statement& row) {
  LimitRecord r;
  r.module_hash = row.text(0);
  r.extension_id = row.text(1);
  r.kind = row.text(2);
  r.extension_version = row.text(3);
  r.count = static_cast<uint64_t>(row.int64(4));
  r.first_seen = row.int64(5);
  r.last_seen = row.int64(6);
  r.last_export = row.text(7);
  r.last_limit = static_cast<uint64_t>(row.int64(8));
  r.last_requested = static_cast<uint64_t>(row.int64(9));
  r.last_message = row.text(10);
  return r;
}

class SqliteQuarantine final : public Quarantine {
 public:
  SqliteQuarantine(fs::path path, Database db, std::unique_ptr<Statements> statements,
                   bool persistent)
      : path_(std::move(path)),
        db_(std::move(db)),
        statements_(std::move(statements)),
        persistent_(persistent) {}

  ~SqliteQuarantine() override {
    statements_.reset();  // finalized before the connection closes
  }

  Result<std::optional<QuarantineRecord>> lookup(const QuarantineKey& key) override {
    std::lock_guard lock(mutex_);
    Statement& s = statements_->lookup;
    s.bind(1, key.module_hash).bind(2, key.cpu_fingerprint);
    bool has_row = false;
    if (auto failure = s.step(&has_row)) {
      s.reset();
      return std::move(failure->error);
    }
    std::optional<QuarantineRecord> record;
    if (has_row) record = read_record(s);
    s.reset();
    return record;
  }

  Result<void> record_incident(const QuarantineRecord& record) override {
    std::lock_guard lock(mutex_);
    Statement& s = statements_->record;
    s.bind(1, record.key.module_hash)
        .bind(2, record.key.cpu_fingerprint)
        .bind(3, record.extension_id)
        .bind(4, record.rung)
        .bind(5, record.excluded_features)
        .bind(6, int64_t{record.disabled ? 1 : 0})
        .bind(7, record.reason)
        .bind(8, static_cast<int64_t>(std::time(nullptr)));
    if (auto failure = s.run()) return std::move(failure->error);
    return {};
  }

  Result<void> enable(const QuarantineKey& key) override {
    return run_keyed(statements_->enable, key);
  }

  Result<void> forget(const QuarantineKey& key) override {
    return run_keyed(statements_->forget, key);
  }

  Result<std::vector<QuarantineRecord>> all() override {
    std::lock_guard lock(mutex_);
    return statements_->all.collect([](const Statement& s) { return read_record(s); });
  }

  Result<void> record_limit(const LimitRecord& hit) override {
    std::lock_guard lock(mutex_);
    Statement& s = statements_->record_limit;
    const int64_t when =
        hit.last_seen != 0 ? hit.last_seen : static_cast<int64_t>(std::time(nullptr));
    s.bind(1, hit.module_hash)
        .bind(2, hit.extension_id)
        .bind(3, hit.kind)
        .bind(4, hit.extension_version)
        .bind(5, static_cast<int64_t>(hit.count))
        .bind(6, when)
        .bind(7, hit.last_export)
        .bind(8, static_cast<int64_t>(hit.last_limit))
        .bind(9, static_cast<int64_t>(hit.last_requested))
        .bind(10, hit.last_message);
    if (auto failure = s.run()) return std::move(failure->error);
    return {};
  }

  Result<std::vector<LimitRecord>> limits() override {
    std::lock_guard lock(mutex_);
    return statements_->limits.collect([](const Statement& s) { return read_limit(s); });
  }

  const fs::path& path() const override { return path_; }
  bool persistent() const override { return persistent_; }

 private:
  Result<void> run_keyed(Statement& s, const QuarantineKey& key) {
    std::lock_guard lock(mutex_);
    s.bind(1, key.module_hash).bind(2, key.cpu_fingerprint);
    if (auto failure = s.run()) return std::move(failure->error);
    return {};
  }

  std::mutex mutex_;  // one statement at a time on this connection
  fs::path path_;
  Database db_;
  std::unique_ptr<Statements> statements_;
  bool persistent_;
};

}  // namespace

Result<std::unique_ptr<Quarantine>> Quarantine::open(const fs::path& data_dir,
                                                     std::vector<std::string>* warnings) {
  fs::path path = data_dir / "quarantine.db";
  auto statements = std::make_unique<Statements>();
  sqlite::SchemaCheck check = [&](Database& db) { return prepare_all(db, *statements); };

  std::error_code ec;
  fs::create_directories(data_dir, ec);
  Result<sqlite::OpenedStore> opened = Error::make(ErrorKind::Internal, "not opened");
  if (ec) {
    if (warnings)
      warnings->push_back(data_dir.string() + ": cannot create the data directory: " +
                          ec.message() + "; this process keeps its quarantine in memory only");
    opened = sqlite::open_in_memory(kSchema, check);
  } else {
    opened = sqlite::open_store(path, kSchema, check, warnings);
  }
  if (!opened.ok()) return std::move(opened).error();
  return std::unique_ptr<Quarantine>(
      new SqliteQuarantine(path, std::move(opened->db), std::move(statements), opened->persistent));
}

}  // namespace ironclad::host
