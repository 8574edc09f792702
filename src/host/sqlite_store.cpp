#include "host/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <variant>

namespace ironclad::host::sqlite {

namespace {

namespace fs = std::filesystem;

// Which file a path named when we opened it: a rebuild by another process in between
// shows as a different inode, and then that fresh file must not be moved aside.
struct FileIdentity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileIdentity&) const = default;
};

FileIdentity identity_of(const fs::path& file) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return {};
  return FileIdentity{true, st.st_dev, st.st_ino};
}

struct Opened {
  Database db;
};
struct Damaged {
  std::string reason;
  FileIdentity identity;
};
struct Newer {
  int version;
};
struct Unusable {
  Error error;
  bool transient = false;  // busy or locked: worth another try
};
using Attempt = std::variant<Opened, Damaged, Newer, Unusable>;

bool transient(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// A failure while opening or checking: damage of the file, or something else.
Attempt classify(SqliteError failure, const FileIdentity& identity) {
  if (is_damage(failure.code)) return Damaged{failure.error.message, identity};
  return Unusable{std::move(failure.error), transient(failure.code)};
}

int to_int(const std::string& text) {
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return -1;
  }
}

// Creates the schema if the database has none, or migrates an older one (StoreSchema::
// migrations), inside one write transaction so that two processes creating or migrating it
// at once do it one after the other (the second finds the version already current).
std::optional<SqliteError> create_schema(Database& db, const StoreSchema& schema, int* version) {
  if (auto failure = db.exec("BEGIN IMMEDIATE")) return failure;
  auto current = db.pragma_text("user_version");
  if (!current.ok()) {
    (void)db.exec("ROLLBACK");
    return current.failure();
  }
  *version = to_int(current.value());
  const int found = *version;
  if (found == 0) {
    if (auto failure = db.exec(schema.create_sql)) {
      (void)db.exec("ROLLBACK");
      return failure;
    }
    *version = schema.version;
  } else if (found > 0 && found < schema.version) {
    // Every step from the file's version to ours, or none (the caller then rebuilds it).
    int reached = found;
    for (const SchemaMigration& step : schema.migrations) {
      if (step.from != reached) continue;
      if (auto failure = db.exec(step.sql)) {
        (void)db.exec("ROLLBACK");
        return failure;
      }
      ++reached;
    }
    if (reached != schema.version) {
      (void)db.exec("ROLLBACK");
      return std::nullopt;  // *version stays the file's: no migration path
    }
    *version = schema.version;
  }
  if (*version != found) {
    // user_version takes no bound parameter; the value is our own constant.
    std::string set_version = "PRAGMA user_version = " + std::to_string(schema.version);
    if (auto failure = db.exec(set_version.c_str())) {
      (void)db.exec("ROLLBACK");
      return failure;
    }
  }
  return db.exec("COMMIT");
}

// The schema's objects as "type name on table" lines, sorted.
SqlResult<std::vector<std::string>> schema_objects(Database& db) {
  auto stmt = db.prepare("SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name",
                         "list schema objects");
  if (!stmt.ok()) return stmt.failure();
  std::vector<std::string> objects;
  for (;;) {
    bool has_row = false;
    if (auto failure = stmt.value().step(&has_row)) return *failure;
    if (!has_row) break;
    objects.push_back(stmt.value().text(0) + " '" + stmt.value().text(1) + "' on '" +
                      stmt.value().text(2) + "'");
  }
  stmt.value().reset();
  return objects;
}

// Objects in the file that the schema does not define (a planted trigger, view, table or
// index), described; "" when there are none.
SqlResult<std::string> foreign_objects(Database& db, const StoreSchema& schema) {
  auto reference = Database::open(":memory:", std::string(schema.name) + " (reference)");
  if (!reference.ok()) return reference.failure();
  if (auto failure = reference.value().exec(schema.create_sql)) return *failure;
  auto expected = schema_objects(reference.value());
  if (!expected.ok()) return expected.failure();
  auto actual = schema_objects(db);
  if (!actual.ok()) return actual.failure();
  std::string foreign;
  for (const std::string& object : actual.value()) {
    if (std::find(expected.value().begin(), expected.value().end(), object) !=
        expected.value().end())
      continue;
    foreign += (foreign.empty() ? "" : ", ") + object;
  }
  return foreign;
}

