// `ironclad run`: WASI programs, --invoke, --env, --dir, --tier, --fuel and the documented
// exit statuses (docs/cli.md), checked on the real binary.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "../wasi/temp_dir.h"
#include "run_process.h"

namespace ironclad::cli {
namespace {

using testing::fixture;
using testing::run_ironclad;
using wasi::testing::TempDir;

TEST(RunCommand, PassesArgumentsAndEnvironmentToTheProgram) {
  std::string wasm = fixture("wasi_args_env.wasm");
  auto r = run_ironclad({"run", "--env", "GREETING=hello world", wasm, "one", "--two"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "argc=3\nargv[0]=" + wasm + "\nargv[1]=one\nargv[2]=--two\nGREETING=hello world\n");
  EXPECT_EQ(r.err, "");
}

// The issue's own wording, `ironclad run FILE --policy native`, passes --policy to the
// program (as it must); the user is told, and the program still gets its arguments.
TEST(RunCommand, AnIroncladOptionAfterFileGoesToTheProgramWithAWarning) {
  std::string wasm = fixture("wasi_args_env.wasm");
  auto r = run_ironclad({"run", wasm, "--policy=native", "--two"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("argv[1]=--policy=native\nargv[2]=--two\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("ironclad: warning: '--policy' comes after FILE, so it is passed to the "
                       "program"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("'--two'"), std::string::npos) << r.err;  // not an ironclad option
}

TEST(RunCommand, ProcExitCodeIsTheExitStatus) {
  auto r = run_ironclad({"run", fixture("wasi_exit.wasm"), "7"});
  EXPECT_EQ(r.status, 7);
  EXPECT_EQ(r.out, "exiting with 7\n");  // stdio flushed before exiting
  EXPECT_EQ(run_ironclad({"run", fixture("wasi_exit.wasm"), "0"}).status, 0);
  EXPECT_EQ(run_ironclad({"run", fixture("wasi_exit.wasm"), "255"}).status, 255);
}

TEST(RunCommand, TrapIsStatus1WithOneLineAndABacktrace) {
  std::string wasm = fixture("wasi_trap.wasm");
  auto r = run_ironclad({"run", wasm});
  EXPECT_EQ(r.status, 1);
  ASSERT_GE(r.err_lines(), 2u);
  std::string first = r.err.substr(0, r.err.find('\n'));
  EXPECT_EQ(first, "ironclad: " + wasm + ": trap: unreachable");
  EXPECT_NE(r.err.find("\n    at crash (func["), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n    at outer (func["), std::string::npos) << r.err;
}

TEST(RunCommand, FileIoInsideAPreopenedDirectory) {
  TempDir dir;
  auto r = run_ironclad({"run", "--dir", dir.path() + "::/sandbox", fixture("wasi_files.wasm")});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_EQ(dir.read_file("result.txt"), "written by wasm\n");
}

TEST(RunCommand, EscapesFromThePreopenAreDenied) {
  TempDir root;
  namespace fs = std::filesystem;
  fs::create_directories(root / "sandbox/sub");
  fs::create_directories(root / "outside");
  root.write_file("outside/secret.txt", "secret");
  fs::create_directory_symlink("../outside", root / "sandbox/link_out");
  fs::create_symlink("../outside/secret.txt", root / "sandbox/file_out");
  auto r = run_ironclad({"run", "--dir", (root / "sandbox") + "::/sandbox",
                         fixture("wasi_escape.wasm")});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("ESCAPED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("denied /sandbox/../outside/secret.txt: errno 76"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("denied /sandbox/link_out/secret.txt: errno 76"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(root / "outside/created.txt"));
}

TEST(RunCommand, ClocksSleepAndRandomness) {
  auto r = run_ironclad({"run", fixture("wasi_clocks_random.wasm")});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok\n"), std::string::npos);
}

TEST(RunCommand, InvokePrintsEachResultAsAPlainNumber) {
  std::string wasm = fixture("cli_exports.wasm");
  auto r = run_ironclad({"run", "--invoke", "add", wasm, "2", "0x10"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "18\n");
  EXPECT_EQ(run_ironclad({"run", "--invoke", "add", wasm, "0xffffffff", "0"}).out, "-1\n");
  EXPECT_EQ(run_ironclad({"run", "--invoke", "neg64", wasm, "-9223372036854775807"}).out,
            "9223372036854775807\n");
  EXPECT_EQ(run_ironclad({"run", "--invoke", "half", wasm, "3"}).out, "1.5\n");
  EXPECT_EQ(run_ironclad({"run", "--invoke", "half", wasm, "-inf"}).out, "-inf\n");
  EXPECT_EQ(run_ironclad({"run", "--invoke", "scale", wasm, "0.25", "10"}).out, "2.5\n");
  EXPECT_EQ(run_ironclad({"run", "--invoke", "pair", wasm}).out, "-1\n1234567890123\n");
  auto nothing = run_ironclad({"run", "--invoke", "nothing", wasm});
  EXPECT_EQ(nothing.status, 0);
  EXPECT_EQ(nothing.out, "");
}

// A negative value right after FILE is the export's argument, never taken for an option, in
// every tier (issue 11 reported `run --invoke f m.wasm -1` refused as an unknown option).
TEST(RunCommand, NegativeArgumentsAfterTheFileAreValues) {
  std::string wasm = fixture("cli_exports.wasm");
  for (const char* tier : {"interp", "jit"}) {
    auto r = run_ironclad({"run", "--tier", tier, "--invoke", "add", wasm, "-1", "-2"});
    EXPECT_EQ(r.status, 0) << tier << ": " << r.err;
    EXPECT_EQ(r.out, "-3\n") << tier;
    EXPECT_EQ(run_ironclad({"run", "--tier", tier, "--invoke", "scale", wasm, "-1.5", "-2"}).out,
              "3\n")
        << tier;
    EXPECT_EQ(run_ironclad({"run", "--tier", tier, "--invoke", "neg64", wasm, "-1"}).out, "1\n")
        << tier;
  }
}

TEST(RunCommand, InvokeInitializesAReactorFirst) {
  auto r = run_ironclad({"run", "--invoke", "get", fixture("cli_reactor.wasm"), "2"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
}

TEST(RunCommand, InvokeUsageErrorsAreStatus2) {
  std::string wasm = fixture("cli_exports.wasm");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", "--invoke", "add", wasm, "1"},              // too few
           {"run", "--invoke", "add", wasm, "1", "two"},       // not a number
           {"run", "--invoke", "add", wasm, "4294967296", "0"},  // out of range
           {"run", "--invoke", "missing", wasm},               // no such export
           {"run", "--invoke", "answer", wasm},                // a global
           {"run", wasm},                                      // no _start
       }) {
    auto r = run_ironclad(args);
    EXPECT_EQ(r.status, 2) << args[2] << ": " << r.err;
    EXPECT_EQ(r.err_lines(), 1u) << r.err;
    EXPECT_NE(r.err.find(wasm), std::string::npos) << r.err;
  }
}

TEST(RunCommand, TrapInAnInvokedFunctionIsStatus1) {
  auto r = run_ironclad({"run", "--invoke", "divide", fixture("cli_exports.wasm"), "1", "0"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(": trap: integer divide by zero\n"), std::string::npos) << r.err;
}

TEST(RunCommand, FuelBudgetStopsAnEndlessLoop) {
  auto r = run_ironclad({"run", "--fuel", "100000", "--invoke", "spin", fixture("cli_exports.wasm")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err_lines(), 1u) << r.err;
  EXPECT_NE(r.err.find("fuel"), std::string::npos) << r.err;
}

// --timeout is a deadline for the whole call, time blocked in host calls included (issue 12,
// finding 6): a guest sleeping 30 s in poll_oneoff past a 0.3 s deadline ends promptly, in
// both tiers, with status 1 and a line saying so.
TEST(RunCommand, TimeoutEndsASleepInAHostCallPromptly) {
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    auto start = std::chrono::steady_clock::now();
    auto r = run_ironclad({"run", "--tier", tier, "--timeout", "0.3", "--invoke", "sleep",
                           fixture("cli_deadline.wasm")});
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 1) << r.err;
    // One line (the JIT's is followed by the backtrace of the call that was waiting).
    EXPECT_EQ(r.err.rfind("ironclad: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(": timeout: deadline exceeded: the call ran past its 0.300 s timeout"),
              std::string::npos)
        << r.err;
    EXPECT_LT(took, std::chrono::seconds(15)) << "the guest slept on past its deadline";
  }
}

// Code that never ends and has fuel to spare (none given) is ended by the deadline too. The
// CPU limit only keeps a broken build from spinning forever.
TEST(RunCommand, TimeoutEndsAnEndlessLoop) {
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    auto r = run_ironclad({"run", "--tier", tier, "--timeout", "0.2", "--invoke", "spin",
                           fixture("cli_deadline.wasm")},
                          {{RLIMIT_CPU, 60}});
    if (r.status == testing::kCannotSetLimit) GTEST_SKIP() << "cannot set RLIMIT_CPU";
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find(": timeout: deadline exceeded"), std::string::npos) << r.err;
  }
  // Within its deadline a program runs as without one.
  auto ok = run_ironclad({"run", "--timeout", "30", fixture("wasi_exit.wasm"), "3"});
  EXPECT_EQ(ok.status, 3) << ok.err;
}

TEST(RunCommand, UnsatisfiedImportIsStatus4) {
  std::string wasm = fixture("cli_needs_import.wasm");
  auto r = run_ironclad({"run", wasm});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.err_lines(), 1u) << r.err;
  EXPECT_NE(r.err.find("env"), std::string::npos) << r.err;
}

TEST(RunCommand, TierChoice) {
  std::string wasm = fixture("wasi_exit.wasm");
  EXPECT_EQ(run_ironclad({"run", "--tier", "interp", wasm, "3"}).status, 3);
  EXPECT_EQ(run_ironclad({"run", "--tier", "jit", wasm, "3"}).status, 3);
  EXPECT_EQ(run_ironclad({"run", "--tier", "auto", wasm, "3"}).status, 3);
  // tests/cli_jit covers the JIT options in depth.
  auto no_jit = run_ironclad({"run", "--tier", "jit", "--policy", "interpreter", wasm});
  EXPECT_EQ(no_jit.status, 2);
  EXPECT_NE(no_jit.err.find("not allowed under policy 'interpreter'"), std::string::npos);
  EXPECT_EQ(run_ironclad({"run", "--tier", "fast", wasm}).status, 2);
}

TEST(RunCommand, BadCommandLinesAreStatus2) {
  std::string wasm = fixture("wasi_exit.wasm");
  EXPECT_EQ(run_ironclad({"run"}).status, 2);
  EXPECT_EQ(run_ironclad({"run", "--fuel", "lots", wasm}).status, 2);
  EXPECT_EQ(run_ironclad({"run", "--timeout", "soon", wasm}).status, 2);
  EXPECT_EQ(run_ironclad({"run", "--timeout", "-1", wasm}).status, 2);
  EXPECT_EQ(run_ironclad({"run", "--env", "NOEQUALS", wasm}).status, 2);
  EXPECT_EQ(run_ironclad({"run", "--bogus", wasm}).status, 2);
}

TEST(RunCommand, HelpDocumentsTheExitStatuses) {
  auto r = run_ironclad({"run", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* line : {"Exit status:", "  1   trap", "  2   bad command line",
                           "  3   the module is malformed", "  4   an import",
                           "  66  FILE or a --dir", "  70  internal"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line;
}

TEST(RunCommand, ProgramWritingToAClosedStdoutIsNotKilled) {
  // `ironclad run prog | head -0`: the program's writes fail with EPIPE; ironclad itself
  // must not die of SIGPIPE (status 141 in a shell) but report the program's outcome.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    std::string bin = IRONCLAD_BINARY, wasm = fixture("wasi_exit.wasm");
    char* argv[] = {bin.data(), const_cast<char*>("run"), wasm.data(), const_cast<char*>("5"),
                    nullptr};
    ::execv(argv[0], argv);
    ::_exit(127);
  }
  ::close(fds[1]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  EXPECT_FALSE(WIFSIGNALED(wstatus)) << "killed by signal " << WTERMSIG(wstatus);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 5);
}

// A module's name section is the module author's text: a function named with terminal escapes
// (clear the screen, retitle the window) was printed raw in the trap's backtrace.
TEST(RunCommand, HostileFunctionNamesReachTheTerminalEscaped) {
  const std::string name = "\x1b]0;pwned\x07\x1b[2Jevil\xc2\x9b";
  std::string bytes("\0asm\1\0\0\0", 8);
  bytes += std::string("\x01\x04\x01\x60\x00\x00", 6);      // type 0: [] -> []
  bytes += std::string("\x03\x02\x01\x00", 4);              // func 0: type 0
  bytes += std::string("\x07\x05\x01\x01" "f" "\x00\x00", 7);  // export "f" = func 0
  bytes += std::string("\x0a\x05\x01\x03\x00\x00\x0b", 7);  // body: unreachable
  std::string names = std::string("\x01", 1) + '\0' + static_cast<char>(name.size()) + name;
  std::string custom = std::string("\x04name\x01", 6) + static_cast<char>(names.size()) + names;
  bytes += std::string("\x00", 1) + static_cast<char>(custom.size()) + custom;
  TempDir dir;
  std::string wasm = dir.path() + "/names.wasm";
  std::FILE* f = std::fopen(wasm.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  auto r = run_ironclad({"run", "--invoke", "f", wasm});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("    at \\e]0;pwned\\x07\\e[2Jevil\\u{9b} (func[0]"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.err.find('\x07'), std::string::npos);
  EXPECT_EQ(r.err.find("\xc2\x9b"), std::string::npos);
}

TEST(RunCommand, MissingFilesAreStatus66WithOneLine) {
  auto r = run_ironclad({"run", "/nonexistent/prog.wasm"});
  EXPECT_EQ(r.status, 66);
  EXPECT_EQ(r.err_lines(), 1u);
  EXPECT_NE(r.err.find("/nonexistent/prog.wasm"), std::string::npos);
  auto dir = run_ironclad({"run", "--dir", "/nonexistent/dir", fixture("wasi_exit.wasm")});
  EXPECT_EQ(dir.status, 66);
  EXPECT_NE(dir.err.find("/nonexistent/dir"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::cli
