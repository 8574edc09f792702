#include "host/sqlite_db.h"

namespace ironclad::host::sqlite {

bool is_damage(int code) {
  switch (code & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return true;
    default:
      return false;
  }
}

// --- Statement ---

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), label_(std::move(other.label_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    label_ = std::move(other.label_);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

std::optional<SqliteError> Statement::step(bool* has_row) {
  int rc = sqlite3_step(stmt_);
  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) return std::nullopt;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return std::nullopt;
  }
  sqlite3* db = sqlite3_db_handle(stmt_);
  // sqlite3_errmsg describes the failed step; read it before the reset.
  std::string message = label_ + ": " + sqlite3_errmsg(db);
  sqlite3_reset(stmt_);
  return SqliteError{rc, Error::make(ErrorKind::Io, std::move(message))};
}

std::optional<SqliteError> Statement::run() {
  bool has_row = false;
  auto failure = step(&has_row);
  reset();
  return failure;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

// --- Database ---

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), label_(std::move(other.label_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    label_ = std::move(other.label_);
  }
  return *this;
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

SqlResult<Database> Database::open(const std::string& file, std::string label) {
  Database db;
  db.label_ = std::move(label);
  // FULLMUTEX: the stores also lock around their statements, but a connection may be
  // touched from several threads of the embedding application.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  int rc = sqlite3_open_v2(file.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    SqliteError failure = db.error(rc, "cannot open");
    return failure;
  }
  sqlite3_extended_result_codes(db.db_, 1);
  // The file is data anyone who can write the data directory may have planted: no trigger
  // or view of theirs runs (a BEFORE DELETE trigger kept planted rows alive), no function
  // with side effects runs from the schema, and the schema cannot be edited through SQL.
  sqlite3_db_config(db.db_, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db.db_, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_db_config(db.db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  return db;
}

std::optional<SqliteError> Database::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return std::nullopt;
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return SqliteError{rc, Error::make(ErrorKind::Io, label_ + ": " + text)};
}

SqlResult<Statement> Database::prepare(const char* sql, std::string what) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error(rc, "cannot prepare " + what);
  }
  return Statement(stmt, label_ + ": " + what);
}

SqlResult<std::string> Database::pragma_text(const char* pragma) {
  std::string sql = std::string("PRAGMA ") + pragma;
  auto stmt = prepare(sql.c_str(), "PRAGMA " + std::string(pragma));
  if (!stmt.ok()) return stmt.failure();
  bool has_row = false;
  if (auto failure = stmt.value().step(&has_row)) return *failure;
  std::string value = has_row ? stmt.value().text(0) : std::string();
  stmt.value().reset();
  return value;
}

SqliteError Database::error(int code, std::string_view what) const {
  std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  return SqliteError{code,
                     Error::make(ErrorKind::Io, label_ + ": " + std::string(what) + ": " + detail)};
}

}  // namespace ironclad::host::sqlite
