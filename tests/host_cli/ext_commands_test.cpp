// `ironclad ext list|call|status|enable` on the example extension, each test with its own
// data directory.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cpu/fingerprint.h"
#include "cpu/host.h"
#include "host/crash_report.h"
#include "host/quarantine.h"
#include "host_cli_support.h"

namespace ironclad::cli::testing {
namespace {

class ExtCommands : public HostCli {
 protected:
  // ext call on the example extension with the given options; the call comes first.
  ProcessResult call(const std::vector<std::string>& call_args,
                     const std::vector<std::string>& options = {}) {
    std::vector<std::string> args = {"ext", "call", vechash_dir().string()};
    args.insert(args.end(), call_args.begin(), call_args.end());
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--data-dir", data_dir_});
    return run_ironclad(args);
  }
  // What the interpreter answers: the reference every configuration must agree with.
  std::string interpreter_result(const std::vector<std::string>& call_args) {
    auto r = call(call_args, {"--tier", "interp"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(r.out.empty());
    return r.out;
  }
};

TEST_F(ExtCommands, ListShowsEachExtensionAndNamesTheFileAndKeyOfABrokenOne) {
  std::filesystem::path dir = root_ / "extensions";
  std::filesystem::create_directories(dir);
  std::filesystem::copy(vechash_dir(), dir / "vechash");
  std::filesystem::create_directories(dir / "broken");
  std::filesystem::copy_file(vechash_wasm(), dir / "broken" / "vechash.wasm");
  std::ofstream(dir / "broken" / "extension.toml")
      << "id = \"broken\"\nname = \"Broken\"\nversion = \"1\"\nwasm = \"vechash.wasm\"\n"
         "[exports]\nhash = { idempotnt = true }\n";

  auto r = run_ironclad({"ext", "list", dir.string(), "--data-dir", data_dir_});
  EXPECT_NE(r.status, 0) << "a failed extension must make the status non-zero";
  EXPECT_TRUE(contains(r.out, "vechash 1.0.0")) << r.out;
  EXPECT_TRUE(contains(r.out, "hash (idempotent)")) << r.out;
  EXPECT_TRUE(contains(r.out, "absorb,")) << r.out;
  EXPECT_FALSE(contains(r.out, "absorb (idempotent)")) << r.out;
  EXPECT_TRUE(contains(r.out, "state     running")) << r.out;
  EXPECT_TRUE(contains(r.out, "tier      tiered")) << r.out;  // the default, auto
  EXPECT_TRUE(contains(r.out, "1 loaded, 1 failed")) << r.out;
  // One line for the broken one, naming its file and the misspelt key.
  EXPECT_EQ(r.err_lines(), 1u) << r.err;
  EXPECT_TRUE(contains(r.err, "broken/extension.toml")) << r.err;
  EXPECT_TRUE(contains(r.err, "idempotnt")) << r.err;
}

// One extension.toml whose dotted key has 60,000 parts killed `ext list` (SIGSEGV in the
// TOML parser): now that extension is refused with a message, status 3, the others load.
TEST_F(ExtCommands, ListSurvivesAManifestWithADeeplyDottedKey) {
  std::filesystem::path dir = root_ / "extensions";
  std::filesystem::create_directories(dir / "deep");
  std::filesystem::copy(vechash_dir(), dir / "vechash");
  std::string parts;
  for (int i = 0; i < 60000; ++i) parts += i ? ".a" : "a";
  std::ofstream(dir / "deep" / "extension.toml") << "[" << parts << "]\n";

  auto r = run_ironclad({"ext", "list", dir.string(), "--data-dir", data_dir_});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(contains(r.out, "vechash 1.0.0")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 loaded, 1 failed")) << r.out;
  EXPECT_TRUE(contains(r.err, "deep/extension.toml: line 1: a dotted key with more than 64"))
      << r.err;
}

TEST_F(ExtCommands, ListOfGoodExtensionsSucceeds) {
  auto r = run_ironclad({"ext", "list", example_extensions().string(), "--data-dir", data_dir_});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "1 loaded, 0 failed")) << r.out;
}

// By default (auto) tiered, and with --tier jit the whole-module JIT: the interpreter's result.
TEST_F(ExtCommands, CallRunsTheExtensionTieredAndInTheJitWithTheInterpretersResult) {
  std::string expected = interpreter_result({"hash", "42", "64"});
  auto r = call({"hash", "42", "64"}, {"--show-tier"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected);
  EXPECT_TRUE(contains(r.err, "ironclad: tier: tiered {")) << r.err;
  auto jit = call({"hash", "42", "64"}, {"--show-tier", "--tier", "jit"});
  EXPECT_EQ(jit.status, 0) << jit.err;
  EXPECT_EQ(jit.out, expected);
  EXPECT_TRUE(contains(jit.err, "ironclad: tier: jit {")) << jit.err;
}

TEST_F(ExtCommands, CallRejectsBadValuesAndUnlistedExports) {
  EXPECT_EQ(call({"hash", "42"}).status, 2);           // too few values
  EXPECT_EQ(call({"hash", "forty", "64"}).status, 2);  // not a number
  auto unlisted = call({"memory"});
  EXPECT_EQ(unlisted.status, 2);
  EXPECT_TRUE(contains(unlisted.err, "does not list 'memory'")) << unlisted.err;
}

TEST_F(ExtCommands, EmulatedAlderLakeNFaultIsRecoveredForAnIdempotentExport) {
  SKIP_WITHOUT_AVX512();
  std::string expected = interpreter_result({"hash", "42", "64"});
  auto r = call({"hash", "42", "64"}, {"--policy", "native", "--emulate-cpu", "alderlake-n"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected) << "the retried call must give the right result";
  EXPECT_TRUE(contains(r.err, "ironclad: extension 'vechash' restarted in safe mode")) << r.err;
  EXPECT_TRUE(contains(r.err, "cannot execute vpmullq")) << r.err;
  // The crash report named on stderr exists.
  size_t at = r.err.find("ironclad: crash report: ");
  ASSERT_NE(at, std::string::npos) << r.err;
  std::string rest = r.err.substr(at + std::string("ironclad: crash report: ").size());
  EXPECT_TRUE(std::filesystem::exists(rest.substr(0, rest.find('\n')))) << rest;

  // The next start goes straight to the safe configuration, and still answers alike.
  auto again = call({"hash", "42", "64"}, {"--policy", "native", "--emulate-cpu", "alderlake-n"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, expected);
  EXPECT_TRUE(contains(again.err, "starts in safe mode")) << again.err;
  EXPECT_FALSE(contains(again.err, "restarted")) << again.err;
}

TEST_F(ExtCommands, ANonIdempotentExportIsNotRetriedAfterAFault) {
  SKIP_WITHOUT_AVX512();
  auto r = call({"absorb", "5"}, {"--policy", "native", "--emulate-cpu", "alderlake-n"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "restarted in safe mode")) << r.err;
  EXPECT_TRUE(contains(r.err, "not retried")) << r.err;
  // Restarted on the safe rung, the next process's call runs.
  auto next = call({"absorb", "5"}, {"--policy", "native", "--emulate-cpu", "alderlake-n"});
  EXPECT_EQ(next.status, 0) << next.err;
  EXPECT_EQ(next.out, interpreter_result({"absorb", "5"}));
}

TEST_F(ExtCommands, StatusShowsWhatTheQuarantineRemembers) {
  auto empty = run_ironclad({"ext", "status", "--data-dir", data_dir_});
  EXPECT_EQ(empty.status, 0) << empty.err;
  EXPECT_TRUE(contains(empty.out, "no incident recorded")) << empty.out;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(data_dir_) / "quarantine.db"))
      << "status must not create a quarantine";

  SKIP_WITHOUT_AVX512();
  ASSERT_EQ(call({"hash", "1", "1"}, {"--policy", "native", "--emulate-cpu", "alderlake-n"}).status,
            0);
  // IRONCLAD_DATA_DIR (set by the fixture) is the data directory when --data-dir is absent.
  auto r = run_ironclad({"ext", "status"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "vechash")) << r.out;
  EXPECT_TRUE(contains(r.out, "rung             conservative")) << r.out;
  EXPECT_TRUE(contains(r.out, "avx512dq")) << r.out;
  EXPECT_TRUE(contains(r.out, "disabled         no")) << r.out;
  EXPECT_TRUE(contains(r.out, "incidents        1")) << r.out;
  EXPECT_TRUE(contains(r.out, "vpmullq")) << r.out;
  // The incident's history line, from its crash report, names the export and the report.
  EXPECT_TRUE(contains(r.out, "history          1 crash report(s)")) << r.out;
  EXPECT_TRUE(contains(r.out, "CPU incompatibility in hash")) << r.out;
  auto listed = run_ironclad({"crashes", "list", "--json"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  auto groups = nlohmann::json::parse(listed.out);
  ASSERT_EQ(groups.size(), 1u) << listed.out;
  std::string report_id = groups[0]["latest_report_id"];
  EXPECT_TRUE(contains(r.out, "report " + report_id)) << r.out;
}

TEST_F(ExtCommands, EnableClearsTheDisabledMarkSoTheExtensionRunsAgain) {
  // A record as the host leaves it after too many faults: disabled, on the interpreter rung.
  std::ifstream in(vechash_wasm(), std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  host::QuarantineRecord record;
  record.key.module_hash = host::module_hash(bytes);
  record.key.cpu_fingerprint = cpu::fingerprint_of(cpu::host_cpu()).hash_hex();
  record.extension_id = "vechash";
  record.rung = "interpreter";
  record.disabled = true;
  record.reason = "3 engine faults within 600 s";
  {
    auto q = host::Quarantine::open(data_dir_);
    ASSERT_TRUE(q.ok()) << q.error().describe();
    ASSERT_TRUE((*q)->record_incident(record).ok());
  }
  auto disabled = call({"hash", "42", "64"});
  EXPECT_EQ(disabled.status, 1);
  EXPECT_TRUE(contains(disabled.err, "disabled")) << disabled.err;

  auto enable = run_ironclad({"ext", "enable", "vechash", "--data-dir", data_dir_});
  EXPECT_EQ(enable.status, 0) << enable.err;
  EXPECT_TRUE(contains(enable.out, "extension 'vechash' enabled")) << enable.out;

  auto after = call({"hash", "42", "64"});
  EXPECT_EQ(after.status, 0) << after.err;
  EXPECT_EQ(after.out, interpreter_result({"hash", "42", "64"}));
  EXPECT_TRUE(contains(after.err, "starts in safe mode"))
      << "it keeps its safe rung: " << after.err;

  auto again = run_ironclad({"ext", "enable", "vechash", "--data-dir", data_dir_});
  EXPECT_EQ(again.status, 0);
  EXPECT_TRUE(contains(again.out, "is not disabled")) << again.out;
  EXPECT_EQ(run_ironclad({"ext", "enable", "nosuch", "--data-dir", data_dir_}).status, 2);
}

}  // namespace
}  // namespace ironclad::cli::testing
