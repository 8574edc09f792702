// `ironclad run --tier/--policy/--cpu/--cpu-features`, `spectest --tier jit` and `verify`,
// run as a user would: the built binary as a child process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cpu/host.h"
#include "run_process.h"

namespace ironclad::cli::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The part of `ironclad verify` output after the "by required feature:" heading.
std::string feature_table(const std::string& out) {
  size_t at = out.find("by required feature:");
  return at == std::string::npos ? "" : out.substr(at);
}

// IRONCLAD_CPU_FEATURES from the user's shell would change every answer below.
class CliJit : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("IRONCLAD_CPU_FEATURES"); }
  void TearDown() override { ::unsetenv("IRONCLAD_CPU_FEATURES"); }
};

TEST_F(CliJit, EveryTierPrintsTheSameResults) {
  struct Call {
    std::string file;
    std::vector<std::string> invoke_and_args;
    std::string expected;
  };
  const std::vector<Call> calls = {
      {"clijit_scalar.wasm", {"bits", "1000"}, "88102\n"},
      {"clijit_scalar.wasm", {"andn", "12", "10"}, "2\n"},
      {"clijit_simd.wasm", {"mul_lanes", "5", "7"}, "50\n"},
  };
  for (const Call& call : calls) {
    for (const char* tier : {"interp", "jit", "auto"}) {
      std::vector<std::string> args = {
          "run", "--tier", tier, "--invoke", call.invoke_and_args[0], fixture(call.file)};
      args.insert(args.end(), call.invoke_and_args.begin() + 1, call.invoke_and_args.end());
      auto r = run_ironclad(args);
      EXPECT_EQ(r.status, 0) << tier << " " << call.invoke_and_args[0] << ": " << r.err;
      EXPECT_EQ(r.out, call.expected) << tier << " " << call.invoke_and_args[0];
    }
  }
}

TEST_F(CliJit, WasiProgramsExitAlikeInEveryTier) {
  for (const char* tier : {"interp", "jit", "auto"}) {
    auto r = run_ironclad({"run", "--tier", tier, fixture("wasi_exit.wasm"), "7"});
    EXPECT_EQ(r.status, 7) << tier << ": " << r.err;
  }
}

TEST_F(CliJit, TrapsAreTheSameInTheJit) {
  auto r = run_ironclad(
      {"run", "--tier", "jit", "--invoke", "div", fixture("clijit_scalar.wasm"), "1", "0"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "trap: integer divide by zero")) << r.err;
}

// `run` without --tier is --tier auto: tiered (the interpreter at once, the JIT behind it).
TEST_F(CliJit, AutoRunsTieredUnlessThePolicyIsInterpreter) {
  // Without the code cache: a batch an earlier run (of this test, in the same test data
  // directory) compiled would run `bits` as machine code from its first call, and the
  // interpreter would count no call.
  auto jit = run_ironclad({"run", "--tier", "auto", "--show-tier", "--no-code-cache", "--invoke",
                           "bits", fixture("clijit_scalar.wasm"), "10"});
  EXPECT_EQ(jit.status, 0) << jit.err;
  EXPECT_TRUE(contains(jit.err, "ironclad: tier: tiered (policy conservative on this host)"))
      << jit.err;
  EXPECT_TRUE(contains(jit.err, "ironclad: tier: tiered: 1 functions called")) << jit.err;
  auto by_default = run_ironclad(
      {"run", "--show-tier", "--invoke", "bits", fixture("clijit_scalar.wasm"), "10"});
  EXPECT_EQ(by_default.status, 0) << by_default.err;
  EXPECT_TRUE(contains(by_default.err, "ironclad: tier: tiered (policy conservative"))
      << by_default.err;
  EXPECT_EQ(by_default.out, jit.out);
  auto interp = run_ironclad({"run", "--tier", "auto", "--policy", "interpreter", "--show-tier",
                              "--invoke", "bits", fixture("clijit_scalar.wasm"), "10"});
  EXPECT_EQ(interp.status, 0) << interp.err;
  EXPECT_TRUE(contains(interp.err, "ironclad: tier: interp (--tier auto, policy interpreter)"))
      << interp.err;
  EXPECT_EQ(jit.out, interp.out);
}

// A program that ends while its functions are still queued or compiling is not held back by
// them: the process exits at once (std::_Exit, nothing torn down), and still with its status
// and every line it printed (the results go through stdio's buffer).
TEST_F(CliJit, AProgramEndingWithCompilesQueuedExitsWithItsOutputAndStatus) {
  auto reference = run_ironclad(
      {"run", "--tier", "interp", "--invoke", "bits", fixture("clijit_scalar.wasm"), "10"});
  ASSERT_EQ(reference.status, 0) << reference.err;
  ASSERT_FALSE(reference.out.empty());
  ::setenv("IRONCLAD_TIERED_HOLD", "1", 1);
  auto held = run_ironclad({"run", "--invoke", "bits", fixture("clijit_scalar.wasm"), "10"});
  auto trapped = run_ironclad(
      {"run", "--invoke", "div", fixture("clijit_scalar.wasm"), "1", "0"});
  ::unsetenv("IRONCLAD_TIERED_HOLD");
  EXPECT_EQ(held.status, 0) << held.err;
  EXPECT_EQ(held.out, reference.out);
  EXPECT_EQ(trapped.status, 1);
  EXPECT_TRUE(contains(trapped.err, "trap: integer divide by zero")) << trapped.err;
}

