// `ironclad run --show-start`: the phases from the process's start to the program's first
// instruction, printed on stderr at exit (docs/tiering.md, "Start-up"). Fields are checked,
// never the times themselves.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "../wasi/temp_dir.h"
#include "invalid_module.h"
#include "run_process.h"

namespace ironclad::cli {
namespace {

using testing::fixture;
using testing::run_ironclad;

// The "ironclad: start: " lines of `err`, in order.
std::vector<std::string> start_lines(const std::string& err) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < err.size()) {
    size_t nl = err.find('\n', at);
    if (nl == std::string::npos) nl = err.size();
    std::string line = err.substr(at, nl - at);
    if (line.rfind("ironclad: start: ", 0) == 0) lines.push_back(line);
    at = nl + 1;
  }
  return lines;
}

void expect_every_phase(const std::string& err) {
  std::vector<std::string> lines = start_lines(err);
  const std::regex first(R"(ironclad: start: before main \d+\.\d ms CPU)");
  const std::regex phase(R"(ironclad: start: ([a-z ]+) \d+\.\d ms wall, \d+\.\d ms CPU)");
  const std::regex last(
      R"(ironclad: start: first instruction at (\d+\.\d) ms CPU since the process started, )"
      R"(\d+\.\d ms wall since main)");
  ASSERT_EQ(lines.size(), 9u) << err;
  EXPECT_TRUE(std::regex_match(lines[0], first)) << lines[0];
  const char* names[] = {"options", "read",        "decode",        "validate",
                         "setup",   "instantiate", "first function"};
  for (size_t i = 0; i < 7; ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i + 1], m, phase)) << lines[i + 1];
    EXPECT_EQ(m[1].str(), names[i]) << err;
  }
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[8], m, last)) << lines[8];
  EXPECT_GT(std::stod(m[1].str()), 0.0);
}

TEST(ShowStart, PrintsEveryPhaseUpToTheFirstInstructionInEachTier) {
  std::string wasm = fixture("wasi_args_env.wasm");
  for (const char* tier : {"auto", "interp", "jit"}) {
    SCOPED_TRACE(tier);
    auto r = run_ironclad({"run", "--tier", tier, "--show-start", wasm, "one"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "argc=2\nargv[0]=" + wasm + "\nargv[1]=one\nGREETING=(unset)\n");
    expect_every_phase(r.err);
  }
}

TEST(ShowStart, NothingWithoutTheFlag) {
  auto r = run_ironclad({"run", fixture("wasi_args_env.wasm")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(start_lines(r.err).empty()) << r.err;
}

TEST(ShowStart, AnInvalidModuleShowsThePhasesItReached) {
  // Refused at validation: the phases up to decode, no instantiation, no first instruction.
  wasi::testing::TempDir dir;
  testing::write_invalid_module(dir / "invalid.wasm");
  auto r = run_ironclad({"run", "--show-start", dir / "invalid.wasm"});
  EXPECT_EQ(r.status, 3) << r.err;
  std::vector<std::string> lines = start_lines(r.err);
  ASSERT_EQ(lines.size(), 4u) << r.err;
  EXPECT_NE(lines[3].find("ironclad: start: decode "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ironclad::cli
