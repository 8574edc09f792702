// The crash store's limit (CrashStore::open's max_reports, HostConfig::crash_report_limit):
// a write past it removes the oldest reports, files and index rows alike, but the newest
// report of a group only when nothing else is left to remove, and never the report just
// written.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "host/crash_report.h"
#include "ironclad/extension_host.h"
#include "sample_report.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using testing::sample_report;
using testing::TempDir;

std::unique_ptr<CrashStore> open_with_limit(const fs::path& dir, uint64_t limit) {
  auto store = CrashStore::open(dir, nullptr, limit);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(store).value() : nullptr;
}

// Writes a report of group `fingerprint` at `timestamp`; returns its id.
std::string write_at(CrashStore& store, const std::string& fingerprint, int64_t timestamp) {
  CrashReport r = sample_report();
  r.id = fingerprint.substr(0, 4) + "-" + std::to_string(timestamp);
  r.fingerprint = fingerprint;
  r.timestamp = timestamp;
  auto written = store.write(r);
  EXPECT_TRUE(written.ok()) << (written.ok() ? "" : written.error().message);
  return r.id;
}

// The report files in the store's directory, by id.
std::set<std::string> files_in(const CrashStore& store) {
  std::set<std::string> ids;
  for (const auto& entry : fs::directory_iterator(store.dir()))
    if (entry.path().extension() == ".json") ids.insert(entry.path().stem().string());
  return ids;
}

std::set<std::string> indexed(CrashStore& store) {
  std::set<std::string> ids;
  auto all = store.all();
  EXPECT_TRUE(all.ok());
  if (all.ok())
    for (const CrashReport& r : *all) ids.insert(r.id);
  return ids;
}

TEST(CrashRetention, TheOldestReportsGoFirst) {
  TempDir dir;
  auto store = open_with_limit(dir.path(), 3);
  ASSERT_TRUE(store);
  for (int64_t t = 1000; t < 1005; ++t) write_at(*store, "aaaa000000000001", t);
  const std::set<std::string> expected = {"aaaa-1002", "aaaa-1003", "aaaa-1004"};
  EXPECT_EQ(files_in(*store), expected);
  EXPECT_EQ(indexed(*store), expected);
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].count, 3u) << "the count is of the reports kept";
  EXPECT_EQ((*groups)[0].first_seen, 1002);
}

TEST(CrashRetention, RepeatsMakeRoomBeforeAGroupLosesItsLastReport) {
  TempDir dir;
  auto store = open_with_limit(dir.path(), 3);
  ASSERT_TRUE(store);
  // One old crash of a rare kind, then a crash that repeats.
  write_at(*store, "bbbb000000000002", 500);
  for (int64_t t = 1000; t < 1006; ++t) write_at(*store, "aaaa000000000001", t);
  const std::set<std::string> expected = {"bbbb-500", "aaaa-1004", "aaaa-1005"};
  EXPECT_EQ(files_in(*store), expected);
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(groups->size(), 2u) << "the rare crash is still listed";
}

TEST(CrashRetention, MoreGroupsThanTheLimitKeepTheNewestGroups) {
  TempDir dir;
  auto store = open_with_limit(dir.path(), 2);
  ASSERT_TRUE(store);
  write_at(*store, "aaaa000000000001", 1000);
  write_at(*store, "bbbb000000000002", 1001);
  write_at(*store, "cccc000000000003", 1002);
  EXPECT_EQ(files_in(*store), (std::set<std::string>{"bbbb-1001", "cccc-1002"}));
}

TEST(CrashRetention, TheReportJustWrittenStaysEvenWhenItIsTheOldest) {
  TempDir dir;
  auto store = open_with_limit(dir.path(), 1);
  ASSERT_TRUE(store);
  write_at(*store, "aaaa000000000001", 2000);
  // A report with an older time (a clock set back, or a report carried over from elsewhere).
  write_at(*store, "aaaa000000000001", 1000);
  EXPECT_EQ(files_in(*store), (std::set<std::string>{"aaaa-1000"}));
}

TEST(CrashRetention, ZeroMeansNoLimit) {
  TempDir dir;
  auto store = open_with_limit(dir.path(), 0);
  ASSERT_TRUE(store);
  for (int64_t t = 1000; t < 1050; ++t) write_at(*store, "aaaa000000000001", t);
  EXPECT_EQ(files_in(*store).size(), 50u);
}

TEST(CrashRetention, AFileRemovedByHandIsNoError) {
  TempDir dir;
  auto store = open_with_limit(dir.path(), 2);
  ASSERT_TRUE(store);
  write_at(*store, "aaaa000000000001", 1000);
  write_at(*store, "aaaa000000000001", 1001);
  // Another process (or the user) removed the oldest report first.
  fs::remove(store->dir() / "aaaa-1000.json");
  write_at(*store, "aaaa000000000001", 1002);
  EXPECT_EQ(files_in(*store), (std::set<std::string>{"aaaa-1001", "aaaa-1002"}));
  EXPECT_EQ(indexed(*store), (std::set<std::string>{"aaaa-1001", "aaaa-1002"}));
}

TEST(CrashRetention, TheHostsDefaultIsTheStoresDefault) {
  EXPECT_EQ(HostConfig{}.crash_report_limit, kDefaultCrashReportLimit);
  EXPECT_GT(kDefaultCrashReportLimit, 0u);
}

}  // namespace
}  // namespace ironclad::host
