// The crash store: reports written atomically as files, grouped by fingerprint with counts
// and first/last seen, found by id or fingerprint; a bad file or index never stops it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/crash_report.h"
#include "sample_report.h"
#include "signals/child_process.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using testing::sample_report;
using testing::TempDir;

std::unique_ptr<CrashStore> open_ok(const fs::path& dir, std::vector<std::string>* warnings) {
  auto store = CrashStore::open(dir, warnings);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(store).value() : nullptr;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A report of group `fingerprint` at `timestamp`, with a message naming both.
CrashReport report_at(const std::string& fingerprint, int64_t timestamp) {
  CrashReport r = sample_report();
  r.id.clear();
  r.fingerprint = fingerprint;
  r.timestamp = timestamp;
  r.message = "fault of " + fingerprint + " at " + std::to_string(timestamp);
  return r;
}

TEST(CrashStore, WriteFillsInIdAndTimeAndTheFileReadsBack) {
  TempDir dir;
  auto store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->dir(), dir.path() / "crashes");

  CrashReport r = sample_report();
  r.id.clear();
  r.timestamp = 0;
  r.fingerprint.clear();
  auto path = store->write(r);
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_FALSE(r.id.empty());
  EXPECT_GT(r.timestamp, 0);
  // An empty fingerprint is computed from the report, as stable_fingerprint documents.
  EXPECT_EQ(r.fingerprint, stable_fingerprint(r.kind, "AVX512DQ_128", r.module_hash, 7));
  EXPECT_EQ(*path, dir.path() / "crashes" / (r.id + ".json"));
  EXPECT_EQ(read_bytes(*path), to_json(r));
  // Only the report: no temporary file left beside it.
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "crashes"))
    files += entry.path().extension() == ".json" || entry.path().filename().string()[0] == '.';
  EXPECT_EQ(files, 1u);

  auto found = store->find(r.id);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(to_json(*found), to_json(r));

  CrashReport second = sample_report();
  second.id.clear();
  ASSERT_TRUE(store->write(second).ok());
  EXPECT_NE(second.id, r.id);
}

TEST(CrashStore, GroupsCountAndSpanTheirReports) {
  TempDir dir;
  auto store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  for (auto [fingerprint, time] :
       std::vector<std::pair<std::string, int64_t>>{{"aaaa000000000001", 1000},
                                                    {"aaaa000000000001", 3000},
                                                    {"bbbb000000000002", 2500},
                                                    {"aaaa000000000001", 2000}}) {
    CrashReport r = report_at(fingerprint, time);
    ASSERT_TRUE(store->write(r).ok());
  }
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok()) << groups.error().message;
  ASSERT_EQ(groups->size(), 2u);
  const CrashGroup& a = (*groups)[0];  // most recent first
  EXPECT_EQ(a.fingerprint, "aaaa000000000001");
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(a.first_seen, 1000);
  EXPECT_EQ(a.last_seen, 3000);
  EXPECT_EQ(a.summary, "fault of aaaa000000000001 at 3000");
  EXPECT_EQ(a.kind, "CpuIncompatibility");
  EXPECT_EQ(a.extension_id, "markdown-preview");
  const CrashGroup& b = (*groups)[1];
  EXPECT_EQ(b.fingerprint, "bbbb000000000002");
  EXPECT_EQ(b.count, 1u);
  EXPECT_EQ(b.first_seen, 2500);
  EXPECT_EQ(b.last_seen, 2500);

  // A fingerprint (or a unique prefix of it) finds the newest report of its group.
  auto newest = store->find("aaaa");
  ASSERT_TRUE(newest.ok()) << newest.error().message;
  EXPECT_EQ(newest->timestamp, 3000);
  EXPECT_EQ(newest->id, a.latest_report_id);
  auto by_full = store->find("bbbb000000000002");
  ASSERT_TRUE(by_full.ok());
  EXPECT_EQ(by_full->timestamp, 2500);

  auto all = store->all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  for (size_t i = 1; i < all->size(); ++i)
    EXPECT_LE((*all)[i - 1].timestamp, (*all)[i].timestamp);  // oldest first
}

