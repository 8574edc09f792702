// RecoveryStore: the quarantine is read at every start, the crash store only when there is
// something to write or read (a start without incidents never opens crashes/index.db).
#include "host/recovery_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sample_report.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using testing::sample_report;
using testing::TempDir;

TEST(RecoveryStore, TheCrashIndexIsOpenedAtTheFirstReportNotAtStart) {
  TempDir dir;
  std::vector<std::string> warnings;
  auto store = RecoveryStore::open(dir.path(), /*crash_reports=*/true, warnings);
  ASSERT_TRUE(store->has_quarantine());
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_FALSE(fs::exists(dir.path() / "crashes" / "index.db"));

  CrashReport report = sample_report();
  auto written = store->write_report(report, warnings);
  ASSERT_TRUE(written.has_value()) << (warnings.empty() ? "" : warnings.front());
  EXPECT_TRUE(fs::exists(*written));
  EXPECT_TRUE(fs::exists(dir.path() / "crashes" / "index.db"));
  EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST(RecoveryStore, ACrashStoreThatCannotBeOpenedIsSaidAtItsFirstUseOnce) {
  TempDir dir;
  std::vector<std::string> warnings;
  auto store = RecoveryStore::open(dir.path(), /*crash_reports=*/true, warnings);
  // A file where the crashes directory must be: the store cannot be made.
  { std::ofstream(dir.path() / "crashes") << "not a directory"; }
  CrashReport report = sample_report();
  EXPECT_FALSE(store->write_report(report, warnings).has_value());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("crash reports cannot be written: ", 0), 0u) << warnings[0];
  EXPECT_FALSE(store->write_report(report, warnings).has_value());
  EXPECT_EQ(warnings.size(), 1u);  // not tried again
}

TEST(RecoveryStore, WithoutCrashReportsNothingIsWritten) {
  TempDir dir;
  std::vector<std::string> warnings;
  auto store = RecoveryStore::open(dir.path(), /*crash_reports=*/false, warnings);
  CrashReport report = sample_report();
  EXPECT_FALSE(store->write_report(report, warnings).has_value());
  EXPECT_TRUE(warnings.empty());
  EXPECT_FALSE(fs::exists(dir.path() / "crashes"));
}

}  // namespace
}  // namespace ironclad::host
