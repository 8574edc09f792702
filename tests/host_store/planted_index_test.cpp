// The data directory is not trusted: whoever can write it (another user of a shared data
// directory, a hostile extension that escaped elsewhere, a copied profile) may plant rows and
// schema objects in the crash index. Retention once passed the index's `file` column to
// unlink(crashes/<file>): "../x" or an absolute path deleted any file the user could, and a
// BEFORE DELETE ... RAISE(IGNORE) trigger kept the planted rows alive across reconciliation.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <string>

#include "host/crash_report.h"
#include "host/sqlite_db.h"
#include "sample_report.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using testing::sample_report;
using testing::TempDir;

void write_report(CrashStore& store, int64_t timestamp) {
  CrashReport r = sample_report();
  r.id = "aaaa-" + std::to_string(timestamp);
  r.fingerprint = "aaaa000000000001";
  r.timestamp = timestamp;
  ASSERT_TRUE(store.write(r).ok());
}

// Rows naming the victims, older than every real report (evicted first).
void plant(const fs::path& index, const std::vector<std::string>& files, const char* extra_sql) {
  auto db = sqlite::Database::open(index.string(), index.string());
  ASSERT_TRUE(db.ok());
  for (const std::string& file : files) {
    std::string sql = "INSERT INTO reports VALUES ('" + file +
                      "', 'planted', 'ffff000000000000', 1, 'trap', '', 'planted', '')";
    ASSERT_FALSE(db.value().exec(sql.c_str())) << file;
  }
  if (extra_sql) ASSERT_FALSE(db.value().exec(extra_sql));
}

class PlantedIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp_.path() / "data");
    std::ofstream(tmp_.path() / "data" / "victim.json") << "keep me";
    std::ofstream(tmp_.path() / "elsewhere.txt") << "keep me too";
    victims_ = {"../victim.json", (tmp_.path() / "elsewhere.txt").string(), "../../elsewhere.txt"};
  }
  void expect_victims_alive() {
    EXPECT_TRUE(fs::exists(tmp_.path() / "data" / "victim.json"));
    EXPECT_TRUE(fs::exists(tmp_.path() / "elsewhere.txt"));
  }
  fs::path data() const { return tmp_.path() / "data"; }

  TempDir tmp_;
  std::vector<std::string> victims_;
};

TEST_F(PlantedIndex, RowsPlantedWhileTheStoreIsOpenNeverNameAFileToDelete) {
  auto store = CrashStore::open(data(), nullptr, 2);
  ASSERT_TRUE(store.ok());
  write_report(**store, 1000);
  plant(data() / "crashes" / "index.db", victims_, nullptr);
  for (int64_t t = 1001; t < 1006; ++t) write_report(**store, t);
  expect_victims_alive();
  // The planted rows were dropped on the way; the real reports keep to the limit.
  auto all = (*store)->all();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  auto found = (*store)->find("planted");
  EXPECT_FALSE(found.ok());
}

TEST_F(PlantedIndex, ATriggerKeepingPlantedRowsMakesTheIndexRebuiltWithoutThem) {
  {
    auto store = CrashStore::open(data(), nullptr, 2);
    ASSERT_TRUE(store.ok());
    write_report(**store, 1000);
  }
  plant(data() / "crashes" / "index.db", victims_,
        "CREATE TRIGGER keep BEFORE DELETE ON reports BEGIN SELECT RAISE(IGNORE); END");
  std::vector<std::string> warnings;
  auto store = CrashStore::open(data(), &warnings, 2);
  ASSERT_TRUE(store.ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("trigger 'keep'"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("moved aside"), std::string::npos) << warnings[0];
  for (int64_t t = 1001; t < 1006; ++t) write_report(**store, t);
  expect_victims_alive();
  auto all = (*store)->all();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

// A report "file" that is a FIFO or a symlink to /dev/zero would block or read forever.
TEST_F(PlantedIndex, AReportThatIsNoRegularFileIsSkipped) {
  auto store = CrashStore::open(data(), nullptr, 0);
  ASSERT_TRUE(store.ok());
  write_report(**store, 1000);
  fs::create_symlink("/dev/zero", data() / "crashes" / "zero.json");
  ASSERT_EQ(::mkfifo((data() / "crashes" / "fifo.json").c_str(), 0600), 0);
  plant(data() / "crashes" / "index.db", {"zero.json", "fifo.json"}, nullptr);
  auto all = (*store)->all();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  std::vector<std::string> warnings;
  auto reopened = CrashStore::open(data(), &warnings, 0);
  ASSERT_TRUE(reopened.ok());
  auto again = (*reopened)->all();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 1u);
}

}  // namespace
}  // namespace ironclad::host
