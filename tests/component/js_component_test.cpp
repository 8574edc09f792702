// A large real component: a JavaScript program made into a WASI command by componentize-js
// (the SpiderMonkey engine inside, about 12 MB) prints under `ironclad run` what node prints
// for the same script. Making the component takes about 10 s on an idle 2-core machine
// (minutes on a loaded one), so it is made once per build directory and kept
// (fixtures/js_hello.component.wasm).
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fixture_dir.h"
#include "test_env.h"
#include "wasi/temp_dir.h"

namespace ironclad::component {
namespace {

using namespace testing;
using wasi::testing::TempDir;

constexpr const char* kScript = IRONCLAD_COMPONENT_TEST_JS "/hello.js";

std::string js_component(const std::string& modules) {
  std::string out = ironclad::testing::fixture_dir() + "/js_hello.component.wasm";
  std::error_code ec;
  if (fs::exists(out, ec) && fs::last_write_time(out, ec) >= fs::last_write_time(kScript, ec))
    return out;
  // A WIT folder: the world, and WASI 0.2.12's packages as jco ships them.
  TempDir wit;
  fs::copy_file(std::string(IRONCLAD_COMPONENT_TEST_JS) + "/world.wit", wit / "world.wit");
  fs::create_directory(wit / "deps");
  fs::copy(modules + "/@bytecodealliance/jco/lib/wit/builtin/0.2.12", wit / "deps",
           fs::copy_options::recursive, ec);
  if (ec) {
    ADD_FAILURE() << "cannot copy jco's WASI WIT: " << ec.message();
    return "";
  }
  // Made under another name and renamed into place: ctest runs the tiers' tests at once, and
  // one must never read the file another is still writing.
  std::string part = out + ".part-" + std::to_string(::getpid());
  RunResult r = run({modules + "/.bin/componentize-js", kScript, "--wit", wit.path(),
                     "--world-name", "command", "-o", part});
  if (r.status != 0 || !fs::exists(part, ec)) {
    ADD_FAILURE() << "componentize-js failed: " << r.out << r.err;
    return "";
  }
  fs::rename(part, out, ec);
  if (ec) {
    ADD_FAILURE() << "cannot rename " << part << ": " << ec.message();
    return "";
  }
  return out;
}

RunResult run_component(const std::string& component, const char* tier) {
  TempDir state;
  return run({IRONCLAD_BINARY, "run", "--tier", tier, "--show-tier", "--data-dir", state.path(),
              component});
}

// The functions compiled and compiling at exit of --show-tier's line for --tier tiered, or -1
// without one.
long functions_compiled(const std::string& err) {
  std::smatch m;
  static const std::regex line(
      R"(tier: tiered: \d+ functions called, (\d+) compiled in \d+ batches \([0-9.]+ ms of )"
      R"(compiling\), (\d+) functions compiling at exit)");
  return std::regex_search(err, m, line) ? std::stol(m[1].str()) + std::stol(m[2].str()) : -1;
}

class JsComponent : public ::testing::TestWithParam<const char*> {};

// The whole script's output, in each tier. The interpreter once crashed here after the third
// line (a lowering bug: LoweringDifferential.AFusedLoadWrittenIntoALocalStillOnTheStack).
// The engine's core module has 9 MB of code, beyond the JIT's input limit (8 MiB): under
// --tier jit it runs in the interpreter, and says so. Under --tier tiered it starts in the
// interpreter and the functions it calls are compiled in the background, on the recovery
// ladder like any JIT code.
TEST_P(JsComponent, PrintsWhatNodePrints) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string component = js_component(modules);
  ASSERT_FALSE(component.empty());
  RunResult node = run({"node", std::string(IRONCLAD_COMPONENT_TEST_JS) + "/run_with_node.mjs"});
  ASSERT_EQ(node.status, 0) << node.err;
  ASSERT_THAT(node.out, ::testing::HasSubstr("primes 2,3,5,7,11,13,17,19,23,29"));
  RunResult ours = run_component(component, GetParam());
  EXPECT_EQ(ours.status, 0) << ours.err;
  EXPECT_EQ(ours.out, node.out);
  if (std::string(GetParam()) == "jit")
    EXPECT_THAT(ours.err, ::testing::HasSubstr("too large for the JIT"));
  // Its hot functions were compiled, or were compiling when it ended.
  if (std::string(GetParam()) == "tiered") EXPECT_GT(functions_compiled(ours.err), 0) << ours.err;
}

INSTANTIATE_TEST_SUITE_P(Tiers, JsComponent, ::testing::Values("interp", "jit", "tiered"));

}  // namespace
}  // namespace ironclad::component
