// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement, with
// errors as values. Only bound parameters reach SQL text (no string splicing of data).
//
// Every error carries SQLite's primary result code (SqliteError::code), so that the stores
// can tell a damaged file (SQLITE_NOTADB, SQLITE_CORRUPT, ...) from a busy or full disk.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::host::sqlite {

// An SQLite failure: the primary result code and the Error to report.
struct SqliteError {
  int code = SQLITE_ERROR;
  Error error;
};

// A value or an SqliteError (Result<T> with the result code kept).
template <typename T>
class [[nodiscard]] SqlResult {
 public:
  SqlResult(T value) : data_(std::move(value)) {}
  SqlResult(SqliteError failure) : data_(std::move(failure)) {}
  bool ok() const { return data_.index() == 0; }
  T& value() { return std::get<0>(data_); }
  SqliteError& failure() { return std::get<1>(data_); }

 private:
  std::variant<T, SqliteError> data_;
};

// True for result codes meaning the file itself is unusable (not a database, damaged,
// unreadable), as opposed to a transient condition (busy, locked, disk full).
bool is_damage(int code);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, std::string label) : stmt_(stmt), label_(std::move(label)) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind by 1-based index. Text is copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  // Steps once: true when a row is available, false when done. Resets the statement
  // (keeping bindings) when it finishes or fails, so it can be reused.
  std::optional<SqliteError> step(bool* has_row);
  // Runs a statement that returns no rows, then clears its bindings.
  std::optional<SqliteError> run();
  // Resets and clears bindings, ready for the next use.
  void reset();

  std::string text(int column) const;
  int64_t int64(int column) const;

  // Steps through every row, keeping what `read(*this)` makes of each; the rows, or the first
  // step's error. The statement is reset either way.
  template <typename Read>
  auto collect(Read read) -> Result<std::vector<decltype(read(*this))>> {
    std::vector<decltype(read(*this))> rows;
    for (;;) {
      bool has_row = false;
      if (auto failure = step(&has_row)) {
        reset();
        return std::move(failure->error);
      }
      if (!has_row) break;
      rows.push_back(read(*this));
    }
    reset();
    return rows;
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string label_;  // what the statement is for, for error messages
};

class Database {
 public:
  Database() = default;
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Opens (creating when missing) the file read-write; ":memory:" opens a private
  // in-memory database. `label` names the database in error messages (usually the path).
  static SqlResult<Database> open(const std::string& file, std::string label);

  // Runs SQL text without parameters (schema, pragmas, transactions).
  std::optional<SqliteError> exec(const char* sql);
  SqlResult<Statement> prepare(const char* sql, std::string what);
  // A pragma's single value as text, e.g. pragma_text("journal_mode=WAL").
  SqlResult<std::string> pragma_text(const char* pragma);

  SqliteError error(int code, std::string_view what) const;
  const std::string& label() const { return label_; }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string label_;
};

}  // namespace ironclad::host::sqlite
