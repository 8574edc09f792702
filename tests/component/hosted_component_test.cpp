// ExtensionHost::load_component, the embedder's public way to run a component: typed calls
// into its exports, the embedder's own imports, clear refusals, and the recovery ladder (an
// emulated Alder Lake-N fault in an inner module demotes the component and the idempotent
// call is retried), all through include/ironclad only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "cpu/host.h"
#include "ironclad/extension_host.h"
#include "test_env.h"
#include "wasi/temp_dir.h"

namespace ironclad::component {
namespace {

using component::testing::run;
using component::testing::RunResult;
using ::testing::Contains;
using ::testing::HasSubstr;
using wasi::testing::TempDir;

// The fixture's text made into a component binary by jco (test-time tool).
std::string parse_fixture(const std::string& modules, const std::string& name, TempDir& dir) {
  std::string out = dir / (name + ".wasm");
  RunResult r =
      run({modules + "/.bin/jco", "parse",
           std::string(IRONCLAD_COMPONENT_TEST_FIXTURES) + "/" + name + ".wat", "-o", out});
  EXPECT_EQ(r.status, 0) << "jco parse: " << r.err;
  return out;
}

std::unique_ptr<ExtensionHost> make_host(const TempDir& dir, HostConfig config) {
  config.data_dir = std::filesystem::path(dir.path()) / "data";
  auto host = ExtensionHost::create(std::move(config));
  EXPECT_TRUE(host.ok()) << host.error().describe();
  return host.ok() ? std::move(*host) : nullptr;
}

class HostedComponentTiers : public ::testing::TestWithParam<std::string> {};

TEST_P(HostedComponentTiers, AnExportCallsTheEmbeddersImportWithTypedValues) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  TempDir dir;
  std::string file = parse_fixture(modules, "host_import_component", dir);
  HostConfig config;
  config.tier = GetParam();
  auto host = make_host(dir, config);
  ASSERT_TRUE(host);

  auto host_calls = std::make_shared<int>(0);
  ComponentLoadRequest request;
  request.file = file;
  request.define_imports = [host_calls](ComponentLinker& linker) -> Result<void> {
    linker.define_function(
        "", "host-add",
        [host_calls](std::vector<ComponentValue>& args) -> Result<std::optional<ComponentValue>> {
          ++*host_calls;
          return std::optional<ComponentValue>(
              ComponentValue::u32(args.at(0).as_u32() + args.at(1).as_u32()));
        });
    return {};
  };
  auto component = host->load_component(std::move(request));
  ASSERT_TRUE(component.ok()) << component.error().describe();
  EXPECT_THAT((*component)->function_names(), Contains("add-twice"));
  EXPECT_EQ((*component)->status().tier, GetParam());
  EXPECT_EQ((*component)->status().id, "host_import_component.wasm");

  auto r = (*component)->call("add-twice", {ComponentValue::u32(2), ComponentValue::u32(3)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->as_u32(), 8u);  // (2 + 3) + 3
  EXPECT_EQ(*host_calls, 2);

  // Arguments are checked against the export's type.
  auto wrong = (*component)->call("add-twice", {ComponentValue::u32(2)});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::Usage);
  auto unknown = (*component)->call("nope", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::Usage);
}

INSTANTIATE_TEST_SUITE_P(Tiers, HostedComponentTiers, ::testing::Values("interp", "jit"));

TEST(HostedComponent, AnImportTheEmbedderLacksIsALinkErrorNamingIt) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  TempDir dir;
  std::string file = parse_fixture(modules, "host_import_component", dir);
  auto host = make_host(dir, {});
  ASSERT_TRUE(host);
  ComponentLoadRequest request;
  request.file = file;
  auto component = host->load_component(std::move(request));
  ASSERT_FALSE(component.ok());
  EXPECT_EQ(component.error().kind, ErrorKind::Link);
  EXPECT_THAT(component.error().message, HasSubstr("host-add"));
}

TEST(HostedComponent, ACoreModuleOrAMissingFileIsRefusedSayingWhat) {
  TempDir dir;
  auto host = make_host(dir, {});
  ASSERT_TRUE(host);
  std::string core = dir / "core.wasm";
  {
    std::ofstream out(core, std::ios::binary);
    const char empty_module[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    out.write(empty_module, sizeof empty_module);
  }
  ComponentLoadRequest request;
  request.file = core;
  auto refused = host->load_component(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Usage);
  EXPECT_THAT(refused.error().message, HasSubstr("core.wasm: a core WebAssembly module"));

  request.file = dir / "missing.wasm";
  auto missing = host->load_component(request);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Io);
  EXPECT_THAT(missing.error().message, HasSubstr("missing.wasm"));

  std::string garbage = dir / "garbage.wasm";
  std::ofstream(garbage) << "not wasm at all";
  request.file = garbage;
  auto malformed = host->load_component(request);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind, ErrorKind::Malformed);
  EXPECT_THAT(malformed.error().message, HasSubstr("garbage.wasm"));
}

TEST(HostedComponent, AnEmulatedAlderLakeNFaultDemotesTheComponentAndRetriesTheCall) {
  if (!cpu::host_cpu().verified.has(cpu::X86::AVX512DQ) ||
      !cpu::host_cpu().verified.has(cpu::X86::AVX512VL))
    GTEST_SKIP() << "this host does not verify AVX512DQ+AVX512VL: no vpmullq can be compiled "
                    "to fault";
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  TempDir dir;
  std::string file = parse_fixture(modules, "simd_component", dir);
  std::vector<HostEvent> events;
  HostConfig config;
  config.tier = "jit";
  config.policy = "native";
  config.emulate_cpu = "alderlake-n";
  config.on_event = [&events](const HostEvent& e) { events.push_back(e); };
  auto host = make_host(dir, config);
  ASSERT_TRUE(host);
  ComponentLoadRequest request;
  request.file = file;
  request.id = "simd";
  request.idempotent_exports = {"mul-loop"};
  auto component = host->load_component(std::move(request));
  ASSERT_TRUE(component.ok()) << component.error().describe();

  auto r = (*component)->call("mul-loop", {ComponentValue::u32(3)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  // (3*7^3) + (5*11^3)
  EXPECT_EQ((*r)->as_u64(), uint64_t{3 * 343 + 5 * 1331});
  ExtensionStatus status = (*component)->status();
  EXPECT_EQ(status.state, ExtensionState::Degraded);
  ASSERT_EQ(status.incidents.size(), 1u);
  EXPECT_EQ(status.incidents[0].kind, ErrorKind::CpuIncompatibility);
  EXPECT_FALSE(status.incidents[0].report.empty());
  bool restarted = false;
  for (const HostEvent& e : events)
    restarted |= e.kind == HostEventKind::Restarted && e.extension_id == "simd";
  EXPECT_TRUE(restarted);
}

}  // namespace
}  // namespace ironclad::component
