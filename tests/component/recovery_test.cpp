// A CPU fault inside a component is recovered like one in a module: the emulated Alder Lake-N
// refuses the vpmullq that policy native compiles for an inner module's i64x2.mul loop; the
// whole component moves to the next rung, an idempotent call is retried and returns the
// product, a non-idempotent one returns ExtensionRestarted, and the crash report and the
// incident name the component, its inner module and the function.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "component/loader.h"
#include "cpu/host.h"
#include "host/crash_report.h"
#include "host/recovering_module.h"
#include "host/recovery_store.h"
#include "support/fixture_dir.h"
#include "test_env.h"
#include "wasi/temp_dir.h"
#include "wasm/module_file.h"

namespace ironclad::component {
namespace {

using namespace testing;
using ::testing::HasSubstr;
using wasi::testing::TempDir;

uint64_t expected_product(uint32_t n) {
  uint64_t a = 3, b = 5;
  for (uint32_t i = 0; i < n; ++i) {
    a *= 7;
    b *= 11;
  }
  return a + b;
}

struct Fixture {
  std::string path;
  std::vector<uint8_t> bytes;
  std::shared_ptr<const Component> component;
};

std::optional<Fixture> simd_component(const std::string& modules, TempDir& dir) {
  Fixture f;
  f.path = dir / "simd.wasm";
  RunResult r =
      run({modules + "/.bin/jco", "parse",
           std::string(IRONCLAD_COMPONENT_TEST_FIXTURES) + "/simd_component.wat", "-o", f.path});
  if (r.status != 0) {
    ADD_FAILURE() << "jco parse: " << r.err;
    return std::nullopt;
  }
  f.bytes = *wasm::read_file_bytes(f.path);
  auto c = load_component(f.bytes, f.path);
  if (!c.ok()) {
    ADD_FAILURE() << c.error().message;
    return std::nullopt;
  }
  f.component = *c;
  return f;
}

host::RecoveryConfig alderlake(const TempDir& dir, const std::string& path,
                               std::vector<HostEvent>& events) {
  host::RecoveryConfig config;
  config.plan.tier = "jit";
  config.plan.policy = "native";
  config.plan.emulate_cpu = "alderlake-n";
  config.plan.use_env_overrides = false;
  config.id = "simd.wasm";
  config.is_extension = false;
  config.module_path = path;
  std::vector<std::string> warnings;
  config.store =
      host::RecoveryStore::open(std::filesystem::path(dir.path()) / "data", true, warnings);
  config.on_event = [&events](HostEvent e) { events.push_back(std::move(e)); };
  return config;
}

#define SKIP_WITHOUT_AVX512()                                                                   \
  if (!cpu::host_cpu().verified.has(cpu::X86::AVX512DQ) ||                                      \
      !cpu::host_cpu().verified.has(cpu::X86::AVX512VL))                                        \
  GTEST_SKIP() << "this host does not verify AVX512DQ+AVX512VL: no vpmullq can be compiled to " \
                  "fault"

TEST(ComponentRecovery, AnIdempotentCallIsRetriedOnTheSafeRung) {
  SKIP_WITHOUT_AVX512();
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  TempDir dir;
  auto f = simd_component(modules, dir);
  ASSERT_TRUE(f);
  std::vector<HostEvent> events;
  auto program = host::RecoveringModule::create_component(f->component, f->bytes,
                                                          alderlake(dir, f->path, events));
  ASSERT_TRUE(program.ok()) << program.error().describe();
  EXPECT_NE((*program)->status().features.find("avx512dq"), std::string::npos);

  auto r = (*program)->call_component("mul-loop", {ComponentValue::u32(1000)}, /*idempotent=*/true);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->as_u64(), expected_product(1000));

  ExtensionStatus status = (*program)->status();
  EXPECT_EQ(status.state, ExtensionState::Degraded);
  EXPECT_EQ(status.rung, Rung::Conservative);
  EXPECT_EQ(status.features.find("avx512"), std::string::npos) << status.features;
  ASSERT_EQ(status.incidents.size(), 1u);
  const Incident& incident = status.incidents[0];
  EXPECT_EQ(incident.kind, ErrorKind::CpuIncompatibility);
  EXPECT_EQ(incident.export_name, "mul-loop");
  EXPECT_THAT(incident.message, HasSubstr("core module 0 `M`, function 0 `mul-loop`"));

