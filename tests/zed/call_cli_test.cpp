// `ironclad zed call EXTDIR EXPORT ARGS-AS-JSON`: any export, with arguments and result as
// JSON by the export's component types (docs/zed.md, "Calling any export"). On shared
// extensions (language-server-initialization-options and -workspace-configuration, through
// the worktree and the settings file) and on fixtures/typed.wat, a component of our own whose
// exports take and return records, lists, options, variants, enums and results.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "component/test_env.h"
#include "zed_test_env.h"

namespace ironclad::zed::testing {
namespace {

using component::testing::run;
using component::testing::RunResult;

fs::path find_shared(const std::string& name) {
  for (const fs::path& d : shared_extension_dirs())
    if (d.filename() == name) return d;
  return {};
}

// fixtures/typed.wat assembled by jco into an extension directory, once for the test program
// (jco takes seconds); "" when that failed (the failure is added to the test asking).
std::string typed_extension(const std::string& modules) {
  static wasi::testing::TempDir dir;
  static std::string made, error;
  if (made.empty() && error.empty()) {
    std::ofstream(dir / "extension.toml") << "id = \"typed\"\nname = \"Typed\"\n"
                                             "version = \"0.0.1\"\nschema_version = 1\n";
    auto r =
        run({modules + "/.bin/jco", "parse", std::string(IRONCLAD_ZED_TEST_FIXTURES) + "/typed.wat",
             "-o", dir / "extension.wasm"});
    if (r.status == 0)
      made = dir.path();
    else
      error = "jco parse: " + r.err;
  }
  if (!error.empty()) ADD_FAILURE() << error;
  return made;
}

// fixtures/hostile.wat assembled by jco into `dir`; false (a failure added) when that failed.
bool make_hostile(const std::string& modules, const wasi::testing::TempDir& dir) {
  std::ofstream(dir / "extension.toml") << "id = \"hostile\"\nname = \"Hostile\"\n"
                                           "version = \"0.0.1\"\nschema_version = 1\n";
  auto made = run({modules + "/.bin/jco", "parse",
                   std::string(IRONCLAD_ZED_TEST_FIXTURES) + "/hostile.wat", "-o",
                   dir / "extension.wasm"});
  EXPECT_EQ(made.status, 0) << made.err;
  return made.status == 0;
}

class ZedCall : public ::testing::Test {
 protected:
  RunResult call(const std::string& dir, const std::string& export_name, const std::string& args,
                 std::vector<std::string> extra = {}, const std::string& tier = "interp") {
    std::vector<std::string> argv{IRONCLAD_BINARY, "zed",      "call",   dir,
                                  export_name,     args,       "--tier", tier,
                                  "--data-dir",    data.path()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv);
  }
  static nlohmann::json parsed(const RunResult& r) {
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  wasi::testing::TempDir data, worktree;
};

TEST_F(ZedCall, SharedExtensionsAnswerInitializationOptionsAndWorkspaceConfiguration) {
  fs::path ty = find_shared("NathanielH-snek__ty-zed-extension");
  fs::path graphql = find_shared("hurou927__vscode-graphql-jump");
  if (ty.empty() || graphql.empty())
    GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  // ty reads its options from the lsp settings of the worktree: what the settings file says
  // comes back, as the JSON text the world's result<option<string>, string> carries.
  wasi::testing::TempDir settings_dir;
  settings_dir.write_file("settings.json",
                          R"({"lsp": {"ty": {"settings": {"x": 1},
                                             "initialization_options": {"y": 2}}}})");
  std::vector<std::string> with{"--worktree", worktree.path(), "--settings",
                                settings_dir / "settings.json"};
  auto init = call(ty, "language-server-initialization-options", R"(["ty", null])", with);
  ASSERT_EQ(init.status, 0) << init.err;
  EXPECT_EQ(parsed(init), nlohmann::json(R"({"y":2})")) << init.out;
  auto config = call(ty, "language-server-workspace-configuration", R"(["ty", "worktree"])", with);
  ASSERT_EQ(config.status, 0) << config.err;
  EXPECT_EQ(parsed(config), nlohmann::json(R"({"ty":{"x":1}})")) << config.out;
  // zed_extension_api's defaults answer ok(none): null.
  for (const char* e :
       {"language-server-initialization-options", "language-server-workspace-configuration"}) {
    auto r = call(graphql, e, R"(["graphql-jump", null])", {"--worktree", worktree.path()});
    EXPECT_EQ(r.status, 0) << e << ": " << r.err;
    EXPECT_EQ(r.out, "null\n") << e;
  }
}

