// Opening one of the host's SQLite files (quarantine.db, crashes/index.db) so that it is
// always usable, whatever state it is in:
//   - WAL journal and a 5 s busy timeout, so several processes can share it;
//   - `PRAGMA quick_check` on open; a file that is not a database, is damaged, unreadable, or
//     not a regular file (a directory in its place) is renamed aside to
//     "<file>.corrupt-<UTC time>" (with its -wal and -shm) and rebuilt, with a warning;
//   - the schema version is `PRAGMA user_version`; a file written by a newer build (higher
//     version) is left untouched for that build and this process works on a private
//     in-memory database instead, with a warning (the same when the file cannot be used at
//     all, e.g. the directory is read-only or the database stays locked).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/sqlite_db.h"
#include "ironclad/error.h"

namespace ironclad::host::sqlite {

// One step of a schema's history: the statements that take a file of version `from` to
// version `from + 1` (e.g. an added table), run in the same transaction as the version bump.
struct SchemaMigration {
  int from;
  const char* sql;
};

struct StoreSchema {
  const char* name;        // for messages, e.g. "quarantine"
  int version;             // what user_version holds once the schema exists
  const char* create_sql;  // creates every table and index (run once, in a transaction)
  // How an older file is brought up to `version`, step by step. A file of a version with no
  // path to this one is rebuilt like a damaged one (a cache, such as the crash index, may
  // simply have no migrations). After migrating, the file must hold exactly the objects
  // `create_sql` creates.
  std::span<const SchemaMigration> migrations = {};
};

// Called on the opened database, e.g. to prepare the store's statements. A failure other
// than "busy" means the file's schema is not the one this build expects: it is set aside.
using SchemaCheck = std::function<std::optional<SqliteError>(Database&)>;

struct OpenedStore {
  Database db;
  bool persistent = true;  // false: an in-memory database (see above)
};

// The milliseconds a statement waits for another process's lock before giving up.
inline constexpr int kBusyTimeoutMs = 5000;

// A private in-memory database with the schema (persistent = false).
Result<OpenedStore> open_in_memory(const StoreSchema& schema, const SchemaCheck& check);

Result<OpenedStore> open_store(const std::filesystem::path& file, const StoreSchema& schema,
                               const SchemaCheck& check, std::vector<std::string>* warnings);

}  // namespace ironclad::host::sqlite