// --show-tier counts what is finished at the program's end and says what is still compiling,
// without waiting for it: here a batch held in progress forever (IRONCLAD_TIERED_HOLD=batch),
// which a wait would never see end.
TEST_F(CliJit, ShowTierCountsABatchInProgressWithoutWaitingForIt) {
  auto reference = run_ironclad(
      {"run", "--tier", "interp", "--invoke", "bits", fixture("clijit_scalar.wasm"), "10"});
  ASSERT_EQ(reference.status, 0) << reference.err;
  ::setenv("IRONCLAD_TIERED_HOLD", "batch", 1);
  ::setenv("IRONCLAD_TIERED_HEAT", "1", 1);
  // Without the code cache: a batch another test left in the shared test data directory
  // would be linked before the first call, and nothing would compile.
  auto held = run_ironclad({"run", "--show-tier", "--no-code-cache", "--invoke", "bits",
                            fixture("clijit_scalar.wasm"), "10"});
  ::unsetenv("IRONCLAD_TIERED_HOLD");
  ::unsetenv("IRONCLAD_TIERED_HEAT");
  EXPECT_EQ(held.status, 0) << held.err;
  EXPECT_EQ(held.out, reference.out);
  EXPECT_TRUE(contains(held.err, "ironclad: tier: tiered: 1 functions called, 0 compiled in 0 "
                                 "batches"))
      << held.err;
  EXPECT_TRUE(contains(held.err, "1 functions compiling at exit")) << held.err;
}

