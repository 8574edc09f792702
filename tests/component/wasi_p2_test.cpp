// WASI 0.2 for components: a C program made into a command component (jco new with the
// preview1 adapter jco ships, so every file, stream, clock and random call goes through
// wasi:filesystem, wasi:io, ... of Ironclad's WASI 0.2 host) run by `ironclad run` in both
// tiers: arguments, environment, stdio, preopened files, refused escapes, exit status.
#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "component/instance.h"
#include "component/loader.h"
#include "interp/interpreter.h"
#include "support/fixture_dir.h"
#include "test_env.h"
#include "wasi/preview2.h"
#include "wasi/temp_dir.h"

namespace ironclad::component {
namespace {

using namespace testing;
using ::testing::HasSubstr;
using wasi::testing::TempDir;

// The component for a C program of tests/component/programs, made once per test binary run.
std::string command_component(const std::string& modules, const std::string& stem) {
  std::string core = ironclad::testing::fixture_dir() + "/" + stem + ".wasm";
  std::string out = ironclad::testing::fixture_dir() + "/" + stem + ".component.wasm";
  std::error_code ec;
  if (!fs::exists(out, ec) || fs::last_write_time(out, ec) < fs::last_write_time(core, ec)) {
    // Both tiers' tests may make it at once (ctest -j2): each writes its own file and
    // renames it into place, so neither reads the other's half-written one.
    std::string tmp = out + "." + std::to_string(::getpid());
    RunResult r = run({modules + "/.bin/jco", "new", core, "--wasi-command", "-o", tmp});
    if (r.status != 0) {
      ADD_FAILURE() << "jco new failed: " << r.err;
      return "";
    }
    fs::rename(tmp, out, ec);
    if (ec) {
      ADD_FAILURE() << "rename " << tmp << " -> " << out << ": " << ec.message();
      return "";
    }
  }
  return out;
}

class WasiP2Command : public ::testing::TestWithParam<std::string> {};

TEST_P(WasiP2Command, RunsWithArgsEnvStdioFilesAndExitStatus) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string component = command_component(modules, "p2_command");
  ASSERT_FALSE(component.empty());
  TempDir dir;
  fs::create_directory(dir / "data");
  dir.write_file("data/input.txt", "hello input\n");
  TempDir state;  // the data directory of the recovery ladder
  RunResult r =
      run({IRONCLAD_BINARY, "run", "--tier", GetParam(), "--data-dir", state.path(), "--dir",
           dir / "data" + "::data", "--env", "GREETING=hi there", component, "7", "two words"});
  // WASI 0.2's exit takes ok or error: a non-zero status reaches the host as 1.
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("args: [" + component + "] [7] [two words]\n"));
  EXPECT_THAT(r.out, HasSubstr("GREETING=hi there\n"));
  EXPECT_THAT(r.out, HasSubstr("input.txt: hello input\n"));
  EXPECT_THAT(r.out, HasSubstr("input.txt size 12\n"));
  EXPECT_THAT(r.out, HasSubstr("entries in data: 2\n"));  // input.txt and new.txt
  EXPECT_THAT(r.out, HasSubstr("mkdir+rmdir ok\n"));
  EXPECT_THAT(r.out, HasSubstr("escape: refused\n"));
  EXPECT_THAT(r.out, HasSubstr("absolute: refused\n"));
  EXPECT_THAT(r.out, HasSubstr("monotonic: ok\n"));
  EXPECT_THAT(r.out, HasSubstr("realtime after 2020: yes\n"));
  EXPECT_THAT(r.out, HasSubstr("random differs: yes\n"));
  EXPECT_THAT(r.err, HasSubstr("a line on stderr\n"));
  EXPECT_EQ(dir.read_file("data/new.txt"), "written by the component\n");
  EXPECT_FALSE(fs::exists(dir / "escape.txt"));
}

TEST_P(WasiP2Command, ExitStatusZero) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string component = command_component(modules, "p2_command");
  ASSERT_FALSE(component.empty());
  TempDir state;
  RunResult r =
      run({IRONCLAD_BINARY, "run", "--tier", GetParam(), "--data-dir", state.path(), component});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("fopen data/new.txt: "));  // no directory was preopened
  EXPECT_THAT(r.out, HasSubstr("GREETING=(unset)\n"));
}

