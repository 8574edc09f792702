// The quarantine database: what a restarted process finds, what invalidates a record, several
// processes at once, and damaged or foreign files (docs/quarantine.md).
#include "host/quarantine.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "signals/child_process.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

QuarantineRecord sample_record() {
  QuarantineRecord r;
  r.key = {"0123456789abcdef0123456789abcdef", "fedcba9876543210"};
  r.extension_id = "markdown-preview";
  r.rung = "conservative";
  r.excluded_features = "avx512dq,avx512vl";
  r.reason = "CpuIncompatibility: vpmullq needs avx512dq+avx512vl";
  return r;
}

std::unique_ptr<Quarantine> open_ok(const fs::path& dir, std::vector<std::string>* warnings) {
  auto q = Quarantine::open(dir, warnings);
  EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().message);
  return q.ok() ? std::move(q).value() : nullptr;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The files in `dir` whose name starts with quarantine.db.corrupt-.
std::vector<fs::path> set_aside_files(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("quarantine.db.corrupt-", 0) == 0)
      found.push_back(entry.path());
  return found;
}

// After a damaged file was replaced: the new database records and finds again.
void expect_usable(Quarantine& q) {
  EXPECT_TRUE(q.persistent());
  ASSERT_TRUE(q.record_incident(sample_record()).ok());
  auto found = q.lookup(sample_record().key);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->incidents, 1u);
}

TEST(Quarantine, RecordsLooksUpEnablesAndForgets) {
  TempDir dir;
  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(q->path(), dir.path() / "quarantine.db");
  EXPECT_TRUE(fs::exists(q->path()));

  QuarantineRecord r = sample_record();
  auto none = q->lookup(r.key);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(q->record_incident(r).ok());
  auto first = q->lookup(r.key);
  ASSERT_TRUE(first.ok() && first->has_value());
  const QuarantineRecord& got = **first;
  EXPECT_EQ(got.key.module_hash, r.key.module_hash);
  EXPECT_EQ(got.key.cpu_fingerprint, r.key.cpu_fingerprint);
  EXPECT_EQ(got.extension_id, r.extension_id);
  EXPECT_EQ(got.rung, "conservative");
  EXPECT_EQ(got.excluded_features, r.excluded_features);
  EXPECT_FALSE(got.disabled);
  EXPECT_EQ(got.reason, r.reason);
  EXPECT_EQ(got.incidents, 1u);
  EXPECT_GT(got.first_seen, 0);
  EXPECT_EQ(got.first_seen, got.last_seen);

  // A second incident: the new configuration replaces the old, the count goes up and the
  // first sighting stays.
  QuarantineRecord worse = r;
  worse.rung = "interpreter";
  worse.disabled = true;
  worse.reason = "EngineFault: SIGSEGV in jit code";
  ASSERT_TRUE(q->record_incident(worse).ok());
  auto second = q->lookup(r.key);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->rung, "interpreter");
  EXPECT_TRUE((*second)->disabled);
  EXPECT_EQ((*second)->reason, worse.reason);
  EXPECT_EQ((*second)->incidents, 2u);
  EXPECT_EQ((*second)->first_seen, got.first_seen);
  EXPECT_GE((*second)->last_seen, got.last_seen);

  // enable clears `disabled` and keeps the safe rung.
  ASSERT_TRUE(q->enable(r.key).ok());
  auto enabled = q->lookup(r.key);
  ASSERT_TRUE(enabled.ok() && enabled->has_value());
  EXPECT_FALSE((*enabled)->disabled);
  EXPECT_EQ((*enabled)->rung, "interpreter");

  QuarantineRecord other = r;
  other.key.module_hash = "ffffffffffffffffffffffffffffffff";
  ASSERT_TRUE(q->record_incident(other).ok());
  auto all = q->all();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);

  ASSERT_TRUE(q->forget(r.key).ok());
  auto forgotten = q->lookup(r.key);
  ASSERT_TRUE(forgotten.ok());
  EXPECT_FALSE(forgotten->has_value());
  auto rest = q->all();
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().key.module_hash, other.key.module_hash);
}

TEST(Quarantine, ARecordWrittenByAnotherProcessIsFoundAfterItExits) {
  TempDir dir;
  auto outcome = test::run_in_child([&]() -> std::string {
    auto q = Quarantine::open(dir.path());
    if (!q.ok()) return q.error().message;
    auto recorded = (*q)->record_incident(sample_record());
    return recorded.ok() ? "" : recorded.error().message;
  });
  ASSERT_TRUE(outcome.exited && outcome.exit_code == 0) << outcome.failure;

  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  EXPECT_TRUE(warnings.empty());
  auto found = q->lookup(sample_record().key);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->rung, "conservative");
  EXPECT_EQ((*found)->excluded_features, "avx512dq,avx512vl");
  EXPECT_EQ((*found)->incidents, 1u);
}

