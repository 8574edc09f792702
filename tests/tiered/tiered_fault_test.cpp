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

// Under CPU emulation the tier made as the CLI and the extension host make it compiles each
// function before its first call, so the first call already faults (reproducing a crash must
// not wait for a function to be called twice), from the embedder and from the interpreter.
TEST(TieredFault, UnderEmulationTheFirstCallRunsTheMachineCodeAndFaults) {
  const cpu::FeatureSet& host = cpu::host_cpu().verified;
  if (!host.has(cpu::X86::POPCNT))
    GTEST_SKIP() << "this host has not verified popcnt: no POPCNT instruction to emulate away";
  for (const char* first : {"pop", "outer"}) {
    SCOPED_TRACE(first);
    jit::JitConfig jit;
    jit.features = cpu::FeatureSet{cpu::X86::SSE2, cpu::X86::POPCNT};
    jit.host_verified = host;
    jit.emulate_features = cpu::FeatureSet{cpu::X86::SSE2};
    jit.emulate_cpu_name = "sse2-only";
    TieredConfig c = tiered_config_for(std::move(jit));
    ASSERT_TRUE(c.compile_before_first_call);
    // $outer stays in the interpreter: its call handler enters $pop's fresh machine code.
    c.may_compile = [](const runtime::FunctionInstance& f) { return f.func_index == 0; };
    Harness h("tiered_popcnt", make_tiered_tier(std::move(c)));
    h.instantiate();
    auto r = h.call(first, {I32(0xff)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::CpuIncompatibility) << r.error().describe();
    TieredStats s;
    ASSERT_TRUE(tiered_stats(h.store.tier(), s));
    EXPECT_EQ(s.functions_compiled, 1u);
  }
}

// Without emulation nothing changes: the first call runs in the interpreter, and a function
// the lazy mode could not compile runs there too.
TEST(TieredFault, ALazyTierRunsWhatItCannotCompileInTheInterpreter) {
  jit::JitConfig jit;
  jit.features = cpu::FeatureSet{cpu::X86::SSE2};
  jit.host_verified = jit.features;
  TieredConfig c = tiered_config_for(std::move(jit));
  EXPECT_FALSE(c.compile_before_first_call);
  c.compile_before_first_call = true;
  c.may_compile = [](const runtime::FunctionInstance& f) { return f.func_index == 1; };
  Harness h("tiered_popcnt", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_EQ(h.i32("outer", {I32(0xf0f)}), 108u);
  EXPECT_EQ(h.i32("pop", {I32(7)}), 3u);
  TieredStats s;
  ASSERT_TRUE(tiered_stats(h.store.tier(), s));
  EXPECT_EQ(s.functions_compiled, 1u);  // $outer only, at its first call
  EXPECT_EQ(s.functions_queued, 1u);
}

}  // namespace
}  // namespace ironclad::tiered::testing
