// Hostile extensions of our own: one that never returns (the deadline stops it, the host
// survives, the next call works on a fresh instance) and one that grows its memory until the
// cap refuses (the call fails cleanly, the extension still answers). Both tiers.
#include <gtest/gtest.h>

#include <fstream>

#include "component/test_env.h"
#include "host/crash_report.h"
#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

// The hostile extension's directory (assembled from fixtures/hostile.wat by jco), or "".
std::string make_hostile(const std::string& modules, wasi::testing::TempDir& dir) {
  std::ofstream(dir / "extension.toml") << "id = \"hostile\"\nname = \"Hostile\"\n"
                                           "version = \"0.0.1\"\nschema_version = 1\n";
  auto r = component::testing::run({modules + "/.bin/jco", "parse",
                                     std::string(IRONCLAD_ZED_TEST_FIXTURES) + "/hostile.wat",
                                     "-o", dir / "extension.wasm"});
  if (r.status != 0) {
    ADD_FAILURE() << "jco parse: " << r.err;
    return "";
  }
  return dir.path();
}

class ZedLimits : public ::testing::TestWithParam<std::string> {};

TEST_P(ZedLimits, InfiniteLoopTimesOutAndTheNextCallWorks) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  wasi::testing::TempDir ext_dir;
  std::string dir = make_hostile(modules, ext_dir);
  ASSERT_FALSE(dir.empty());
  TestHost t(GetParam(), {}, std::chrono::milliseconds(300));
  auto ext = t.host->load(dir);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  EXPECT_EQ((*ext)->api_version(), "0.6.0");
  EXPECT_EQ((*ext)->world_folder(), "since_v0.6.0");
  auto start = std::chrono::steady_clock::now();
  auto spun = (*ext)->call("spin", {});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(spun.ok());
  EXPECT_EQ(spun.error().kind, ErrorKind::Timeout) << spun.error().describe();
  EXPECT_TRUE(is_zed_timeout(spun.error()));
  EXPECT_NE(spun.error().message.find("extension 'hostile': spin passed its deadline of 300 ms"),
            std::string::npos)
      << spun.error().message;
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(t.count(ZedEventKind::Timeout), 1u);
  // In the status (its count, the last one) and not a fault: no incident, and the one report
  // written is a limit report naming the export and the deadline.
  ExtensionStatus s = (*ext)->status();
  EXPECT_EQ(s.timeouts, 1u);
  ASSERT_TRUE(s.last_timeout.has_value());
  EXPECT_EQ(s.last_timeout->export_name, "spin");
  EXPECT_EQ(s.last_timeout->limit, 300u);
  EXPECT_TRUE(s.incidents.empty());
  auto store = host::CrashStore::open(t.data.path());
  ASSERT_TRUE(store.ok());
  auto all = (*store)->all();
  ASSERT_TRUE(all.ok());
  // init-extension's 1 GiB growth left a MemoryLimit report too.
  std::vector<host::CrashReport> timeouts;
  for (host::CrashReport& r : *all)
    if (r.kind == "Timeout") timeouts.push_back(r);
  auto* reports = &timeouts;
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ((*reports)[0].extension_id, "hostile");
  EXPECT_EQ((*reports)[0].extension_version, "0.0.1");
  EXPECT_EQ((*reports)[0].export_name, "spin");
  ASSERT_TRUE((*reports)[0].limit.has_value());
  EXPECT_DOUBLE_EQ((*reports)[0].limit->timeout_seconds, 0.3);
  EXPECT_FALSE((*reports)[0].backtrace.empty()) << "where the loop was stopped";
  auto pages = (*ext)->call("pages", {});
  ASSERT_TRUE(pages.ok()) << pages.error().describe();
  EXPECT_EQ((*pages)->as_u32(), 1u);
}

TEST_P(ZedLimits, MemoryGrowthStopsAtTheCap) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  wasi::testing::TempDir ext_dir;
  std::string dir = make_hostile(modules, ext_dir);
  ASSERT_FALSE(dir.empty());
  const uint64_t cap = uint64_t{32} << 20;
  TestHost t(GetParam(), {}, std::chrono::milliseconds(20'000), cap);
  auto ext = t.host->load(dir);
  ASSERT_TRUE(ext.ok()) << ext.error().describe();
  // init-extension asked for 1 GiB once: refused, recorded, and it carried on.
  ASSERT_TRUE((*ext)->init().ok());
  ExtensionStatus after_init = (*ext)->status();
  EXPECT_EQ(after_init.memory_refusals, 1u);
  ASSERT_TRUE(after_init.last_memory_refusal.has_value());
  EXPECT_EQ(after_init.last_memory_refusal->export_name, "init-extension");
  EXPECT_EQ(after_init.last_memory_refusal->limit, cap);
  EXPECT_EQ(after_init.last_memory_refusal->message,
            "a growth by 1073741824 bytes (1 refused in this call)");
  EXPECT_EQ(t.count(ZedEventKind::MemoryRefused), 1u);
  auto grown = (*ext)->call("grow", {});
  ASSERT_FALSE(grown.ok());
  EXPECT_EQ(grown.error().kind, ErrorKind::Trap) << grown.error().describe();
  EXPECT_FALSE(is_zed_timeout(grown.error()));
  ExtensionStatus s = (*ext)->status();
  EXPECT_EQ(s.memory_refusals, 2u);
  ASSERT_TRUE(s.last_memory_refusal.has_value());
  EXPECT_EQ(s.last_memory_refusal->export_name, "grow");
  EXPECT_EQ(s.last_memory_refusal->message, "a growth by 1048576 bytes (1 refused in this call)");
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(t.count(ZedEventKind::MemoryRefused), 2u);
  // The refusal left it within the cap, and it still answers.
  auto pages = (*ext)->call("pages", {});
  ASSERT_TRUE(pages.ok()) << pages.error().describe();
  EXPECT_LE(uint64_t{(*pages)->as_u32()} * 65536, cap);
  EXPECT_GT((*pages)->as_u32(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Tiers, ZedLimits, ::testing::Values("interp", "jit"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ironclad::zed::testing