TEST(Quarantine, ARecordSurvivesAProcessKilledRightAfterWritingIt) {
  TempDir dir;
  // The process dies without closing the database (its WAL is not checkpointed): the
  // committed incident must still be there for the next start.
  auto outcome = test::run_in_child([&]() -> std::string {
    auto q = Quarantine::open(dir.path());
    if (!q.ok()) return q.error().message;
    if (!(*q)->record_incident(sample_record()).ok()) return "record_incident failed";
    ::raise(SIGKILL);
    return "still alive";
  });
  ASSERT_EQ(outcome.term_signal, SIGKILL) << outcome.failure;

  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  EXPECT_TRUE(warnings.empty());
  auto found = q->lookup(sample_record().key);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->incidents, 1u);
}

TEST(Quarantine, AChangedModuleOrCpuFingerprintHasNoRecord) {
  TempDir dir;
  auto q = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(q);
  QuarantineRecord r = sample_record();
  ASSERT_TRUE(q->record_incident(r).ok());

  QuarantineKey new_module = r.key;
  new_module.module_hash[0] = '9';
  QuarantineKey new_cpu = r.key;  // e.g. a microcode or kernel update
  new_cpu.cpu_fingerprint[0] = '0';
  for (const QuarantineKey& key : {new_module, new_cpu}) {
    auto found = q->lookup(key);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value()) << key.module_hash << " " << key.cpu_fingerprint;
  }
  auto same = q->lookup(r.key);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->has_value());
}

TEST(Quarantine, TwoProcessesRecordingAtOnceLoseNoIncident) {
  TempDir dir;
  constexpr int kPerProcess = 200;
  // Each child opens its own connection and records as fast as it can; every write must
  // succeed (the busy timeout waits for the other process, SQLITE_BUSY never surfaces).
  auto child_body = [&]() -> std::string {
    std::vector<std::string> warnings;
    auto q = Quarantine::open(dir.path(), &warnings);
    if (!q.ok()) return "open: " + q.error().message;
    // Neither process may see the other's fresh file as damaged or give up on it.
    if (!warnings.empty()) return "open: " + warnings.front();
    if (!(*q)->persistent()) return "open: the quarantine is in memory only";
    for (int i = 0; i < kPerProcess; ++i) {
      auto recorded = (*q)->record_incident(sample_record());
      if (!recorded.ok()) return "incident " + std::to_string(i) + ": " + recorded.error().message;
    }
    return "";
  };
  test::ChildOutcome outcomes[2];
  // Fork both before waiting for either, so that they really overlap.
  pid_t pids[2];
  int pipes[2][2];
  for (int c = 0; c < 2; ++c) {
    ASSERT_EQ(pipe(pipes[c]), 0);
    pids[c] = fork();
    ASSERT_GE(pids[c], 0);
    if (pids[c] == 0) {
      close(pipes[c][0]);
      alarm(60);
      std::string report = child_body();
      ssize_t ignored = write(pipes[c][1], report.data(), report.size());
      (void)ignored;
      _exit(report.empty() ? 0 : 1);
    }
    close(pipes[c][1]);
  }
  for (int c = 0; c < 2; ++c) {
    char buf[512];
    ssize_t n;
    while ((n = read(pipes[c][0], buf, sizeof buf)) > 0)
      outcomes[c].failure.append(buf, static_cast<size_t>(n));
    close(pipes[c][0]);
    int status = 0;
    waitpid(pids[c], &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child " << c << ": " << outcomes[c].failure;
  }

  auto q = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(q);
  auto found = q->lookup(sample_record().key);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->incidents, 2u * kPerProcess);
}

TEST(Quarantine, GarbageBytesAreSetAsideAndTheDatabaseRebuilt) {
  TempDir dir;
  const std::string garbage =
      "this is not an SQLite database, just some bytes\n" + std::string(5000, '\x5a');
  write_bytes(dir.path() / "quarantine.db", garbage);

  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("quarantine.db"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("moved aside"), std::string::npos) << warnings[0];
  auto aside = set_aside_files(dir.path());
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(read_bytes(aside[0]), garbage);  // kept for a post-mortem, not deleted
  expect_usable(*q);
}