TEST(CrashStore, AModulesReportsAreFoundThroughTheIndex) {
  TempDir dir;
  auto store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  for (auto [module, time] : std::vector<std::pair<std::string, int64_t>>{
           {"module-a", 3000}, {"module-b", 2000}, {"module-a", 1000}}) {
    CrashReport r = report_at("aaaa000000000001", time);
    r.module_hash = module;
    ASSERT_TRUE(store->write(r).ok());
  }
  auto of_a = store->of_module("module-a");
  ASSERT_TRUE(of_a.ok()) << of_a.error().message;
  ASSERT_EQ(of_a->size(), 2u);
  EXPECT_EQ((*of_a)[0].timestamp, 1000);  // oldest first
  EXPECT_EQ((*of_a)[1].timestamp, 3000);
  auto none = store->of_module("module-c");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(CrashStore, UnknownAndAmbiguousQueriesAreErrors) {
  TempDir dir;
  auto store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  for (const char* fp : {"cafe000000000001", "cafe000000000002"}) {
    CrashReport r = report_at(fp, 1000);
    ASSERT_TRUE(store->write(r).ok());
  }
  auto ambiguous = store->find("cafe");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.error().message.find("ambiguous"), std::string::npos);
  auto unknown = store->find("0000");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no crash report"), std::string::npos);
  EXPECT_FALSE(store->find("").ok());

  CrashReport bad_id = sample_report();
  bad_id.id = "../../etc/passwd";
  auto written = store->write(bad_id);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().kind, ErrorKind::Usage);
}

TEST(CrashStore, AMalformedReportIsSkippedWithAWarning) {
  TempDir dir;
  {
    auto store = open_ok(dir.path(), nullptr);
    ASSERT_TRUE(store);
    CrashReport good = report_at("aaaa000000000001", 1000);
    ASSERT_TRUE(store->write(good).ok());
  }
  std::ofstream(dir.path() / "crashes" / "broken.json") << "{\"id\": \"broken\", \"kind\": ";
  std::ofstream(dir.path() / "crashes" / "wrong-type.json") << "{\"id\": 5, \"kind\": \"x\"}";

  std::vector<std::string> warnings;
  auto store = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(store);
  ASSERT_EQ(warnings.size(), 2u);
  std::string all_warnings = warnings[0] + "\n" + warnings[1];
  EXPECT_NE(all_warnings.find("broken.json"), std::string::npos) << all_warnings;
  EXPECT_NE(all_warnings.find("wrong-type.json"), std::string::npos) << all_warnings;
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].count, 1u);
  auto all = store->all();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

TEST(CrashStore, AMissingOrDamagedIndexIsRebuiltFromTheFiles) {
  TempDir dir;
  {
    auto store = open_ok(dir.path(), nullptr);
    ASSERT_TRUE(store);
    for (int64_t t : {100, 200, 300}) {
      CrashReport r = report_at("aaaa000000000001", t);
      ASSERT_TRUE(store->write(r).ok());
    }
  }
  fs::path index = dir.path() / "crashes" / "index.db";
  ASSERT_TRUE(fs::exists(index));

  // Damaged: garbage in place of the index.
  std::ofstream(index, std::ios::trunc) << std::string(3000, '\x01');
  std::vector<std::string> warnings;
  {
    auto store = open_ok(dir.path(), &warnings);
    ASSERT_TRUE(store);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("moved aside"), std::string::npos) << warnings[0];
    auto groups = store->groups();
    ASSERT_TRUE(groups.ok());
    ASSERT_EQ(groups->size(), 1u);
    EXPECT_EQ((*groups)[0].count, 3u);
    EXPECT_EQ((*groups)[0].first_seen, 100);
  }

  // Missing: deleted outright.
  fs::remove(index);
  warnings.clear();
  auto store = open_ok(dir.path(), &warnings);
  ASSERT_TRUE(store);
  EXPECT_TRUE(warnings.empty());
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].count, 3u);
  EXPECT_EQ((*groups)[0].last_seen, 300);
}

