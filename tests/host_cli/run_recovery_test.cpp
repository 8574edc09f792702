// `ironclad run` on the recovery ladder: an emulated Alder Lake-N fault in a plain module is
// recovered, reported and remembered; a program is run again from the start only while
// nothing it did was visible.
#include <gtest/gtest.h>

#include "host_cli_support.h"

namespace ironclad::cli::testing {
namespace {

class RunRecovery : public HostCli {
 protected:
  ProcessResult run_emulated(const std::vector<std::string>& rest) {
    std::vector<std::string> args = {"run",         "--tier",     "auto",
                                     "--policy",    "native",     "--emulate-cpu",
                                     "alderlake-n", "--data-dir", data_dir_};
    args.insert(args.end(), rest.begin(), rest.end());
    return run_ironclad(args);
  }
};

TEST_F(RunRecovery, AProgramThatFaultsBeforePrintingFinishesWithTheRightOutput) {
  SKIP_WITHOUT_AVX512();
  auto reference = run_ironclad({"run", "--tier", "interp", fixture("vechash_cmd.wasm")});
  ASSERT_EQ(reference.status, 0) << reference.err;
  ASSERT_FALSE(reference.out.empty());

  auto r = run_emulated({fixture("vechash_cmd.wasm")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, reference.out);
  EXPECT_TRUE(contains(r.err, "ironclad: module 'vechash_cmd.wasm' restarted in safe mode"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "cannot execute vpmullq")) << r.err;
  EXPECT_TRUE(contains(r.err, "again from the start")) << r.err;
  EXPECT_TRUE(contains(r.err, "ironclad: crash report: " + data_dir_)) << r.err;

  // The quarantine remembers: the second run starts on the safe rung and does not fault.
  auto second = run_emulated({fixture("vechash_cmd.wasm")});
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, reference.out);
  EXPECT_TRUE(contains(second.err, "starts in safe mode")) << second.err;
  EXPECT_FALSE(contains(second.err, "restarted")) << second.err;

  auto status = run_ironclad({"ext", "status", "--data-dir", data_dir_});
  EXPECT_TRUE(contains(status.out, "vechash_cmd.wasm")) << status.out;
}

// The command line: --emulate-cpu without --tier runs the default tier, tiered, which
// under emulation compiles each function before its first call: the crash and its recovery
// happen as under the whole-module JIT.
TEST_F(RunRecovery, EmulatingWithoutATierRunsTheJitAndRecovers) {
  SKIP_WITHOUT_AVX512();
  auto reference = run_ironclad({"run", "--tier", "interp", fixture("vechash_cmd.wasm")});
  auto r = run_ironclad({"run", "--policy", "native", "--emulate-cpu", "alderlake-n", "--data-dir",
                         data_dir_, fixture("vechash_cmd.wasm")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, reference.out);
  EXPECT_TRUE(contains(r.err, "cannot execute vpmullq")) << r.err;
}

TEST_F(RunRecovery, AProgramThatAlreadyPrintedIsNotRunAgain) {
  SKIP_WITHOUT_AVX512();
  auto r = run_emulated({fixture("print_then_hash.wasm")});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out, "started\n") << "printed once, not repeated by a second run";
  EXPECT_TRUE(contains(r.err, "restarted in safe mode")) << r.err;
  EXPECT_TRUE(contains(r.err, "output may be partial")) << r.err;
  // Run again by the user, it starts on the safe rung and completes.
  auto second = run_emulated({fixture("print_then_hash.wasm")});
  EXPECT_EQ(second.status, 0) << second.err;
  auto reference = run_ironclad({"run", "--tier", "interp", fixture("print_then_hash.wasm")});
  EXPECT_EQ(second.out, reference.out);
}

TEST_F(RunRecovery, AnInvokedExportWithoutEffectsIsCalledAgain) {
  SKIP_WITHOUT_AVX512();
  auto reference =
      run_ironclad({"run", "--tier", "interp", "--invoke", "hash", vechash_wasm(), "42", "64"});
  ASSERT_EQ(reference.status, 0) << reference.err;
  auto r = run_emulated({"--invoke", "hash", vechash_wasm(), "42", "64"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, reference.out);
  EXPECT_TRUE(contains(r.err, "restarted in safe mode")) << r.err;
}

// IRONCLAD_CRASH_REPORT_LIMIT bounds the crash reports `run` keeps: three programs fault,
// the two newest reports stay.
TEST_F(RunRecovery, TheEnvironmentLimitsTheCrashReportsKept) {
  SKIP_WITHOUT_AVX512();
  ::setenv("IRONCLAD_CRASH_REPORT_LIMIT", "2", 1);
  EXPECT_EQ(run_emulated({fixture("vechash_cmd.wasm")}).status, 0);
  EXPECT_EQ(run_emulated({fixture("print_then_hash.wasm")}).status, 1);
  auto third = run_emulated({"--invoke", "hash", vechash_wasm(), "42", "64"});
  ::unsetenv("IRONCLAD_CRASH_REPORT_LIMIT");
  EXPECT_TRUE(contains(third.err, "ironclad: crash report: ")) << third.err;

  auto list = run_ironclad({"crashes", "list", "--data-dir", data_dir_});
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "2 reports in 2 groups")) << list.out;
  auto all = run_ironclad({"crashes", "export", "--sentry", "-", "--data-dir", data_dir_});
  EXPECT_FALSE(contains(all.out, "vechash_cmd.wasm")) << "the oldest report went first";
  EXPECT_TRUE(contains(all.out, "print_then_hash.wasm")) << all.out;
}

TEST_F(RunRecovery, AMalformedCrashReportLimitIsAWarningAndTheDefault) {
  ::setenv("IRONCLAD_CRASH_REPORT_LIMIT", "many", 1);
  auto r =
      run_ironclad({"run", "--tier", "jit", "--data-dir", data_dir_, fixture("vechash_cmd.wasm")});
  ::unsetenv("IRONCLAD_CRASH_REPORT_LIMIT");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: IRONCLAD_CRASH_REPORT_LIMIT=many is not a number"))
      << r.err;
}

TEST_F(RunRecovery, TheInterpreterAndAFaultFreeJitRunAsBefore) {
  auto interp = run_ironclad({"run", fixture("vechash_cmd.wasm")});
  auto jit =
      run_ironclad({"run", "--tier", "jit", "--data-dir", data_dir_, fixture("vechash_cmd.wasm")});
  EXPECT_EQ(interp.status, 0) << interp.err;
  EXPECT_EQ(jit.status, 0) << jit.err;
  EXPECT_EQ(jit.out, interp.out);
  EXPECT_EQ(jit.err, "") << "nothing to say when nothing faulted";
}

}  // namespace
}  // namespace ironclad::cli::testing
