// Engine faults: the instance is recreated; max_faults of them within the window disable the
// extension (with an event), calls then return ExtensionDisabled, enable() restores it. Wasm
// traps are ordinary errors that demote nothing.
//
// The fault comes from a host function the tests define (host/extension_host_internal.h),
// which fails exactly as the JIT reports a fault in generated code: an EngineFault error
// with FaultDetails (a SIGSEGV). The real signal path is exercised by the emulated crash and
// stress tests.
#include <gtest/gtest.h>

#include <csignal>

#include "host/extension_host_internal.h"
#include "host_test_support.h"

namespace ironclad::host_test {
namespace {

host::HostHooks fault_hooks() {
  host::HostHooks hooks;
  hooks.define_imports = [](const std::string&, runtime::Linker& linker, runtime::Store& store) {
    wasm::FuncType type;
    linker.define_function(store, "ironclad_test", "engine_fault", type,
                           [](runtime::HostContext&, const Value*, Value*) -> Result<void> {
                             Error e = Error::make(ErrorKind::EngineFault,
                                                   "unexpected fault in JIT code: signal 11");
                             FaultDetails d;
                             d.signal = SIGSEGV;
                             e.fault = d;
                             return e;
                           });
    return Result<void>();
  };
  return hooks;
}

struct Fixture {
  TempDir tmp;
  EventLog events;
  std::unique_ptr<ExtensionHost> host;
  Extension* ext = nullptr;

  explicit Fixture(uint32_t max_faults, std::string tier = "interp") {
    HostConfig config;
    config.data_dir = tmp.path() / "data";
    config.tier = std::move(tier);
    config.max_faults = max_faults;
    config.fault_window = std::chrono::seconds(3600);
    config.on_event = events.sink();
    auto created = host::create_extension_host(std::move(config), fault_hooks());
    EXPECT_TRUE(created.ok()) << created.error().describe();
    host = std::move(*created);
    auto loaded = host->load(make_extension(tmp.path(), "flaky", "host_engine.wasm",
                                            "count = {}\nfault = { idempotent = true }\n"
                                            "trap = { idempotent = true }\n"));
    EXPECT_TRUE(loaded.ok()) << loaded.error().describe();
    ext = *loaded;
  }
};

TEST(EngineFault, TheInstanceIsRecreatedOnTheSameRung) {
  Fixture f(3);
  ASSERT_TRUE(f.ext->call("count", {}).ok());
  ASSERT_EQ((*f.ext->call("count", {}))[0].i32, 2u);
  auto faulted = f.ext->call("fault", {});
  ASSERT_FALSE(faulted.ok());
  EXPECT_EQ(faulted.error().kind, ErrorKind::ExtensionRestarted) << faulted.error().describe();
  // A fresh instance: the counter starts again.
  auto count = f.ext->call("count", {});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ((*count)[0].i32, 1u);
  ExtensionStatus s = f.ext->status();
  EXPECT_EQ(s.state, ExtensionState::Running);
  EXPECT_EQ(s.rung, Rung::Planned);
  ASSERT_EQ(s.incidents.size(), 1u);
  EXPECT_EQ(s.incidents[0].kind, ErrorKind::EngineFault);
  EXPECT_EQ(f.events.count(HostEventKind::Restarted), 1u);
}

TEST(EngineFault, MaxFaultsWithinTheWindowDisableAndEnableRestores) {
  Fixture f(3);
  for (int i = 0; i < 2; ++i) {
    auto faulted = f.ext->call("fault", {});
    ASSERT_FALSE(faulted.ok());
    EXPECT_EQ(faulted.error().kind, ErrorKind::ExtensionRestarted);
  }
  EXPECT_EQ(f.ext->status().state, ExtensionState::Running);
  auto third = f.ext->call("fault", {});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().kind, ErrorKind::ExtensionDisabled) << third.error().describe();

  ExtensionStatus s = f.ext->status();
  EXPECT_EQ(s.state, ExtensionState::Disabled);
  EXPECT_EQ(s.tier, "");
  EXPECT_NE(s.reason.find("3 engine faults"), std::string::npos) << s.reason;
  EXPECT_EQ(s.incidents.size(), 3u);
  EXPECT_EQ(s.incidents.back().tier_after, "disabled");
  auto disabled = f.events.of(HostEventKind::Disabled);
  ASSERT_EQ(disabled.size(), 1u);
  EXPECT_EQ(disabled[0].extension_id, "flaky");
  EXPECT_NE(disabled[0].message.find("ironclad ext enable flaky"), std::string::npos);

  // Every call, faulting export or not, is refused while disabled.
  auto count = f.ext->call("count", {});
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.error().kind, ErrorKind::ExtensionDisabled);

  // A second host on the same data directory remembers it.
  {
    EventLog events;
    HostConfig config;
    config.data_dir = f.tmp.path() / "data";
    config.tier = "interp";
    config.on_event = events.sink();
    auto second = host::create_extension_host(config, fault_hooks());
    ASSERT_TRUE(second.ok());
    auto ext = (*second)->load(f.tmp.path() / "flaky");
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    EXPECT_EQ((*ext)->status().state, ExtensionState::Disabled);
    EXPECT_EQ((*ext)->call("count", {}).error().kind, ErrorKind::ExtensionDisabled);
  }

  ASSERT_TRUE(f.host->enable("flaky").ok());
  EXPECT_EQ(f.events.count(HostEventKind::Enabled), 1u);
  EXPECT_EQ(f.ext->status().state, ExtensionState::Running);
  auto after = f.ext->call("count", {});
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ((*after)[0].i32, 1u);
  // The window starts afresh: one fault does not disable it again.
  EXPECT_EQ(f.ext->call("fault", {}).error().kind, ErrorKind::ExtensionRestarted);
  EXPECT_EQ(f.ext->status().state, ExtensionState::Running);
}

TEST(EngineFault, EnableOfAnUnknownExtensionIsAUsageError) {
  Fixture f(3);
  EXPECT_EQ(f.host->enable("nobody").error().kind, ErrorKind::Usage);
  EXPECT_EQ(f.host->reset("nobody").error().kind, ErrorKind::Usage);
}

TEST(Traps, AreReturnedToTheCallerAndDemoteNothing) {
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    Fixture f(1, tier);
    ASSERT_TRUE(f.ext->call("count", {}).ok());
    for (int i = 0; i < 5; ++i) {
      auto trapped = f.ext->call("trap", {});
      ASSERT_FALSE(trapped.ok());
      EXPECT_EQ(trapped.error().kind, ErrorKind::Trap);
      EXPECT_EQ(trapped.error().trap, TrapKind::Unreachable);
    }
    ExtensionStatus s = f.ext->status();
    EXPECT_EQ(s.state, ExtensionState::Running);
    EXPECT_EQ(s.rung, Rung::Planned);
    EXPECT_TRUE(s.incidents.empty());
    EXPECT_EQ(f.events.count(HostEventKind::Restarted), 0u);
    EXPECT_EQ(f.events.count(HostEventKind::Disabled), 0u);
    // The instance is the same one: a trap does not restart it.
    auto count = f.ext->call("count", {});
    ASSERT_TRUE(count.ok());
    EXPECT_EQ((*count)[0].i32, 2u);
  }
}

}  // namespace
}  // namespace ironclad::host_test