TEST(Quarantine, ATruncatedDatabaseIsSetAsideAndRebuilt) {
  TempDir dir;
  {
    auto q = open_ok(dir.path(), nullptr);
    ASSERT_TRUE(q);
    // Enough rows for a B-tree of several levels, so that truncation cuts pages it needs.
    for (int i = 0; i < 2000; ++i) {
      QuarantineRecord r = sample_record();
      r.key.module_hash = std::to_string(1000000 + i) + std::string(24, 'a');
      r.reason = std::string(200, static_cast<char>('a' + i % 26));
      ASSERT_TRUE(q->record_incident(r).ok());
    }
  }  // closing the last connection checkpoints the WAL into the file
  fs::path file = dir.path() / "quarantine.db";
  ASSERT_FALSE(fs::exists(dir.path() / "quarantine.db-wal"));
  uintmax_t size = fs::file_size(file);
  ASSERT_GT(size, 100000u);
  fs::resize_file(file, size / 2);

  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("moved aside"), std::string::npos) << warnings[0];
  EXPECT_EQ(set_aside_files(dir.path()).size(), 1u);
  auto all = q->all();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());  // rebuilt: a fresh judgement for everything
  expect_usable(*q);
}

TEST(Quarantine, ADirectoryInPlaceOfTheDatabaseIsSetAside) {
  TempDir dir;
  fs::create_directories(dir.path() / "quarantine.db" / "inside");
  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not a regular file"), std::string::npos) << warnings[0];
  auto aside = set_aside_files(dir.path());
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_TRUE(fs::is_directory(aside[0] / "inside"));
  EXPECT_TRUE(fs::is_regular_file(dir.path() / "quarantine.db"));
  expect_usable(*q);
}

TEST(Quarantine, AnUnreadableDatabaseIsSetAside) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permission bits do not stop root";
  TempDir dir;
  {
    auto q = open_ok(dir.path(), nullptr);
    ASSERT_TRUE(q);
    ASSERT_TRUE(q->record_incident(sample_record()).ok());
  }
  fs::permissions(dir.path() / "quarantine.db", fs::perms::none);
  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("moved aside"), std::string::npos) << warnings[0];
  expect_usable(*q);
}

// A database file made with the SQLite API directly, as another program would.
void make_sqlite_file(const fs::path& file, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

TEST(Quarantine, ANewerSchemaIsLeftUntouchedAndRecordsStayInMemory) {
  TempDir dir;
  fs::path file = dir.path() / "quarantine.db";
  make_sqlite_file(file,
                   "CREATE TABLE quarantine_v7 (anything TEXT); "
                   "INSERT INTO quarantine_v7 VALUES ('a newer build''s data'); "
                   "PRAGMA user_version = 7;");
  const std::string before = read_bytes(file);

  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("schema version 7 is newer"), std::string::npos) << warnings[0];
  EXPECT_FALSE(q->persistent());
  EXPECT_TRUE(set_aside_files(dir.path()).empty());

  // This process still has a working quarantine; the newer build's file is unchanged.
  ASSERT_TRUE(q->record_incident(sample_record()).ok());
  auto found = q->lookup(sample_record().key);
  ASSERT_TRUE(found.ok() && found->has_value());
  q.reset();
  EXPECT_TRUE(read_bytes(file) == before) << "the newer build's file was modified";
}

TEST(Quarantine, AForeignDatabaseWithoutOurSchemaIsSetAside) {
  TempDir dir;
  // A valid SQLite file with a table of the same name and other columns, version 0.
  make_sqlite_file(dir.path() / "quarantine.db",
                   "CREATE TABLE quarantine (name TEXT, value INTEGER);");
  std::vector<std::string> warnings;
  auto q = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not the quarantine schema"), std::string::npos) << warnings[0];
  EXPECT_EQ(set_aside_files(dir.path()).size(), 1u);
  expect_usable(*q);
}

TEST(Quarantine, AnUnusableDataDirectoryLeavesAnInMemoryQuarantine) {
  TempDir dir;
  fs::path not_a_dir = dir.path() / "file";
  write_bytes(not_a_dir, "x");
  std::vector<std::string> warnings;
  auto q = open_ok(not_a_dir / "data", &warnings);
  ASSERT_TRUE(q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("in memory"), std::string::npos) << warnings[0];
  EXPECT_FALSE(q->persistent());
  ASSERT_TRUE(q->record_incident(sample_record()).ok());
  auto found = q->lookup(sample_record().key);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
}

}  // namespace
}  // namespace ironclad::host
