// The shared Zed extensions instantiate against a linker that stubs every import (the editor
// API and WASI answer with default values), in the interpreter and in the JIT, and their
// `init-extension` export runs.
#include <gtest/gtest.h>

#include "component/instance.h"
#include "component/loader.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "stub_linker.h"
#include "test_env.h"
#include "wasi/preview2.h"
#include "wasi/temp_dir.h"

namespace ironclad::component {
namespace {

using namespace testing;

std::unique_ptr<runtime::Tier> make_tier(const std::string& name) {
  if (name == "interp") return interp::make_interpreter();
  jit::JitConfig config;
  config.features = cpu::FeatureSet{cpu::X86::SSE2};
  config.host_verified = config.features;
  config.opt_level = 0;
  return jit::make_jit_tier(std::move(config));
}

// One test per tier and extension (the i-th of the sorted list), so that ctest spreads them.
class SharedExtensionsRun : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(SharedExtensionsRun, InstantiateAndInit) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  auto [tier, index] = GetParam();
  if (static_cast<size_t>(index) >= extensions.size())
    GTEST_SKIP() << "only " << extensions.size() << " shared extensions";
  {
    const fs::path& file = extensions[index];
    SCOPED_TRACE(file.string());
    auto c = load_component_file(file.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    // The editor's API is stubbed; WASI is the real host, with the extension's work directory
    // preopened and $PWD naming it, as the editor sets them up.
    wasi::testing::TempDir work;
    wasi::WasiContext context;
    context.set_env({"PWD=/work"});
    ASSERT_TRUE(context.preopen_dir(work.path(), "/work").ok());
    wasi::Preview2Host wasi_host(context);
    StubLinker stubs(**c, "wasi:");
    wasi_host.add_to_linker(stubs.linker);
    runtime::StoreLimits limits;
    limits.fuel = 200'000'000;
    auto store = std::make_unique<runtime::Store>(make_tier(tier), limits);
    auto inst = ComponentInstanceImpl::create(*c, stubs.linker, std::move(store));
    ASSERT_TRUE(inst.ok()) << inst.error().describe();
    auto names = (*inst)->function_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "init-extension"), names.end());
    auto r = (*inst)->call("init-extension", {});
    std::string called;
    for (const auto& [name, n] : stubs.calls) called += " " + name + " x" + std::to_string(n);
    EXPECT_TRUE(r.ok()) << r.error().describe() << "; editor API calls:" << called;
  }
}

INSTANTIATE_TEST_SUITE_P(Tiers, SharedExtensionsRun,
                         ::testing::Combine(::testing::Values("interp", "jit"),
                                            ::testing::Range(0, 14)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace ironclad::component
