// Loading: the API-version mapping, extension.toml, and what a wrong extension.wasm gets.
#include <gtest/gtest.h>

#include <fstream>

#include "wasi/temp_dir.h"
#include "zed/api_version.h"
#include "zed/loader.h"
#include "zed/manifest.h"

namespace ironclad::zed {
namespace {

using wasi::testing::TempDir;

std::string folder(uint16_t a, uint16_t b, uint16_t c) {
  auto r = world_folder({a, b, c});
  return r.ok() ? *r : "error: " + r.error().message;
}

TEST(ZedApiVersion, MapsEveryReleasedVersionToZedsFolder) {
  EXPECT_EQ(folder(0, 0, 1), "since_v0.0.1");
  EXPECT_EQ(folder(0, 0, 3), "since_v0.0.1");
  EXPECT_EQ(folder(0, 0, 4), "since_v0.0.4");
  EXPECT_EQ(folder(0, 0, 5), "since_v0.0.4");
  EXPECT_EQ(folder(0, 0, 6), "since_v0.0.6");
  EXPECT_EQ(folder(0, 1, 0), "since_v0.1.0");
  EXPECT_EQ(folder(0, 2, 0), "since_v0.2.0");
  EXPECT_EQ(folder(0, 3, 0), "since_v0.3.0");
  EXPECT_EQ(folder(0, 4, 0), "since_v0.4.0");
  EXPECT_EQ(folder(0, 5, 0), "since_v0.5.0");
  EXPECT_EQ(folder(0, 6, 0), "since_v0.6.0");
  EXPECT_EQ(folder(0, 7, 0), "since_v0.6.0");  // no since_v0.7.0 folder: 0.7.0 binds 0.6.0
  EXPECT_EQ(folder(0, 8, 0), "since_v0.8.0");
  for (ZedApiVersion v : {ZedApiVersion{0, 0, 0}, ZedApiVersion{0, 0, 7}, ZedApiVersion{0, 1, 1},
                          ZedApiVersion{0, 7, 1}, ZedApiVersion{0, 9, 0}, ZedApiVersion{1, 0, 0}})
    EXPECT_FALSE(world_folder(v).ok()) << v.to_string();
}

TEST(ZedApiVersion, SectionIsThreeBigEndianU16) {
  const uint8_t bytes[] = {0x00, 0x00, 0x00, 0x07, 0x01, 0x02};
  auto v = parse_api_version(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->to_string(), "0.7.258");
  const uint8_t short_bytes[] = {0, 0, 0, 6};
  auto bad = parse_api_version(short_bytes);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("holds 4 bytes, expected 6"), std::string::npos);
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(ZedManifest, ReadsZedsKeysAndWarnsAboutUnknownOnes) {
  TempDir dir;
  write(dir / "extension.toml", R"(
id = "demo"
name = "Demo"
version = "0.1.0"
schema_version = 1
authors = ["A <a@example.com>"]
repository = "https://example.com/demo"
colour = "blue"

[language_servers.demo-lsp]
name = "Demo LSP"
languages = ["Rust", "C"]

[grammars.demo]
repository = "https://example.com/grammar"

[context_servers.demo-mcp]
[slash_commands.hello]
description = "hi"
)");
  auto m = read_zed_manifest(dir.path());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->id, "demo");
  EXPECT_EQ(m->schema_version, 1);
  ASSERT_EQ(m->language_servers.size(), 1u);
  EXPECT_EQ(m->language_servers[0].id, "demo-lsp");
  EXPECT_EQ(m->language_servers[0].languages, (std::vector<std::string>{"Rust", "C"}));
  EXPECT_EQ(m->grammars, std::vector<std::string>{"demo"});
  EXPECT_EQ(m->context_servers, std::vector<std::string>{"demo-mcp"});
  EXPECT_EQ(m->slash_commands, std::vector<std::string>{"hello"});
  ASSERT_EQ(m->warnings.size(), 1u);
  EXPECT_NE(m->warnings[0].find("unknown key 'colour'"), std::string::npos);
}

TEST(ZedManifest, MissingIdNamesFileAndKey) {
  TempDir dir;
  write(dir / "extension.toml", "name = \"x\"\nversion = \"1\"\n");
  auto m = read_zed_manifest(dir.path());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("extension.toml: missing key 'id'"), std::string::npos)
      << m.error().message;
}

TEST(ZedLoader, CoreModuleIsToldItIsNotAComponent) {
  TempDir dir;
  write(dir / "extension.toml", "id = \"core\"\nname = \"c\"\nversion = \"1\"\n");
  write(dir / "extension.wasm", std::string("\0asm\1\0\0\0", 8));
  auto e = load_extension_dir(dir.path());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("extension.wasm: a core WebAssembly module, not a component"),
            std::string::npos)
      << e.error().message;
}

TEST(ZedLoader, MissingWasmNamesIt) {
  TempDir dir;
  write(dir / "extension.toml", "id = \"x\"\nname = \"x\"\nversion = \"1\"\n");
  auto e = load_extension_dir(dir.path());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("extension.wasm: missing"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::zed
