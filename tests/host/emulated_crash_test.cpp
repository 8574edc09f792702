// The Alder Lake-N crash, reproduced through CPU emulation: policy native compiles vpmullq
// (AVX512DQ+AVX512VL), the emulated CPU refuses it with a real SIGILL, and the host demotes
// the extension, retries an idempotent call, restarts a non-idempotent one, tells the
// application, writes a crash report and remembers the safe configuration across hosts.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "host/crash_report.h"
#include "host_test_support.h"

namespace ironclad::host_test {
namespace {

// Each test runs with the whole-module JIT and with the default tier, auto (tiered; under
// emulation each function is compiled before its first call, so the first call faults).
class EmulatedCrash : public ::testing::TestWithParam<std::string> {
 protected:
  // What statuses and incidents call the tier: auto is "tiered".
  std::string tier_name() const { return GetParam() == "jit" ? "jit" : "tiered"; }
};

HostConfig alderlake_config(const fs::path& data_dir, EventLog& events, const std::string& tier) {
  HostConfig config;
  config.data_dir = data_dir;
  config.policy = "native";
  config.tier = tier;
  config.emulate_cpu = "alderlake-n";
  config.on_event = events.sink();
  return config;
}

const Value kA = v128_i64(3, 0xFFFF'FFFF'FFFF'FFFBull);  // 3, -5
const Value kB = v128_i64(7, uint64_t{1} << 33);

void expect_product(const std::vector<Value>& results) {
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].v128.lane<uint64_t>(0), 3u * 7u);
  EXPECT_EQ(results[0].v128.lane<uint64_t>(1), 0xFFFF'FFFF'FFFF'FFFBull * (uint64_t{1} << 33));
}

#define SKIP_WITHOUT_EMULATION()                                      \
  do {                                                                \
    std::string why = emulation_unavailable();                        \
    if (!why.empty()) GTEST_SKIP() << "needs CPU emulation: " << why; \
  } while (0)

TEST_P(EmulatedCrash, IdempotentCallIsRetriedOnTheSafeTierAndReturnsTheResult) {
  SKIP_WITHOUT_EMULATION();
  TempDir tmp;
  EventLog events;
  auto host = ExtensionHost::create(alderlake_config(tmp.path() / "data", events, GetParam()));
  ASSERT_TRUE(host.ok()) << host.error().describe();
  auto ext = (*host)->load(make_extension(tmp.path(), "imagefx", "host_simd.wasm", kSimdExports));
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  ExtensionStatus before = (*ext)->status();
  EXPECT_EQ(before.state, ExtensionState::Running);
  EXPECT_EQ(before.rung, Rung::Planned);
  EXPECT_NE(before.features.find("avx512dq"), std::string::npos) << before.features;

  Value args[] = {kA, kB};
  auto product = (*ext)->call("mul", args);
  ASSERT_TRUE(product.ok()) << product.error().describe();
  expect_product(*product);

  ExtensionStatus after = (*ext)->status();
  EXPECT_EQ(after.state, ExtensionState::Degraded);
  EXPECT_EQ(after.rung, Rung::Conservative);
  EXPECT_EQ(after.tier, tier_name());
  EXPECT_EQ(after.features.find("avx512"), std::string::npos) << after.features;
  EXPECT_NE(after.reason.find("vpmullq"), std::string::npos) << after.reason;
  ASSERT_EQ(after.incidents.size(), 1u);
  const Incident& incident = after.incidents[0];
  EXPECT_EQ(incident.kind, ErrorKind::CpuIncompatibility);
  EXPECT_EQ(incident.export_name, "mul");
  EXPECT_NE(incident.tier_before.find("avx512dq"), std::string::npos);
  EXPECT_EQ(incident.tier_after.find("avx512"), std::string::npos);

  auto restarted = events.of(HostEventKind::Restarted);
  ASSERT_EQ(restarted.size(), 1u);
  EXPECT_EQ(restarted[0].extension_id, "imagefx");
  EXPECT_NE(restarted[0].message.find("extension 'imagefx' restarted in safe mode"),
            std::string::npos)
      << restarted[0].message;
  EXPECT_NE(restarted[0].message.find("vpmullq (AVX512DQ+AVX512VL)"), std::string::npos)
      << restarted[0].message;
  ASSERT_TRUE(restarted[0].incident.has_value());

  // The crash report: on disk, and it says what happened.
  ASSERT_FALSE(incident.report.empty()) << "no crash report written";
  std::ifstream in(incident.report);
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto report = host::crash_report_from_json(json);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->kind, "CpuIncompatibility");
  EXPECT_EQ(report->extension_id, "imagefx");
  EXPECT_EQ(report->export_name, "mul");
  EXPECT_EQ(report->emulated_cpu, "alderlake-n");
  EXPECT_EQ(report->module_hash, after.module_hash);
  ASSERT_TRUE(report->fault.has_value());
  EXPECT_EQ(report->fault->mnemonic, "vpmullq");
  EXPECT_NE(report->compiled_for.find("avx512dq"), std::string::npos) << report->compiled_for;
  EXPECT_EQ(report->host_verified.find("avx512"), std::string::npos)  // the emulated CPU's
      << report->host_verified;
  ASSERT_FALSE(report->backtrace.empty());
  EXPECT_EQ(report->backtrace[0].function_index, 0u);  // `mul`, the module's first function
  EXPECT_FALSE(report->cpu_fingerprint.empty());
  EXPECT_FALSE(report->cpu_model.empty());
  EXPECT_FALSE(report->engine_version.empty());
  EXPECT_EQ(report->tier_before, incident.tier_before);
  EXPECT_EQ(report->tier_after, incident.tier_after);