  ASSERT_FALSE(incident.report.empty());
  std::ifstream in(incident.report);
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto report = host::crash_report_from_json(json);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->kind, "CpuIncompatibility");
  EXPECT_EQ(report->module_path, f->path);
  EXPECT_THAT(report->message, HasSubstr("core module 0 `M`, function 0 `mul-loop`"));
  ASSERT_TRUE(report->fault.has_value());
  EXPECT_EQ(report->fault->mnemonic, "vpmullq");
  EXPECT_EQ(report->emulated_cpu, "alderlake-n");

  bool restarted = false;
  for (const HostEvent& e : events) {
    if (e.kind == HostEventKind::Restarted) {
      restarted = true;
      EXPECT_THAT(e.message, HasSubstr("component 'simd.wasm' restarted in safe mode"));
    }
  }
  EXPECT_TRUE(restarted);

  // The next call runs on the safe rung without another incident.
  auto again = (*program)->call_component("mul-loop", {ComponentValue::u32(10)}, true);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ((*again)->as_u64(), expected_product(10));
  EXPECT_EQ((*program)->status().incidents.size(), 1u);
}

TEST(ComponentRecovery, ANonIdempotentCallReportsTheRestartAndTheQuarantineIsRemembered) {
  SKIP_WITHOUT_AVX512();
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  TempDir dir;
  auto f = simd_component(modules, dir);
  ASSERT_TRUE(f);
  std::vector<HostEvent> events;
  {
    auto program = host::RecoveringModule::create_component(f->component, f->bytes,
                                                            alderlake(dir, f->path, events));
    ASSERT_TRUE(program.ok()) << program.error().describe();
    auto r = (*program)->call_component("mul-loop", {ComponentValue::u32(5)}, /*idempotent=*/false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::ExtensionRestarted);
    EXPECT_THAT(r.error().message, HasSubstr("vpmullq"));
    auto next = (*program)->call_component("mul-loop", {ComponentValue::u32(5)}, false);
    ASSERT_TRUE(next.ok()) << next.error().describe();
    EXPECT_EQ((*next)->as_u64(), expected_product(5));
  }
  // A new process (a new RecoveringModule on the same data) starts on the safe rung at once.
  events.clear();
  auto again = host::RecoveringModule::create_component(f->component, f->bytes,
                                                        alderlake(dir, f->path, events));
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ((*again)->status().rung, Rung::Conservative);
  auto r = (*again)->call_component("mul-loop", {ComponentValue::u32(5)}, false);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*again)->status().incidents.size(), 1u);  // the earlier one, from the crash reports
}

// The JIT's input limits apply to every inner core module: a component with one beyond them
// runs in the interpreter from the start, with a note naming the inner module (the limit
// check once read the component's missing core module and crashed).
TEST(ComponentRecovery, AComponentTooLargeForTheJitRunsInTheInterpreter) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  TempDir dir;
  auto f = simd_component(modules, dir);
  ASSERT_TRUE(f);
  std::vector<HostEvent> events;
  host::RecoveryConfig config = alderlake(dir, f->path, events);
  config.plan.policy = "conservative";
  config.plan.emulate_cpu.clear();
  config.jit_input_limits.max_function_bytes = 8;  // every real function is larger
  auto program = host::RecoveringModule::create_component(f->component, f->bytes, config);
  ASSERT_TRUE(program.ok()) << program.error().describe();
  ExtensionStatus status = (*program)->status();
  EXPECT_EQ(status.tier, "interp");
  EXPECT_THAT(status.reason, HasSubstr("too large for the JIT (core module 0"));
  bool noted = false;
  for (const HostEvent& e : events)
    if (e.kind == HostEventKind::Note &&
        e.message.find("runs in the interpreter") != std::string::npos)
      noted = true;
  EXPECT_TRUE(noted);
  auto r = (*program)->call_component("mul-loop", {ComponentValue::u32(100)}, true);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)->as_u64(), expected_product(100));
}

}  // namespace
}  // namespace ironclad::component