// --timeout covers time blocked in WASI 0.2 (a pollable of the monotonic clock): a component
// sleeping 30 s past a 0.5 s deadline ends promptly with status 1, not after the sleep.
TEST_P(WasiP2Command, TimeoutEndsASleepPromptly) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string component = command_component(modules, "p2_sleeper");
  ASSERT_FALSE(component.empty());
  TempDir state;
  auto start = std::chrono::steady_clock::now();
  RunResult r = run({IRONCLAD_BINARY, "run", "--tier", GetParam(), "--data-dir", state.path(),
                     "--timeout", "0.5", component});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("going to sleep\n"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("woke up")));
  EXPECT_THAT(r.err, HasSubstr(": timeout: deadline exceeded"));
  EXPECT_LT(took, std::chrono::seconds(20)) << "the component slept on past its deadline";
}

// --timeout covers a stream that blocks because the other end of a pipe does nothing: a
// read of a stdin nobody writes to, a write to a stdout nobody reads. Each ends promptly at
// the deadline with status 1.
TEST_P(WasiP2Command, TimeoutEndsAReadOfAStdinNobodyWrites) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string component = command_component(modules, "p2_streams");
  ASSERT_FALSE(component.empty());
  TempDir state;
  int input[2];
  ASSERT_EQ(::pipe(input), 0);  // the write end stays open and silent until the run ends
  auto start = std::chrono::steady_clock::now();
  RunResult r = run({IRONCLAD_BINARY, "run", "--tier", GetParam(), "--data-dir", state.path(),
                     "--timeout", "0.5", component, "read"},
                    input[0]);
  auto took = std::chrono::steady_clock::now() - start;
  ::close(input[0]);
  ::close(input[1]);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("reading\n"));
  EXPECT_THAT(r.err, HasSubstr(": timeout: deadline exceeded"));
  EXPECT_LT(took, std::chrono::seconds(20)) << "the read blocked on past the deadline";
}

TEST_P(WasiP2Command, TimeoutEndsAWriteToAStdoutNobodyReads) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string component = command_component(modules, "p2_streams");
  ASSERT_FALSE(component.empty());
  TempDir state;
  int output[2];
  ASSERT_EQ(::pipe(output), 0);  // nobody reads: it fills after 64 KiB
  auto start = std::chrono::steady_clock::now();
  RunResult r = run({IRONCLAD_BINARY, "run", "--tier", GetParam(), "--data-dir", state.path(),
                     "--timeout", "0.5", component, "flood"},
                    -1, output[1]);
  auto took = std::chrono::steady_clock::now() - start;
  ::close(output[0]);
  ::close(output[1]);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("flooding\n"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("flooded")));
  EXPECT_THAT(r.err, HasSubstr(": timeout: deadline exceeded"));
  EXPECT_LT(took, std::chrono::seconds(20)) << "the write blocked on past the deadline";
}

INSTANTIATE_TEST_SUITE_P(Tiers, WasiP2Command, ::testing::Values("interp", "jit"));

// The same host through the library: a component linked against Preview2Host directly.
TEST(WasiP2, LinksEveryImportOfACommandComponent) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string path = command_component(modules, "p2_command");
  ASSERT_FALSE(path.empty());
  auto c = load_component_file(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  wasi::WasiContext context;
  context.set_args({"prog", "5"});
  int out = ::open("/dev/null", O_WRONLY);
  context.set_stdio(1, out);
  context.set_stdio(2, out);
  wasi::Preview2Host host(context);
  ComponentLinker linker;
  host.add_to_linker(linker);
  auto inst = ComponentInstanceImpl::create(
      *c, linker, std::make_unique<runtime::Store>(interp::make_interpreter()));
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  std::string run_export;
  for (const std::string& f : (*inst)->function_names()) {
    if (f.rfind("wasi:cli/run@", 0) == 0) run_export = f;
  }
  ASSERT_EQ(run_export, "wasi:cli/run@0.2.12#run");
  auto r = (*inst)->call(run_export, {});
  // main returning 5 ends in wasi:cli/exit with an error status: an Exit error.
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exit);
  EXPECT_EQ(r.error().exit_code, 1);
  EXPECT_EQ(context.exit_code(), 1);
  ::close(out);
}

}  // namespace
}  // namespace ironclad::component