TEST(CrashStore, ADeletedReportLeavesTheIndex) {
  TempDir dir;
  CrashReport kept = report_at("aaaa000000000001", 100);
  CrashReport deleted = report_at("bbbb000000000002", 200);
  {
    auto store = open_ok(dir.path(), nullptr);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->write(kept).ok());
    ASSERT_TRUE(store->write(deleted).ok());
  }
  fs::remove(dir.path() / "crashes" / (deleted.id + ".json"));
  auto store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].fingerprint, "aaaa000000000001");
  EXPECT_FALSE(store->find(deleted.id).ok());
}

TEST(CrashStore, ReportsOfAnotherProcessAreSeen) {
  TempDir dir;
  auto store = open_ok(dir.path(), nullptr);  // open before the other process writes
  ASSERT_TRUE(store);
  auto outcome = test::run_in_child([&]() -> std::string {
    auto other = CrashStore::open(dir.path());
    if (!other.ok()) return other.error().message;
    CrashReport r = report_at("dddd000000000004", 4000);
    auto written = (*other)->write(r);
    return written.ok() ? "" : written.error().message;
  });
  ASSERT_TRUE(outcome.exited && outcome.exit_code == 0) << outcome.failure;
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].fingerprint, "dddd000000000004");
}

TEST(CrashStore, TwoProcessesWritingAtOnceLoseNoReport) {
  TempDir dir;
  constexpr int kPerProcess = 50;
  auto writer = [&]() -> std::string {
    std::vector<std::string> warnings;
    auto store = CrashStore::open(dir.path(), &warnings);
    if (!store.ok()) return store.error().message;
    if (!warnings.empty()) return warnings.front();
    for (int i = 0; i < kPerProcess; ++i) {
      CrashReport r = report_at("eeee000000000005", 1000 + i);
      auto written = (*store)->write(r);
      if (!written.ok()) return written.error().message;
    }
    return "";
  };
  pid_t pids[2];
  for (pid_t& pid : pids) {
    pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      alarm(60);
      _exit(writer().empty() ? 0 : 1);
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  // Both the index and the files (rebuilt into a fresh index) count every report.
  auto store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  auto groups = store->groups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].count, 2u * kPerProcess);
  store.reset();
  fs::remove(dir.path() / "crashes" / "index.db");
  store = open_ok(dir.path(), nullptr);
  ASSERT_TRUE(store);
  auto all = store->all();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u * kPerProcess);
}

TEST(CrashStore, AnUnusableDataDirectoryIsAnError) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  auto store = CrashStore::open(dir.path() / "file");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::Io);
  EXPECT_NE(store.error().message.find("crashes"), std::string::npos) << store.error().message;
}

// Restores an environment variable when the test ends.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(DefaultDataDir, EnvironmentThenXdgThenHome) {
  ScopedEnv home("HOME", "/home/someone");
  {
    ScopedEnv data("IRONCLAD_DATA_DIR", "/srv/ironclad");
    ScopedEnv xdg("XDG_DATA_HOME", "/xdg");
    EXPECT_EQ(default_data_dir(), fs::path("/srv/ironclad"));
  }
  {
    ScopedEnv data("IRONCLAD_DATA_DIR", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", "/xdg");
    EXPECT_EQ(default_data_dir(), fs::path("/xdg/ironclad"));
  }
  {
    ScopedEnv data("IRONCLAD_DATA_DIR", "");
    ScopedEnv xdg("XDG_DATA_HOME", "relative/is/ignored");
    EXPECT_EQ(default_data_dir(), fs::path("/home/someone/.local/share/ironclad"));
  }
}

}  // namespace
}  // namespace ironclad::host
