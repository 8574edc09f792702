// The real published Zed extensions of ../shared/zed-extensions: each is a component that
// loads and validates, whose world Ironclad prints as the reference tooling (jco's
// wasm-tools) does, and that `ironclad component inspect`/`validate` describe.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "component/loader.h"
#include "component/wit.h"
#include "test_env.h"

namespace ironclad::component {
namespace {

using namespace testing;

// The `import X` / `export X` items of a WIT world, e.g. "import wasi:io/streams@0.2.6",
// "export init-extension: func()".
std::set<std::string> world_items(const std::string& wit, const char* keyword) {
  std::set<std::string> items;
  std::regex line(std::string("^  ") + keyword + " ([^;]*);$");
  std::smatch m;
  size_t start = 0;
  while (start < wit.size()) {
    size_t end = wit.find('\n', start);
    if (end == std::string::npos) end = wit.size();
    std::string l = wit.substr(start, end - start);
    if (std::regex_match(l, m, line)) items.insert(m[1]);
    start = end + 1;
  }
  return items;
}

std::string trim_trailing_newlines(std::string s) {
  while (s.size() > 1 && s.back() == '\n' && s[s.size() - 2] == '\n') s.pop_back();
  return s;
}

TEST(SharedExtensions, EveryOneLoadsAndValidates) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  EXPECT_EQ(extensions.size(), 14u);
  for (const fs::path& file : extensions) {
    auto c = load_component_file(file.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    size_t modules = (*c)->core_modules.size();
    EXPECT_TRUE(modules == 1 || modules == 3 || modules == 4)
        << file << ": " << modules << " core modules";
    EXPECT_FALSE((*c)->exports.empty()) << file;
    // The editor's API version is a 6-byte custom section of the first core module.
    const wasm::Module& main = *(*c)->core_modules[0].module;
    bool found = false;
    for (const wasm::CustomSection& cs : main.customs) {
      if (cs.name == "zed:api-version") {
        found = true;
        EXPECT_EQ(cs.size, 6u) << file;
      }
    }
    EXPECT_TRUE(found) << file << ": no zed:api-version section in core module 0";
  }
}

TEST(SharedExtensions, TheWorldIsWhatJcoPrints) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  std::vector<std::string> args{"node", tools_dir() + "/jco_wit.mjs", modules};
  for (const fs::path& f : extensions) args.push_back(f.string());
  RunResult r = run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json reference = nlohmann::json::parse(r.out);
  for (const fs::path& file : extensions) {
    SCOPED_TRACE(file.string());
    const nlohmann::json& ref = reference[file.string()];
    ASSERT_TRUE(ref.contains("wit")) << ref.dump();
    std::string expected = trim_trailing_newlines(ref["wit"].get<std::string>());
    auto c = load_component_file(file.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    std::string ours = world_wit(**c);
    EXPECT_EQ(world_items(ours, "import"), world_items(expected, "import"));
    EXPECT_EQ(world_items(ours, "export"), world_items(expected, "export"));
    EXPECT_FALSE(world_items(ours, "export").empty());
    EXPECT_EQ(ours, expected);
  }
}

TEST(SharedExtensions, InspectDescribesInnerModulesAsJson) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  RunResult r = run({IRONCLAD_BINARY, "component", "inspect", "--json", extensions[0].string()});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  auto c = load_component_file(extensions[0].string());
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(j["core_modules"].size(), (*c)->core_modules.size());
  EXPECT_EQ(j["size"].get<uint64_t>(), fs::file_size(extensions[0]));
  EXPECT_EQ(j["imports"].size(), (*c)->imports.size());
  EXPECT_EQ(j["exports"].size(), (*c)->exports.size());
  bool api_version = false;
  for (const auto& cs : j["core_modules"][0]["custom_sections"]) {
    if (cs["name"] == "zed:api-version") {
      api_version = true;
      EXPECT_EQ(cs["data_hex"].get<std::string>().size(), 12u);
    }
  }
  EXPECT_TRUE(api_version);
}

TEST(SharedExtensions, ValidateAcceptsComponents) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  RunResult r = run({IRONCLAD_BINARY, "validate", extensions[0].string(), extensions[1].string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, extensions[0].string() + ": ok (component)\n" + extensions[1].string() +
                       ": ok (component)\n");
}

TEST(SharedExtensions, WitOfAnUnreadableFileIsAnIoError) {
  RunResult r = run({IRONCLAD_BINARY, "component", "wit", "/nonexistent/x.wasm"});
  EXPECT_EQ(r.status, 66);
  EXPECT_NE(r.err.find("/nonexistent/x.wasm"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ironclad::component
