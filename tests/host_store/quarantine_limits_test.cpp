// The quarantine database's limits table: timeouts and memory refusals counted per extension
// version across runs, and a database of the first schema version (before the table existed)
// migrated in place with its records kept (docs/quarantine.md, "Limits" and "Schema version").
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "host/quarantine.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr const char* kHash = "0123456789abcdef0123456789abcdef";

LimitRecord timeout_hit(const std::string& export_name, int64_t when) {
  LimitRecord r;
  r.module_hash = kHash;
  r.extension_id = "spinner";
  r.extension_version = "1.2.0";
  r.kind = kTimeoutLimit;
  r.count = 1;
  r.last_seen = when;
  r.last_export = export_name;
  r.last_limit = 200;
  r.last_message = "deadline exceeded: the call ran past its 0.200 s timeout";
  return r;
}

std::unique_ptr<Quarantine> open_ok(const fs::path& dir, std::vector<std::string>* warnings) {
  auto q = Quarantine::open(dir, warnings);
  EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().message);
  return q.ok() ? std::move(q).value() : nullptr;
}

const LimitRecord* find(const std::vector<LimitRecord>& all, const std::string& kind) {
  for (const LimitRecord& r : all)
    if (r.kind == kind) return &r;
  return nullptr;
}

TEST(QuarantineLimits, CountsAddUpTheLastHitWinsAndBothSurviveReopening) {
  TempDir dir;
  {
    std::vector<std::string> warnings;
    auto q = open_ok(dir.path(), &warnings);
    ASSERT_TRUE(q);
    EXPECT_TRUE(warnings.empty());
    ASSERT_TRUE(q->record_limit(timeout_hit("spin", 1000)).ok());
    ASSERT_TRUE(q->record_limit(timeout_hit("format", 2000)).ok());
    LimitRecord memory;
    memory.module_hash = kHash;
    memory.extension_id = "spinner";
    memory.extension_version = "1.2.0";
    memory.kind = kMemoryLimit;
    memory.count = 3;  // three growths refused in one call
    memory.last_seen = 1500;
    memory.last_export = "grow";
    memory.last_limit = 131072;
    memory.last_requested = 262144;
    ASSERT_TRUE(q->record_limit(memory).ok());
    // Limits are no incident: the quarantine proper has no record to start from.
    auto records = q->all();
    ASSERT_TRUE(records.ok());
    EXPECT_TRUE(records->empty());
  }
  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  auto all = q->limits();
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  const LimitRecord* t = find(*all, kTimeoutLimit);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->count, 2u);
  EXPECT_EQ(t->first_seen, 1000);
  EXPECT_EQ(t->last_seen, 2000);
  EXPECT_EQ(t->last_export, "format");
  EXPECT_EQ(t->last_limit, 200u);
  EXPECT_EQ(t->extension_id, "spinner");
  EXPECT_EQ(t->extension_version, "1.2.0");
  EXPECT_EQ(t->module_hash, kHash);
  const LimitRecord* m = find(*all, kMemoryLimit);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->count, 3u);
  EXPECT_EQ(m->last_export, "grow");
  EXPECT_EQ(m->last_limit, 131072u);
  EXPECT_EQ(m->last_requested, 262144u);
}

// A quarantine.db as the previous build wrote it: schema version 1, no limits table.
void make_version_1_file(const fs::path& file) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  const char* sql = R"sql(
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
INSERT INTO quarantine VALUES ('0123456789abcdef0123456789abcdef', 'fedcba9876543210',
  'markdown-preview', 'conservative', 'avx512dq,avx512vl', 1, 'vpmullq', 4, 100, 200);
PRAGMA user_version = 1;
)sql";
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

int user_version(const fs::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return -1;
  sqlite3_stmt* stmt = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    version = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return version;
}

TEST(QuarantineLimits, AVersion1DatabaseIsMigratedWithItsRecordsKept) {
  TempDir dir;
  const fs::path file = dir.path() / "quarantine.db";
  make_version_1_file(file);
  ASSERT_EQ(user_version(file), 1);

  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  EXPECT_TRUE(warnings.empty()) << "a migration is no damage: " << warnings.front();
  EXPECT_TRUE(q->persistent());
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".corrupt-"), std::string::npos)
        << "the old file was set aside instead of migrated: " << entry.path();
  // The old record, as it was.
  auto found = q->lookup({kHash, "fedcba9876543210"});
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->extension_id, "markdown-preview");
  EXPECT_EQ((*found)->rung, "conservative");
  EXPECT_TRUE((*found)->disabled);
  EXPECT_EQ((*found)->incidents, 4u);
  // And the new table works in the same file.
  ASSERT_TRUE(q->record_limit(timeout_hit("spin", 300)).ok());
  q.reset();
  EXPECT_EQ(user_version(file), 2);
  auto again = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(again);
  auto limits = again->limits();
  ASSERT_TRUE(limits.ok());
  ASSERT_EQ(limits->size(), 1u);
  EXPECT_EQ((*limits)[0].last_export, "spin");
  EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace ironclad::host