TEST_F(ZedCall, OldWorldsTakeTheServerAsARecord) {
  fs::path oxide = find_shared("Feel-ix-343__markdown-oxide-zed");  // zed:api-version 0.0.4
  if (oxide.empty()) GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  auto r = call(oxide, "language-server-initialization-options",
                R"([{"name": "markdown-oxide", "language-name": "Markdown"}, null])",
                {"--worktree", worktree.path()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "null\n");
  auto as_string = call(oxide, "language-server-initialization-options",
                        R"(["markdown-oxide", null])", {"--worktree", worktree.path()});
  EXPECT_EQ(as_string.status, 2);
  EXPECT_NE(as_string.err.find("argument 1 `config`: expected record `language-server-config`, "
                               "got a string"),
            std::string::npos)
      << as_string.err;
}

TEST_F(ZedCall, RecordsListsOptionsAndVariantsRoundTrip) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string dir = typed_extension(modules);
  ASSERT_FALSE(dir.empty());
  for (const std::string tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
    auto text = call(dir, "echo",
                     R"([{"name": "é✓", "tags": ["a", ""], "max-count": 7,
                          "kind": {"text": "hi"}}])",
                     {}, tier);
    ASSERT_EQ(text.status, 0) << text.err;
    // Fields in their declared order, kebab-case names.
    EXPECT_EQ(text.out, R"({"name":"é✓","tags":["a",""],"max-count":7,"kind":{"text":"hi"}})"
                        "\n");
    // An absent option field is none; a case without a payload is its name.
    auto none = call(dir, "echo", R"([{"name": "", "tags": [], "kind": "none"}])", {}, tier);
    ASSERT_EQ(none.status, 0) << none.err;
    EXPECT_EQ(none.out, R"({"name":"","tags":[],"max-count":null,"kind":"none"})"
                        "\n");
    auto num = call(
        dir, "echo",
        R"([{"name": "n", "tags": [], "max-count": null, "kind": {"num": 4294967295}}])", {}, tier);
    ASSERT_EQ(num.status, 0) << num.err;
    EXPECT_EQ(parsed(num)["kind"], nlohmann::json({{"num", 4294967295u}}));
  }
  auto flip = call(dir, "flip", R"(["red"])");
  EXPECT_EQ(flip.status, 0) << flip.err;
  EXPECT_EQ(flip.out, "\"blue\"\n");
  auto count = call(dir, "count",
                    R"([[{"name": "a", "tags": [], "kind": "none"},
                         {"name": "b", "tags": ["x"], "kind": {"num": 1}},
                         {"name": "c", "tags": [], "kind": {"text": ""}}]])");
  EXPECT_EQ(count.status, 0) << count.err;
  EXPECT_EQ(count.out, "3\n");
}

TEST_F(ZedCall, TheExtensionsErrorExitsOne) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string dir = typed_extension(modules);
  ASSERT_FALSE(dir.empty());
  auto r = call(dir, "fail", R"(["no such thing"])");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("fail: no such thing"), std::string::npos) << r.err;
}

