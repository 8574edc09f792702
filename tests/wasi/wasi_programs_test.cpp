// C programs compiled to wasm32-wasi (tests/wasi/programs) run through the runtime and
// the interpreter tier (the conformance checks in both tiers) with a WasiContext: what the
// guest prints, its exit code, the files it leaves, and that its escape attempts fail.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cpu/features.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "runtime/runtime.h"
#include "temp_dir.h"
#include "wasi/wasi.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"
#include "support/fixture_dir.h"

namespace ironclad::wasi {
namespace {

using testing::TempDir;

struct ProgramRun {
  std::optional<Error> error;  // anything but a clean return or proc_exit
  int exit_code = 0;           // proc_exit's code, or 0 when _start returned
  std::string out;             // what the program wrote to stdout
};

ProgramRun run_program(const std::string& name, WasiContext& wasi,
                       std::unique_ptr<runtime::Tier> tier = interp::make_interpreter()) {
  ProgramRun run;
  std::string path = ironclad::testing::fixture_dir() + "/" + name;
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  auto module = wasm::decode_module(std::move(bytes), path);
  if (!module.ok()) {
    run.error = module.error();
    return run;
  }
  if (auto valid = wasm::validate_module(**module, path); !valid.ok()) {
    run.error = valid.error();
    return run;
  }
  std::FILE* capture = std::tmpfile();
  wasi.set_stdio(1, ::fileno(capture));
  runtime::Store store(std::move(tier));
  runtime::Linker linker;
  EXPECT_TRUE(add_to_linker(linker, store, wasi).ok());
  auto instance = linker.instantiate(store, std::shared_ptr<const wasm::Module>(std::move(*module)));
  Result<void> outcome;
  if (!instance.ok()) {
    outcome = instance.error();
  } else if (auto start = (*instance)->get_export("_start"); !start.ok()) {
    outcome = start.error();
  } else if (auto called = store.invoke(*start->func, {}); !called.ok()) {
    outcome = called.error();
  }
  if (!outcome.ok()) {
    if (outcome.error().kind == ErrorKind::Exit)
      run.exit_code = outcome.error().exit_code;
    else
      run.error = outcome.error();
  }
  std::rewind(capture);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, capture)) > 0) run.out.append(buf, n);
  std::fclose(capture);
  return run;
}

TEST(WasiPrograms, ArgsAndEnvironment) {
  WasiContext wasi;
  wasi.set_args({"prog", "alpha", "beta gamma"});
  wasi.set_env({"GREETING=bonjour", "OTHER=1"});
  ProgramRun run = run_program("wasi_args_env.wasm", wasi);
  ASSERT_FALSE(run.error) << run.error->describe();
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "argc=3\nargv[0]=prog\nargv[1]=alpha\nargv[2]=beta gamma\nGREETING=bonjour\n");
}

TEST(WasiPrograms, FileIoInAPreopenedDirectory) {
  TempDir dir;
  WasiContext wasi;
  ASSERT_TRUE(wasi.preopen_dir(dir.path(), "/sandbox").ok());
  ProgramRun run = run_program("wasi_files.wasm", wasi);
  ASSERT_FALSE(run.error) << run.error->describe();
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out, "ok\n");
  EXPECT_EQ(dir.read_file("result.txt"), "written by wasm\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "sub"));
}

class WasiEscapeProgram : public ::testing::TestWithParam<ResolveStrategy> {};