Attempt attempt(const fs::path& file, const StoreSchema& schema, const SchemaCheck& check) {
  FileIdentity identity = identity_of(file);
  std::error_code ec;
  if (identity.exists && !fs::is_regular_file(fs::symlink_status(file, ec)))
    return Damaged{file.string() + ": not a regular file", identity};

  auto opened = Database::open(file.string(), file.string());
  if (!opened.ok()) return classify(std::move(opened.failure()), identity);
  Database db = std::move(opened.value());
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);

  auto integrity = db.pragma_text("quick_check");
  if (!integrity.ok()) return classify(std::move(integrity.failure()), identity);
  if (integrity.value() != "ok")
    return Damaged{file.string() + ": integrity check failed: " + integrity.value(), identity};

  auto version_text = db.pragma_text("user_version");
  if (!version_text.ok()) return classify(std::move(version_text.failure()), identity);
  int version = to_int(version_text.value());
  // Before anything writes (switching to WAL rewrites the header): a newer build's file
  // stays byte for byte as it was.
  if (version > schema.version) return Newer{version};

  auto journal = db.pragma_text("journal_mode=WAL");
  if (!journal.ok()) return classify(std::move(journal.failure()), identity);
  // NORMAL is durable enough in WAL mode (a power cut may lose the last commit, never
  // corrupt the file) and keeps an incident from costing an fsync per statement.
  if (auto failure = db.exec("PRAGMA synchronous=NORMAL"))
    return classify(std::move(*failure), identity);

  if (version < schema.version) {
    if (auto failure = create_schema(db, schema, &version))
      return classify(std::move(*failure), identity);
    if (version > schema.version) return Newer{version};
    // This build knows no migration from the file's version: the file is rebuilt.
    if (version != schema.version)
      return Damaged{file.string() + ": schema version " + std::to_string(version) +
                         " is older than this build's " + std::to_string(schema.version),
                     identity};
  }

  // Only what this build creates may be in the file: anything else is not ours and the
  // file is rebuilt without it.
  auto foreign = foreign_objects(db, schema);
  if (!foreign.ok()) return classify(std::move(foreign.failure()), identity);
  if (!foreign.value().empty())
    return Damaged{file.string() + ": holds schema objects this build does not define (" +
                       foreign.value() + ")",
                   identity};

  if (auto failure = check(db)) {
    if (transient(failure->code)) return Unusable{std::move(failure->error), true};
    return Damaged{file.string() + ": not the " + std::string(schema.name) +
                       " schema this build expects (" + failure->error.message + ")",
                   identity};
  }
  return Opened{std::move(db)};
}

std::string utc_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Renames the damaged file (and its -wal and -shm) aside. Returns the new name, "" when
// another process had already replaced the file (nothing to move), or an error.
Result<std::string> set_aside(const fs::path& file, const FileIdentity& identity) {
  if (!(identity_of(file) == identity)) return std::string();
  std::string base = file.string() + ".corrupt-" + utc_stamp();
  std::string target = base;
  std::error_code ec;
  for (int n = 2; fs::exists(fs::symlink_status(target, ec)); ++n)
    target = base + "-" + std::to_string(n);
  if (::rename(file.c_str(), target.c_str()) != 0)
    return Error::make(ErrorKind::Io, file.string() + ": cannot move the damaged file aside to " +
                                          target + ": " + std::strerror(errno));
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string side = file.string() + suffix;
    if (fs::exists(fs::symlink_status(side, ec))) {
      std::string side_target = target + suffix;
      if (::rename(side.c_str(), side_target.c_str()) != 0) fs::remove(side, ec);
    }
  }
  return target;
}

void warn(std::vector<std::string>* warnings, std::string text) {
  if (warnings) warnings->push_back(std::move(text));
}

}  // namespace

Result<OpenedStore> open_in_memory(const StoreSchema& schema, const SchemaCheck& check) {
  auto opened = Database::open(":memory:", std::string(schema.name) + " (in memory)");
  if (!opened.ok()) return std::move(opened.failure().error);
  Database db = std::move(opened.value());
  int version = 0;
  if (auto failure = create_schema(db, schema, &version)) return std::move(failure->error);
  if (auto failure = check(db)) return std::move(failure->error);
  return OpenedStore{std::move(db), false};
}

Result<OpenedStore> open_store(const fs::path& file, const StoreSchema& schema,
                               const SchemaCheck& check, std::vector<std::string>* warnings) {
  const std::string memory_note =
      "; this process keeps its " + std::string(schema.name) + " in memory only";
  // Changing the journal mode or creating the schema while another process opens the same
  // file can report "busy" without waiting (SQLite's busy handler does not cover every
  // lock it takes), so a busy open is tried again until the busy timeout has passed.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  // Rounds: the file as found, then (after moving a damaged one aside) a fresh one.
  for (int round = 0; round < 3; ++round) {
    Attempt result = attempt(file, schema, check);
    if (auto* busy = std::get_if<Unusable>(&result);
        busy && busy->transient && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      --round;
      continue;
    }
    if (auto* opened = std::get_if<Opened>(&result))
      return OpenedStore{std::move(opened->db), true};
    if (auto* newer = std::get_if<Newer>(&result)) {
      warn(warnings, file.string() + ": schema version " + std::to_string(newer->version) +
                         " is newer than this build's " + std::to_string(schema.version) +
                         "; left untouched for the newer Ironclad" + memory_note);
      break;
    }
    if (auto* unusable = std::get_if<Unusable>(&result)) {
      warn(warnings, unusable->error.message + memory_note);
      break;
    }
    auto& damaged = std::get<Damaged>(result);
    if (round == 2) {
      warn(warnings, damaged.reason + "; still unusable after rebuilding" + memory_note);
      break;
    }
    auto moved = set_aside(file, damaged.identity);
    if (!moved.ok()) {
      warn(warnings, damaged.reason + "; " + moved.error().message + memory_note);
      break;
    }
    if (!moved.value().empty())
      warn(warnings, damaged.reason + "; moved aside to " + moved.value() + " and rebuilt");
  }
  return open_in_memory(schema, check);
}

}  // namespace ironclad::host::sqlite