  // And the next call runs on the safe tier without another incident.
  auto again = (*ext)->call("mul", args);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  expect_product(*again);
  EXPECT_EQ((*ext)->status().incidents.size(), 1u);
}

TEST_P(EmulatedCrash, NonIdempotentCallReturnsRestartedAndTheNextCallSucceeds) {
  SKIP_WITHOUT_EMULATION();
  TempDir tmp;
  EventLog events;
  auto host = ExtensionHost::create(alderlake_config(tmp.path() / "data", events, GetParam()));
  ASSERT_TRUE(host.ok());
  auto ext = (*host)->load(make_extension(tmp.path(), "imagefx", "host_simd.wasm", kSimdExports));
  ASSERT_TRUE(ext.ok()) << ext.error().describe();

  Value args[] = {kA, kB};
  auto first = (*ext)->call("mul_and_count", args);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::ExtensionRestarted) << first.error().describe();
  EXPECT_NE(first.error().message.find(tier_name() + " {"), std::string::npos) << first.error().message;
  EXPECT_NE(first.error().message.find("conservative"), std::string::npos) << first.error().message;
  ASSERT_TRUE(first.error().fault.has_value());
  EXPECT_EQ(first.error().fault->mnemonic, "vpmullq");
  EXPECT_EQ(events.count(HostEventKind::Restarted), 1u);

  // The faulted instance had counted the call before it died: the fresh one starts at 0.
  auto calls = (*ext)->call("calls", {});
  ASSERT_TRUE(calls.ok());
  EXPECT_EQ((*calls)[0].i32, 0u);

  auto second = (*ext)->call("mul_and_count", args);
  ASSERT_TRUE(second.ok()) << second.error().describe();
  expect_product(*second);
  EXPECT_EQ((*ext)->status().rung, Rung::Conservative);
  EXPECT_EQ((*ext)->status().incidents.size(), 1u);
}

TEST_P(EmulatedCrash, TheQuarantineSurvivesAHostRestartAndAChangedModuleIsJudgedFresh) {
  SKIP_WITHOUT_EMULATION();
  TempDir tmp;
  fs::path data = tmp.path() / "data";
  fs::path dir = make_extension(tmp.path(), "imagefx", "host_simd.wasm", kSimdExports);
  Value args[] = {kA, kB};
  {
    EventLog events;
    auto host = ExtensionHost::create(alderlake_config(data, events, GetParam()));
    ASSERT_TRUE(host.ok());
    auto ext = (*host)->load(dir);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    ASSERT_TRUE((*ext)->call("mul", args).ok());
    ASSERT_EQ((*ext)->status().rung, Rung::Conservative);
  }
  std::string module_hash;
  {
    // A new process, as far as the host can tell: the extension starts on the safe rung.
    EventLog events;
    auto host = ExtensionHost::create(alderlake_config(data, events, GetParam()));
    ASSERT_TRUE(host.ok());
    auto ext = (*host)->load(dir);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    ExtensionStatus status = (*ext)->status();
    module_hash = status.module_hash;
    EXPECT_EQ(status.state, ExtensionState::Degraded);
    EXPECT_EQ(status.rung, Rung::Conservative);
    EXPECT_EQ(status.features.find("avx512"), std::string::npos);
    // The history of the first run's incident, from its crash report.
    ASSERT_EQ(status.incidents.size(), 1u);
    EXPECT_EQ(status.incidents[0].kind, ErrorKind::CpuIncompatibility);
    EXPECT_EQ(status.incidents[0].export_name, "mul");
    EXPECT_NE(status.incidents[0].message.find("vpmullq"), std::string::npos)
        << status.incidents[0].message;
    EXPECT_EQ(status.incidents[0].tier_after.find("avx512"), std::string::npos);
    EXPECT_TRUE(fs::exists(status.incidents[0].report)) << status.incidents[0].report;
    auto quarantined = events.of(HostEventKind::Quarantined);
    ASSERT_EQ(quarantined.size(), 1u);
    EXPECT_NE(quarantined[0].message.find("imagefx"), std::string::npos);
    auto product = (*ext)->call("mul", args);
    ASSERT_TRUE(product.ok()) << product.error().describe();
    expect_product(*product);
    EXPECT_EQ(events.count(HostEventKind::Restarted), 0u);
  }
  {
    // The extension was rebuilt (other bytes): no record, the planned rung again.
    make_extension(tmp.path(), "imagefx", "host_simd.wasm", kSimdExports, "rebuilt");
    EventLog events;
    auto host = ExtensionHost::create(alderlake_config(data, events, GetParam()));
    ASSERT_TRUE(host.ok());
    auto ext = (*host)->load(dir);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    EXPECT_NE((*ext)->status().module_hash, module_hash);
    EXPECT_EQ((*ext)->status().rung, Rung::Planned);
    EXPECT_TRUE((*ext)->status().incidents.empty());  // the old module's are not its own
    EXPECT_EQ(events.count(HostEventKind::Quarantined), 0u);
  }
}