TEST_F(CliJit, JitUnderTheInterpreterPolicyIsAUsageError) {
  auto r = run_ironclad({"run", "--tier", "jit", "--policy", "interpreter", "--invoke", "bits",
                         fixture("clijit_scalar.wasm"), "10"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "not allowed under policy 'interpreter'")) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(CliJit, UnknownTierPolicyOrProfileIsAUsageError) {
  std::string wasm = fixture("clijit_scalar.wasm");
  auto tier = run_ironclad({"run", "--tier", "fast", "--invoke", "bits", wasm, "1"});
  EXPECT_EQ(tier.status, 2);
  EXPECT_TRUE(contains(tier.err, "unknown tier 'fast'")) << tier.err;
  auto policy = run_ironclad({"run", "--policy", "bold", "--invoke", "bits", wasm, "1"});
  EXPECT_EQ(policy.status, 2);
  EXPECT_TRUE(contains(policy.err, "unknown policy 'bold'")) << policy.err;
  auto profile = run_ironclad({"run", "--cpu", "pentium9", "--invoke", "bits", wasm, "1"});
  EXPECT_EQ(profile.status, 2);
  EXPECT_TRUE(contains(profile.err, "unknown CPU profile 'pentium9'")) << profile.err;
  EXPECT_TRUE(contains(profile.err, "alderlake-n")) << "the message lists the profiles";
}

// x86-64-v1 has no AVX2, so under --cpu x86-64-v1 AVX2 is unverified whatever this host has.
TEST_F(CliJit, AnUnverifiedFeatureIsRefusedWithAWarning) {
  auto r = run_ironclad({"run", "--tier", "jit", "--cpu", "x86-64-v1", "--cpu-features", "+avx2",
                         "--show-tier", "--invoke", "bits", fixture("clijit_scalar.wasm"), "1000"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "88102\n");
  EXPECT_TRUE(contains(r.err, "ironclad: warning: --cpu-features: '+avx2' refused")) << r.err;
  EXPECT_FALSE(contains(r.err.substr(r.err.find("ironclad: tier:")), "avx2")) << r.err;
}

TEST_F(CliJit, TheEnvironmentOverridesAreReadToo) {
  ::setenv("IRONCLAD_CPU_FEATURES", "+avx2", 1);
  auto r = run_ironclad({"verify", "--cpu", "x86-64-v1", fixture("clijit_scalar.wasm")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "IRONCLAD_CPU_FEATURES: '+avx2' refused")) << r.err;
}

TEST_F(CliJit, SpectestPassesInTheJit) {
  // Every script of tests/spec, in the JIT on this host and with SSE2 only.
  for (const char* script : {"arith", "control", "traps", "memory", "tables_refs", "bulk",
                             "simd_basic", "linking", "malformed", "invalid",
                             "multi_value"}) {
    std::string json = fixture(std::string("wast/") + script + "/" + script + ".json");
    auto r = run_ironclad({"spectest", "--tier", "jit", json});
    EXPECT_EQ(r.status, 0) << script << ": " << r.out << r.err;
    EXPECT_TRUE(contains(r.out, " 0 failed")) << r.out;
    auto v1 = run_ironclad({"spectest", "--tier", "jit", "--cpu", "x86-64-v1", json});
    EXPECT_EQ(v1.status, 0) << script << " on x86-64-v1: " << v1.out << v1.err;
  }
  auto bad = run_ironclad(
      {"spectest", "--tier", "jit", "--policy", "interpreter", fixture("wast/arith/arith.json")});
  EXPECT_EQ(bad.status, 2) << bad.out;
}

TEST_F(CliJit, VerifyPrintsTheFeatureSetAndTheUsageTable) {
  auto r = run_ironclad({"verify", "--cpu", "x86-64-v3", fixture("clijit_scalar.wasm")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "compiled for  profile x86-64-v3 ∩ this host")) << r.out;
  EXPECT_TRUE(contains(r.out, "by ISA extension:")) << r.out;
  // popcnt and clz of i64 under x86-64-v3 (which has POPCNT and LZCNT), each where this
  // host verified it: a kernel may hide LZCNT ("abm"), and then clz must be
  // compiled without it.
  const cpu::FeatureSet& host = cpu::host_cpu().verified;
  std::string features = feature_table(r.out);
  EXPECT_EQ(contains(features, "popcnt"), host.has(cpu::X86::POPCNT)) << r.out;
  EXPECT_EQ(contains(features, "lzcnt"), host.has(cpu::X86::LZCNT)) << r.out;
  EXPECT_TRUE(contains(r.out, "result        ok")) << r.out;
}

TEST_F(CliJit, VerifyForAlderlakeNShowsNoAvx512) {
  auto r = run_ironclad(
      {"verify", "--cpu", "alderlake-n", "--policy", "native", fixture("clijit_simd.wasm")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(contains(feature_table(r.out), "avx512")) << r.out;
  EXPECT_TRUE(contains(r.out, "0 EVEX")) << r.out;
}

// On a host with AVX-512DQ/VL, i64x2.mul compiled with `native` is vpmullq (EVEX); the same
// code checked against alderlake-n is a violation naming the instruction.
TEST_F(CliJit, NativeUsesAvx512AndVerifyingForASmallerCpuFails) {
  auto native = run_ironclad({"verify", "--policy", "native", fixture("clijit_simd.wasm")});
  ASSERT_EQ(native.status, 0) << native.err;
  const cpu::FeatureSet& host = cpu::host_cpu().verified;
  if (!host.has(cpu::X86::AVX512DQ) || !host.has(cpu::X86::AVX512VL)) {
    // Then `native` has no AVX-512 either, and the code fits an Alder Lake-N.
    EXPECT_FALSE(contains(feature_table(native.out), "avx512")) << native.out;
    EXPECT_TRUE(contains(native.out, " 0 EVEX")) << native.out;
    auto fits = run_ironclad({"verify", "--policy", "native", "--verify-for", "alderlake-n",
                              fixture("clijit_simd.wasm")});
    EXPECT_EQ(fits.status, 0) << fits.out << fits.err;
    GTEST_SKIP() << "this host has not verified AVX-512DQ and AVX-512VL: checked that native "
                    "code then has no EVEX instruction";
  }
  EXPECT_TRUE(contains(feature_table(native.out), "avx512dq")) << native.out;
  EXPECT_TRUE(contains(native.out, "AVX512EVEX")) << native.out;

  auto conservative = run_ironclad({"verify", fixture("clijit_simd.wasm")});
  ASSERT_EQ(conservative.status, 0) << conservative.err;
  EXPECT_FALSE(contains(feature_table(conservative.out), "avx512")) << conservative.out;

  auto violation = run_ironclad(
      {"verify", "--policy", "native", "--verify-for", "alderlake-n", fixture("clijit_simd.wasm")});
  EXPECT_EQ(violation.status, 1);
  EXPECT_TRUE(contains(violation.err, "verification failed")) << violation.err;
  EXPECT_TRUE(contains(violation.err, "vpmullq")) << violation.err;
  EXPECT_TRUE(contains(violation.err, "needs avx512dq")) << violation.err;
  EXPECT_TRUE(contains(violation.err, "offset 0x")) << violation.err;
  EXPECT_TRUE(contains(violation.err, "_f")) << "names the function: " << violation.err;
  EXPECT_FALSE(contains(violation.out, "result        ok")) << violation.out;
}

TEST_F(CliJit, VerifyRejectsBadInput) {
  EXPECT_EQ(run_ironclad({"verify", "/nonexistent/m.wasm"}).status, 66);
  EXPECT_EQ(
      run_ironclad({"verify", "--policy", "interpreter", fixture("clijit_scalar.wasm")}).status, 2);
  EXPECT_EQ(run_ironclad({"verify", "--verify-for", "nope", fixture("clijit_scalar.wasm")}).status,
            2);
  EXPECT_EQ(run_ironclad({"verify"}).status, 2);
  // Not a module: the first bytes of a text file.
  auto r = run_ironclad({"verify", fixture("../CMakeCache.txt")});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.signal, 0);
}

}  // namespace
}  // namespace ironclad::cli::testing