TEST_P(WasiEscapeProgram, EveryEscapeAttemptFails) {
  namespace fs = std::filesystem;
  TempDir root;
  fs::create_directories(root / "sandbox/sub");
  fs::create_directories(root / "outside");
  root.write_file("outside/secret.txt", "secret");
  fs::create_directory_symlink("../outside", root / "sandbox/link_out");
  fs::create_symlink("../outside/secret.txt", root / "sandbox/file_out");
  WasiContext wasi;
  wasi.set_resolve_strategy(GetParam());
  ASSERT_TRUE(wasi.preopen_dir(root / "sandbox", "/sandbox").ok());
  ProgramRun run = run_program("wasi_escape.wasm", wasi);
  ASSERT_FALSE(run.error) << run.error->describe();
  EXPECT_EQ(run.exit_code, 0) << run.out;  // the program's count of successful escapes
  EXPECT_EQ(run.out.find("ESCAPED"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("denied /sandbox/file_out: errno 76"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(root / "outside/created.txt"));
}

INSTANTIATE_TEST_SUITE_P(Strategies, WasiEscapeProgram,
                         ::testing::Values(ResolveStrategy::Auto, ResolveStrategy::Manual),
                         [](const auto& info) {
                           return info.param == ResolveStrategy::Auto ? std::string("Openat2")
                                                                      : std::string("ManualWalk");
                         });

TEST(WasiPrograms, ClocksAndRandom) {
  WasiContext wasi;
  ProgramRun run = run_program("wasi_clocks_random.wasm", wasi);
  ASSERT_FALSE(run.error) << run.error->describe();
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("ok\n"), std::string::npos);
}

TEST(WasiPrograms, ProcExitCodeAndFlushedOutput) {
  WasiContext wasi;
  wasi.set_args({"prog", "42"});
  ProgramRun run = run_program("wasi_exit.wasm", wasi);
  ASSERT_FALSE(run.error) << run.error->describe();
  EXPECT_EQ(run.exit_code, 42);
  EXPECT_EQ(wasi.exit_code(), 42);
  EXPECT_EQ(run.out, "exiting with 42\n");
}

TEST(WasiPrograms, TrapComesBackAsAnErrorWithBacktrace) {
  WasiContext wasi;
  wasi.set_args({"prog"});  // the program traps when it has an argv[0]
  ProgramRun run = run_program("wasi_trap.wasm", wasi);
  ASSERT_TRUE(run.error);
  EXPECT_EQ(run.error->kind, ErrorKind::Trap);
  EXPECT_EQ(run.error->trap, TrapKind::Unreachable);
  ASSERT_FALSE(run.error->backtrace.empty());
  EXPECT_EQ(run.error->backtrace.front().function_name, "crash");
}

// wasi_conformance.c: one preview1 behaviour of WebAssembly/wasi-testsuite per check, in a
// fresh preopened directory, in each tier.
struct ConformanceCase {
  const char* check;
  const char* tier;
};
void PrintTo(const ConformanceCase& c, std::ostream* os) { *os << c.check << " in " << c.tier; }

class WasiConformance : public ::testing::TestWithParam<ConformanceCase> {};

std::unique_ptr<runtime::Tier> make_tier(const std::string& name) {
  if (name == "interp") return interp::make_interpreter();
  jit::JitConfig config;  // SSE2 only: what every x86-64 CPU runs
  config.features = cpu::FeatureSet{cpu::X86::SSE2};
  config.host_verified = config.features;
  return jit::make_jit_tier(config);
}

TEST_P(WasiConformance, CheckHolds) {
  TempDir dir;
  WasiContext wasi;
  wasi.set_args({"wasi_conformance", GetParam().check});
  ASSERT_TRUE(wasi.preopen_dir(dir.path(), "/sandbox").ok());
  ProgramRun run = run_program("wasi_conformance.wasm", wasi, make_tier(GetParam().tier));
  ASSERT_FALSE(run.error) << run.error->describe();
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out, "ok\n");
}

std::vector<ConformanceCase> conformance_cases() {
  std::vector<ConformanceCase> cases;
  for (const char* check :
       {"sock_shutdown_errors", "directory_seek_tell", "set_rights_narrows",
        "rights_follow_open_mode", "directory_cannot_be_truncated", "reopen_preopen",
        "link_trailing_slash", "symlink_trailing_slash", "symlink_absolute_target"})
    for (const char* tier : {"interp", "jit"}) cases.push_back({check, tier});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Checks, WasiConformance, ::testing::ValuesIn(conformance_cases()),
                         [](const auto& info) {
                           return std::string(info.param.check) + "_" + info.param.tier;
                         });

}  // namespace
}  // namespace ironclad::wasi