TEST_P(EmulatedCrash, ResetForgetsTheQuarantineAndReturnsToThePlannedRung) {
  SKIP_WITHOUT_EMULATION();
  TempDir tmp;
  EventLog events;
  fs::path data = tmp.path() / "data";
  fs::path dir = make_extension(tmp.path(), "imagefx", "host_simd.wasm", kSimdExports);
  auto host = ExtensionHost::create(alderlake_config(data, events, GetParam()));
  ASSERT_TRUE(host.ok());
  auto ext = (*host)->load(dir);
  ASSERT_TRUE(ext.ok());
  Value args[] = {kA, kB};
  ASSERT_TRUE((*ext)->call("mul", args).ok());
  ASSERT_EQ((*ext)->status().rung, Rung::Conservative);
  ASSERT_TRUE((*host)->reset("imagefx").ok());
  EXPECT_EQ((*ext)->status().rung, Rung::Planned);
  EXPECT_EQ((*ext)->status().state, ExtensionState::Running);

  EventLog later;
  auto second = ExtensionHost::create(alderlake_config(data, later, GetParam()));
  ASSERT_TRUE(second.ok());
  auto again = (*second)->load(dir);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->status().rung, Rung::Planned);
  EXPECT_EQ(later.count(HostEventKind::Quarantined), 0u);
}

// HostConfig::crash_report_limit reaches the crash store: the incident's report is written
// and the oldest reports already there make room for it.
TEST_P(EmulatedCrash, AnIncidentsReportMakesRoomUnderTheHostsLimit) {
  SKIP_WITHOUT_EMULATION();
  TempDir tmp;
  fs::path data = tmp.path() / "data";
  {
    auto earlier = host::CrashStore::open(data, nullptr, 0);
    ASSERT_TRUE(earlier.ok()) << earlier.error().message;
    for (int64_t t = 1000; t < 1003; ++t) {
      host::CrashReport old;
      old.id = "old-" + std::to_string(t);
      old.kind = "EngineFault";
      old.fingerprint = "0123456789abcdef";
      old.timestamp = t;
      ASSERT_TRUE((*earlier)->write(old).ok());
    }
  }
  EventLog events;
  HostConfig config = alderlake_config(data, events, GetParam());
  config.crash_report_limit = 2;
  auto host = ExtensionHost::create(config);
  ASSERT_TRUE(host.ok()) << host.error().describe();
  auto ext = (*host)->load(make_extension(tmp.path(), "imagefx", "host_simd.wasm", kSimdExports));
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  Value args[] = {kA, kB};
  ASSERT_TRUE((*ext)->call("mul", args).ok());
  const fs::path report = (*ext)->status().incidents.at(0).report;
  ASSERT_TRUE(fs::exists(report)) << report;

  std::set<std::string> kept;
  for (const auto& entry : fs::directory_iterator(data / "crashes"))
    if (entry.path().extension() == ".json") kept.insert(entry.path().filename().string());
  EXPECT_EQ(kept, (std::set<std::string>{"old-1002.json", report.filename().string()}));
}

INSTANTIATE_TEST_SUITE_P(Tiers, EmulatedCrash, ::testing::Values("jit", "auto"));

}  // namespace
}  // namespace ironclad::host_test
