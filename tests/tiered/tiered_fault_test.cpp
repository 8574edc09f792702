// A CPU fault in machine code a tiered store compiled comes back as an error value, like the
// JIT tier's, whether the embedder or the interpreter called it: the code was compiled for
// POPCNT and runs under CPU emulation of a CPU without it.
#include "cpu/host.h"
#include "tiered_harness.h"

namespace ironclad::tiered::testing {
namespace {

using ironclad::testing::Harness;
using ironclad::testing::I32;

TEST(TieredFault, ACpuFaultInCompiledCodeIsAnErrorAndTheInterpreterRunsOn) {
  const cpu::FeatureSet& host = cpu::host_cpu().verified;
  if (!host.has(cpu::X86::POPCNT))
    GTEST_SKIP() << "this host has not verified popcnt: no POPCNT instruction to emulate away";
  // Only $pop (function 0) gets machine code; $outer stays in the interpreter.
  TieredConfig c = sync_config([](const runtime::FunctionInstance& f) { return f.func_index == 0; });
  c.jit.features = cpu::FeatureSet{cpu::X86::SSE2, cpu::X86::POPCNT};
  c.jit.host_verified = host;
  c.jit.emulate_features = cpu::FeatureSet{cpu::X86::SSE2};
  c.jit.emulate_cpu_name = "sse2-only";
  Harness h("tiered_popcnt", make_tiered_tier(std::move(c)));
  h.instantiate();
  // The first call runs in the interpreter (and compiles $pop).
  EXPECT_EQ(h.i32("pop", {I32(0xff)}), 8u);
  // From the embedder straight into the machine code, and from the interpreter through it.
  for (const char* name : {"pop", "outer"}) {
    SCOPED_TRACE(name);
    auto r = h.call(name, {I32(0xff)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::CpuIncompatibility) << r.error().describe();
    EXPECT_NE(r.error().describe().find("popcnt"), std::string::npos) << r.error().describe();
  }
  // Only the function allowed was compiled; the fault demoted nothing by itself (the ladder
  // above the store does that).
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 1u);
}

}  // namespace
}  // namespace ironclad::tiered::testing