TEST_F(ZedCall, MistakesAreUsageErrorsThatSayWhat) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::string dir = typed_extension(modules);
  ASSERT_FALSE(dir.empty());
  struct Case {
    std::string export_name, args, message;
  };
  const std::vector<Case> cases{
      {"nosuch", "[]",
       "has no export 'nosuch'; its exports are init-extension, echo, flip, fail, "
       "count"},
      {"flip", "[]", "0 arguments given, 1 expected: flip: func(c: color) -> color"},
      {"flip", R"({"c": "red"})", "ARGS-AS-JSON must be a JSON array"},
      {"flip", "[red", "ARGS-AS-JSON must be a JSON array"},
      {"flip", R"(["purple"])",
       "argument 1 `c`: expected enum `color`, got a string (\"purple\"): the cases are red, "
       "green, blue"},
      {"flip", "[0]", "argument 1 `c`: expected enum `color`, got an integer (0)"},
      {"fail", "[null]", "argument 1 `message`: expected string, got null"},
      {"echo", R"([{"name": "a", "tags": [3], "kind": "none"}])",
       "argument 1 `it`.tags[0]: expected string, got an integer (3)"},
      {"echo", R"([{"tags": [], "kind": "none"}])",
       "argument 1 `it`: expected record `item`: field `name` (string) is missing"},
      {"echo", R"([{"name": "a", "tags": [], "kind": "none", "colour": 1}])",
       "argument 1 `it`: record `item` has no field `colour`"},
      {"echo", R"([{"name": "a", "tags": [], "kind": "num"}])",
       "argument 1 `it`.kind: case `num` of variant `kind` needs a payload (u32)"},
      {"echo", R"([{"name": "a", "tags": [], "kind": {"other": 1}}])",
       "argument 1 `it`.kind: expected variant `kind`"},
      {"echo", R"([{"name": "a", "tags": [], "max-count": -1, "kind": "none"}])",
       "argument 1 `it`.max-count: expected u32, got an integer (-1): out of range"},
      {"echo", R"([{"name": "a", "tags": [], "max-count": 1.5, "kind": "none"}])",
       "argument 1 `it`.max-count: expected u32, got a number (1.5)"},
  };
  for (const Case& c : cases) {
    auto r = call(dir, c.export_name, c.args);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << ": " << r.err;
  }
}

// A call past its deadline: status 1 and one line saying it was a timeout, of which export,
// after how long, and that the extension has a fresh instance.
TEST_F(ZedCall, ATimeoutExitsOneAndSaysSo) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  wasi::testing::TempDir dir;
  ASSERT_TRUE(make_hostile(modules, dir));
  for (const std::string tier : {"interp", "jit"}) {
    auto r = call(dir.path(), "spin", "[]", {"--timeout", "0.3"}, tier);
    EXPECT_EQ(r.status, 1) << tier << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(": timeout: extension 'hostile': spin passed its deadline of 300 ms and "
                         "was stopped"),
              std::string::npos)
        << tier << ": " << r.err;
    EXPECT_NE(r.err.find("the extension has a fresh instance"), std::string::npos) << r.err;
  }
}

// `zed check` prints the limits init-extension ran into: hostile's asks for 1 GiB once, past
// the default cap of 512 MiB (refused; it carries on).
TEST_F(ZedCall, CheckShowsTimeoutsAndMemoryRefusals) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  wasi::testing::TempDir dir;
  ASSERT_TRUE(make_hostile(modules, dir));
  auto r = run({IRONCLAD_BINARY, "zed", "check", dir.path(), "--tier", "interp", "--data-dir",
                data.path()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\ntimeouts: 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nmemory refusals: 1 (last: init-extension at "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(", cap 536870912 bytes: a growth by 1073741824 bytes (1 refused in this "
                       "call))\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("ironclad: zed: memory-refused: extension 'hostile': memory.grow or "
                       "table.grow refused 1 time in init-extension"),
            std::string::npos)
      << r.err;
}

TEST_F(ZedCall, AWorktreeArgumentNeedsTheWorktreeOption) {
  fs::path graphql = find_shared("hurou927__vscode-graphql-jump");
  if (graphql.empty()) GTEST_SKIP() << "shared Zed extensions missing (../shared is not there)";
  auto r = call(graphql, "language-server-initialization-options", R"(["graphql-jump", null])");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("argument 2 `worktree`: expected borrow<worktree>: no worktree "
                       "(--worktree DIR)"),
            std::string::npos)
      << r.err;
  auto wrong = call(graphql, "language-server-initialization-options",
                    R"(["graphql-jump", "project"])", {"--worktree", worktree.path()});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_NE(wrong.err.find("argument 2 `worktree`: expected borrow<worktree> (give null or "
                           "\"worktree\")"),
            std::string::npos)
      << wrong.err;
}

}  // namespace
}  // namespace ironclad::zed::testing
