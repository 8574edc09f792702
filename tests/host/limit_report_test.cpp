// Limit reports (docs/crash-reports.md, "Limit reports"): a call stopped at its deadline and a
// memory growth refused at the cap each write a report to the crash report store, of a kind
// of their own, with the limit and (for a timeout) where the code was stopped; one per
// extension version and kind per HostConfig::limit_report_interval; and counted in the
// quarantine's limits table across runs. Both tiers, with short deadlines.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "host/crash_report.h"
#include "host/quarantine.h"
#include "host_test_support.h"

namespace ironclad::host_test {
namespace {

constexpr uint32_t kSpinFunction = 2;  // host_sleeper.wat: the import, sleep, then spin

HostConfig limits_config(const fs::path& data_dir, const std::string& tier, EventLog* events) {
  HostConfig config;
  config.data_dir = data_dir;
  config.tier = tier;
  config.on_event = events->sink();
  config.call_timeout = std::chrono::milliseconds(50);
  config.max_instance_bytes = 2 * 65536;  // host_sleeper has 1 page: room for one more
  return config;
}

std::vector<host::CrashReport> reports_in(const fs::path& data_dir) {
  auto store = host::CrashStore::open(data_dir);
  EXPECT_TRUE(store.ok()) << store.error().describe();
  if (!store.ok()) return {};
  auto all = (*store)->all();
  EXPECT_TRUE(all.ok());
  return all.ok() ? *all : std::vector<host::CrashReport>{};
}

Extension* load_sleeper(ExtensionHost& host, const fs::path& root) {
  auto ext = host.load(
      make_extension(root, "sleeper", "host_sleeper.wasm", "spin = {}\nadd = {}\ngrow = {}\n"));
  EXPECT_TRUE(ext.ok()) << ext.error().describe();
  return ext.ok() ? *ext : nullptr;
}

class LimitReports : public ::testing::TestWithParam<std::string> {};

TEST_P(LimitReports, ATimeoutWritesOneReportAndTheSecondIsRateLimited) {
  TempDir tmp;
  EventLog events;
  const fs::path data = tmp.path() / "data";
  auto host = ExtensionHost::create(limits_config(data, GetParam(), &events));
  ASSERT_TRUE(host.ok()) << host.error().describe();
  Extension* ext = load_sleeper(**host, tmp.path());
  ASSERT_NE(ext, nullptr);

  auto first = ext->call("spin", {});
  ASSERT_FALSE(first.ok());
  ASSERT_EQ(first.error().kind, ErrorKind::Timeout) << first.error().describe();
  std::vector<host::CrashReport> reports = reports_in(data);
  ASSERT_EQ(reports.size(), 1u);
  const host::CrashReport& r = reports[0];
  EXPECT_EQ(r.kind, "Timeout");
  EXPECT_TRUE(host::is_limit_report_kind(r.kind));
  EXPECT_EQ(r.extension_id, "sleeper");
  EXPECT_EQ(r.extension_version, "1.0.0");
  EXPECT_EQ(r.export_name, "spin");
  EXPECT_EQ(r.module_hash, ext->status().module_hash);
  EXPECT_FALSE(r.fault.has_value()) << "a limit has no signal or registers";
  ASSERT_TRUE(r.limit.has_value());
  EXPECT_DOUBLE_EQ(r.limit->timeout_seconds, 0.05);
  EXPECT_NE(r.message.find("deadline exceeded"), std::string::npos) << r.message;
  EXPECT_EQ(r.tier_before.rfind(GetParam() == "jit" ? "jit" : "interp", 0), 0u) << r.tier_before;
  EXPECT_NE(r.timestamp, 0);
  // Where it was stopped: the loop in spin.
  ASSERT_FALSE(r.backtrace.empty());
  EXPECT_EQ(r.backtrace.front().function_index, kSpinFunction);
  auto timeout_events = events.of(HostEventKind::Timeout);
  ASSERT_EQ(timeout_events.size(), 1u);
  EXPECT_EQ(timeout_events[0].limit_report.stem().string(), r.id);
  // A timeout is no incident: nothing demoted, no incident history.
  EXPECT_TRUE(ext->status().incidents.empty());

  // The same extension times out again: counted, but no second report.
  ASSERT_EQ(ext->call("spin", {}).error().kind, ErrorKind::Timeout);
  EXPECT_EQ(ext->status().timeouts, 2u);
  EXPECT_EQ(reports_in(data).size(), 1u) << "a second limit report within the interval";
  timeout_events = events.of(HostEventKind::Timeout);
  ASSERT_EQ(timeout_events.size(), 2u);
  EXPECT_TRUE(timeout_events[1].limit_report.empty());

  // Nor does another host on the same data directory (another process, as for a CLI run):
  // the rate limit asks the store, not only this host's memory.
  EventLog other_events;
  auto other = ExtensionHost::create(limits_config(data, GetParam(), &other_events));
  ASSERT_TRUE(other.ok());
  Extension* again = load_sleeper(**other, tmp.path() / "other");
  ASSERT_NE(again, nullptr);
  ASSERT_EQ(again->call("spin", {}).error().kind, ErrorKind::Timeout);
  EXPECT_EQ(reports_in(data).size(), 1u);
}

// Without the rate limit each timeout writes one: what keeps the test above from passing
// because nothing was written the second time for another reason.
TEST_P(LimitReports, WithoutARateLimitEveryTimeoutIsReported) {
  TempDir tmp;
  EventLog events;
  const fs::path data = tmp.path() / "data";
  HostConfig config = limits_config(data, GetParam(), &events);
  config.limit_report_interval = std::chrono::seconds(0);
  auto host = ExtensionHost::create(config);
  ASSERT_TRUE(host.ok());
  Extension* ext = load_sleeper(**host, tmp.path());
  ASSERT_NE(ext, nullptr);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(ext->call("spin", {}).error().kind, ErrorKind::Timeout);
  std::vector<host::CrashReport> reports = reports_in(data);
  ASSERT_EQ(reports.size(), 2u);
  // One group: `crashes list` shows the runaway extension once, with a count.
  EXPECT_EQ(reports[0].fingerprint, reports[1].fingerprint);
}

TEST_P(LimitReports, AMemoryRefusalWritesOneReportWithTheCapAndTheSizeAskedFor) {
  TempDir tmp;
  EventLog events;
  const fs::path data = tmp.path() / "data";
  auto host = ExtensionHost::create(limits_config(data, GetParam(), &events));
  ASSERT_TRUE(host.ok());
  Extension* ext = load_sleeper(**host, tmp.path());
  ASSERT_NE(ext, nullptr);
  Value one[] = {Value::from_i32(1)};
  ASSERT_EQ((*ext->call("grow", one))[0].i32, 1u) << "within the cap";
  EXPECT_TRUE(reports_in(data).empty()) << "a growth within the cap is no limit";
  Value three[] = {Value::from_i32(3)};
  for (int i = 0; i < 2; ++i) {
    auto refused = ext->call("grow", three);
    ASSERT_TRUE(refused.ok()) << refused.error().describe();
    EXPECT_EQ((*refused)[0].i32, uint32_t(-1));
  }
  std::vector<host::CrashReport> reports = reports_in(data);
  ASSERT_EQ(reports.size(), 1u) << "the second refusal is within the rate limit";
  const host::CrashReport& r = reports[0];
  EXPECT_EQ(r.kind, "MemoryLimit");
  EXPECT_EQ(r.extension_id, "sleeper");
  EXPECT_EQ(r.extension_version, "1.0.0");
  EXPECT_EQ(r.export_name, "grow");
  EXPECT_FALSE(r.fault.has_value());
  ASSERT_TRUE(r.limit.has_value());
  EXPECT_EQ(r.limit->cap_bytes, 2u * 65536);
  EXPECT_EQ(r.limit->growth_bytes, 3u * 65536);
  EXPECT_EQ(r.limit->requested_bytes, 5u * 65536) << "two pages held, three more asked for";
  EXPECT_EQ(r.limit->refusals_in_call, 1u);
  auto refusal_events = events.of(HostEventKind::MemoryRefused);
  ASSERT_EQ(refusal_events.size(), 2u);
  EXPECT_EQ(refusal_events[0].limit_report.stem().string(), r.id);
  EXPECT_TRUE(refusal_events[1].limit_report.empty());
  EXPECT_TRUE(ext->status().incidents.empty());
}

// The quarantine's limits table counts every hit (the reports are rate-limited, the counts
// are not), keeps the last of each, and a later process reads them.
TEST_P(LimitReports, TheQuarantineCountsEveryLimitAcrossRuns) {
  TempDir tmp;
  EventLog events;
  const fs::path data = tmp.path() / "data";
  std::string hash;
  {
    auto host = ExtensionHost::create(limits_config(data, GetParam(), &events));
    ASSERT_TRUE(host.ok());
    Extension* ext = load_sleeper(**host, tmp.path());
    ASSERT_NE(ext, nullptr);
    hash = ext->status().module_hash;
    for (int i = 0; i < 2; ++i) ASSERT_EQ(ext->call("spin", {}).error().kind, ErrorKind::Timeout);
    Value three[] = {Value::from_i32(3)};
    ASSERT_TRUE(ext->call("grow", three).ok());
  }
  auto q = host::Quarantine::open(data);
  ASSERT_TRUE(q.ok());
  auto limits = (*q)->limits();
  ASSERT_TRUE(limits.ok()) << limits.error().describe();
  ASSERT_EQ(limits->size(), 2u);
  for (const host::LimitRecord& l : *limits) {
    EXPECT_EQ(l.module_hash, hash);
    EXPECT_EQ(l.extension_id, "sleeper");
    EXPECT_EQ(l.extension_version, "1.0.0");
    if (l.kind == host::kTimeoutLimit) {
      EXPECT_EQ(l.count, 2u);
      EXPECT_EQ(l.last_export, "spin");
      EXPECT_EQ(l.last_limit, 50u);
    } else {
      EXPECT_EQ(l.kind, host::kMemoryLimit);
      EXPECT_EQ(l.count, 1u);
      EXPECT_EQ(l.last_export, "grow");
      EXPECT_EQ(l.last_limit, 2u * 65536);
      EXPECT_EQ(l.last_requested, 4u * 65536) << "one page held, three more asked for";
    }
  }
  // No quarantine record: a limit changes nothing about how the extension starts.
  auto records = (*q)->all();
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

INSTANTIATE_TEST_SUITE_P(Tiers, LimitReports, ::testing::Values("interp", "jit"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ironclad::host_test
