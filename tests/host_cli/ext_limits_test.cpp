// `ironclad ext status`, `ext list` and `crashes list` after a host run that hit both limits
// (a call past its deadline, a memory growth past the cap): the counts come from the
// quarantine database's limits table, so they outlive the process that hit them.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "host_cli_support.h"
#include "ironclad/extension_host.h"
#include "support/fixture_dir.h"

namespace ironclad::cli::testing {
namespace {

namespace fs = std::filesystem;

class ExtLimits : public HostCli {
 protected:
  // extensions/sleeper: tests/host's host_sleeper.wat (spin never returns, grow N grows).
  fs::path make_sleeper() {
    fs::path dir = root_ / "extensions" / "sleeper";
    fs::create_directories(dir);
    fs::copy_file(fs::path(ironclad::testing::fixture_dir()) / "host_sleeper.wasm",
                  dir / "sleeper.wasm");
    std::ofstream(dir / "extension.toml")
        << "id = \"sleeper\"\nname = \"Sleeper\"\nversion = \"2.1.0\"\nwasm = \"sleeper.wasm\"\n"
           "[exports]\nspin = {}\ngrow = {}\n";
    return dir;
  }

  // What an application's session leaves behind: two timeouts and one refused growth.
  void run_a_host_into_both_limits(const fs::path& extension) {
    HostConfig config;
    config.data_dir = data_dir_;
    config.tier = "interp";
    config.call_timeout = std::chrono::milliseconds(50);
    config.max_instance_bytes = 2 * 65536;  // one page held: room for one more
    auto host = ExtensionHost::create(config);
    ASSERT_TRUE(host.ok()) << host.error().describe();
    auto ext = (*host)->load(extension);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    for (int i = 0; i < 2; ++i)
      ASSERT_EQ((*ext)->call("spin", {}).error().kind, ErrorKind::Timeout);
    Value three[] = {Value::from_i32(3)};
    auto refused = (*ext)->call("grow", three);
    ASSERT_TRUE(refused.ok()) << refused.error().describe();
    ASSERT_EQ((*refused)[0].i32, uint32_t(-1));
  }
};

TEST_F(ExtLimits, StatusShowsTheCountsAndTheLastOfEachAfterTheHostIsGone) {
  run_a_host_into_both_limits(make_sleeper());
  auto r = run_ironclad({"ext", "status", "--data-dir", data_dir_});
  ASSERT_EQ(r.status, 0) << r.err;
  // No incident (a limit demotes nothing), but the limits, per extension version.
  EXPECT_TRUE(contains(r.out, "no incident recorded")) << r.out;
  EXPECT_TRUE(contains(r.out, "limits hit (counted across runs")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nsleeper 2.1.0\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  timeouts         2 (last: spin at ")) << r.out;
  EXPECT_TRUE(contains(r.out, ", deadline 50 ms)\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  memory refusals  1 (last: grow at ")) << r.out;
  EXPECT_TRUE(contains(r.out, ", cap 131072 bytes, 262144 bytes asked for)\n")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;

  // Another run adds to the counts.
  run_a_host_into_both_limits(root_ / "extensions" / "sleeper");
  auto again = run_ironclad({"ext", "status", "--data-dir", data_dir_});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "\n  timeouts         4 (last: spin at ")) << again.out;
  EXPECT_TRUE(contains(again.out, "\n  memory refusals  2 (last: grow at ")) << again.out;
}

TEST_F(ExtLimits, ListShowsTheRecordedLimitsOnTheExtensionsLines) {
  fs::path sleeper = make_sleeper();
  auto before = run_ironclad({"ext", "list", (root_ / "extensions").string(), "--tier", "interp",
                              "--data-dir", data_dir_});
  ASSERT_EQ(before.status, 0) << before.err;
  EXPECT_FALSE(contains(before.out, "  timeouts")) << before.out;
  EXPECT_FALSE(contains(before.out, "  memory")) << before.out;

  run_a_host_into_both_limits(sleeper);
  auto r = run_ironclad({"ext", "list", (root_ / "extensions").string(), "--tier", "interp",
                         "--data-dir", data_dir_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sleeper 2.1.0 (Sleeper)")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  timeouts  2 recorded (last: spin at ")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  memory    1 refused, recorded (last: grow at ")) << r.out;
  EXPECT_TRUE(contains(r.out, "cap 131072 bytes, 262144 bytes asked for)\n")) << r.out;
}

// The limit reports are in the crash report store: one per kind (the second timeout was
// within the rate limit), listed with their kind and told apart from faults.
TEST_F(ExtLimits, CrashesListShowsOneLimitReportPerKind) {
  run_a_host_into_both_limits(make_sleeper());
  auto r = run_ironclad({"crashes", "list", "--data-dir", data_dir_, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto groups = nlohmann::json::parse(r.out);
  ASSERT_EQ(groups.size(), 2u) << r.out;
  std::set<std::string> kinds;
  for (const auto& g : groups) {
    kinds.insert(g["kind"].get<std::string>());
    EXPECT_EQ(g["count"], 1) << r.out;
    EXPECT_EQ(g["category"], "limit") << r.out;
    EXPECT_EQ(g["extension_id"], "sleeper") << r.out;
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"Timeout", "MemoryLimit"}));
  auto table = run_ironclad({"crashes", "list", "--data-dir", data_dir_});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "2 reports in 2 groups")) << table.out;
  EXPECT_TRUE(contains(table.out, "2 of them limit reports")) << table.out;
  // show: the report with its limit and where the loop was stopped.
  std::string id;
  for (const auto& g : groups)
    if (g["kind"] == "Timeout") id = g["latest_report_id"];
  auto shown = run_ironclad({"crashes", "show", "--data-dir", data_dir_, id});
  ASSERT_EQ(shown.status, 0) << shown.err;
  auto report = nlohmann::json::parse(shown.out);
  EXPECT_EQ(report["kind"], "Timeout");
  EXPECT_EQ(report["export_name"], "spin");
  EXPECT_EQ(report["extension_version"], "2.1.0");
  EXPECT_DOUBLE_EQ(report["limit"]["timeout_seconds"].get<double>(), 0.05);
  EXPECT_TRUE(report["fault"].is_null());
  EXPECT_FALSE(report["backtrace"].empty());
}

}  // namespace
}  // namespace ironclad::cli::testing
