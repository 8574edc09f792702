// `ironclad run --emulate-cpu PROFILE` (and IRONCLAD_EMULATE_CPU), run as a user would: the
// built binary as a child process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cpu/host.h"
#include "run_process.h"

namespace ironclad::cli::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool host_has_vpmullq() {
  const cpu::FeatureSet& host = cpu::host_cpu().verified;
  return host.has(cpu::X86::AVX512DQ) && host.has(cpu::X86::AVX512VL);
}
#define SKIP_WITHOUT_VPMULLQ()                                                      \
  if (!host_has_vpmullq())                                                          \
  GTEST_SKIP() << "this host has not verified avx512dq+avx512vl, so no vpmullq is " \
                  "compiled for its native policy and there is nothing to emulate away"

// The user's shell must not choose the features or the emulated CPU for these tests, and
// `run` must not remember incidents from another run (its quarantine lives in the data
// directory): each test gets a fresh one.
class CliEmulation : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("IRONCLAD_CPU_FEATURES");
    ::unsetenv("IRONCLAD_EMULATE_CPU");
    char dir[] = "/tmp/ironclad-emulation-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    data_dir_ = dir;
    ::setenv("IRONCLAD_DATA_DIR", dir, 1);
  }
  void TearDown() override {
    ::unsetenv("IRONCLAD_EMULATE_CPU");
    ::unsetenv("IRONCLAD_DATA_DIR");
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

 private:
  std::string data_dir_;
};

std::vector<std::string> run_mul_lanes(std::vector<std::string> tier_options) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), tier_options.begin(), tier_options.end());
  for (const char* a : {"--invoke", "mul_lanes"}) args.push_back(a);
  args.push_back(fixture("emulation_simd.wasm"));
  args.push_back("5");
  args.push_back("7");
  return args;
}

// The exit status is not asserted: `run` may recover from a CPU incompatibility by itself
// (the recovery ladder reports the incompatibility and runs the call again in safe mode).
TEST_F(CliEmulation, NativeCodeOnAnEmulatedAlderLakeNReportsVpmullq) {
  SKIP_WITHOUT_VPMULLQ();
  auto r = run_ironclad(
      run_mul_lanes({"--tier", "jit", "--policy", "native", "--emulate-cpu", "alderlake-n"}));
  EXPECT_EQ(r.signal, 0) << "the process died: " << r.err;
  EXPECT_TRUE(contains(r.err, "this CPU (emulated alderlake-n) cannot execute vpmullq")) << r.err;
}

TEST_F(CliEmulation, WithoutEmulationTheSameRunSucceedsLikeTheInterpreter) {
  auto interp = run_ironclad(run_mul_lanes({"--tier", "interp"}));
  ASSERT_EQ(interp.status, 0) << interp.err;
  auto jit = run_ironclad(run_mul_lanes({"--tier", "jit", "--policy", "native"}));
  EXPECT_EQ(jit.status, 0) << jit.err;
  EXPECT_EQ(jit.out, interp.out);
  EXPECT_FALSE(contains(jit.err, "vpmullq")) << jit.err;
}

TEST_F(CliEmulation, TheEnvironmentVariableEmulatesToo) {
  SKIP_WITHOUT_VPMULLQ();
  ::setenv("IRONCLAD_EMULATE_CPU", "alderlake-n", 1);
  auto r = run_ironclad(run_mul_lanes({"--tier", "jit", "--policy", "native", "--show-tier"}));
  EXPECT_TRUE(contains(r.err,
                       "ironclad: tier: emulating alderlake-n: compiled instructions "
                       "needing "))
      << r.err;
  EXPECT_TRUE(contains(r.err, "vpmullq")) << r.err;
}

TEST_F(CliEmulation, AnUnknownProfileIsAUsageErrorListingTheKnownOnes) {
  auto r = run_ironclad(run_mul_lanes({"--tier", "jit", "--emulate-cpu", "pentium-9000"}));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "unknown CPU profile 'pentium-9000' for --emulate-cpu")) << r.err;
  EXPECT_TRUE(contains(r.err, "alderlake-n")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(CliEmulation, TheInterpreterIgnoresItAndSaysSo) {
  auto plain = run_ironclad(run_mul_lanes({"--tier", "interp"}));
  auto r = run_ironclad(
      run_mul_lanes({"--tier", "interp", "--emulate-cpu", "alderlake-n", "--show-tier"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, plain.out);
  EXPECT_TRUE(contains(r.err, "emulating alderlake-n has no effect on the interpreter")) << r.err;
}

// Code compiled for what the emulated CPU has runs under its emulation (the fix the issue
// recommends, checked the way a user would check it).
TEST_F(CliEmulation, CodeForTheEmulatedCpuRunsUnderItsEmulation) {
  auto interp = run_ironclad(run_mul_lanes({"--tier", "interp"}));
  auto r = run_ironclad(
      run_mul_lanes({"--tier", "jit", "--cpu", "alderlake-n", "--emulate-cpu", "alderlake-n"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, interp.out);
}

}  // namespace
}  // namespace ironclad::cli::testing
