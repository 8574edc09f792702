// `ironclad validate`, and bad input to both commands: every truncation of a small
// module, garbage, directories and missing files give the documented status and one line
// naming the file, never a crash.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../wasi/temp_dir.h"
#include "invalid_module.h"
#include "run_process.h"

namespace ironclad::cli {
namespace {

using testing::fixture;
using testing::run_ironclad;
using wasi::testing::TempDir;

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

TEST(ValidateCommand, ValidModulesPrintOk) {
  std::string a = fixture("cli_tiny.wasm"), b = fixture("wasi_files.wasm");
  auto r = run_ironclad({"validate", a, b});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, a + ": ok\n" + b + ": ok\n");
}

TEST(ValidateCommand, MissingFileIsStatus66) {
  auto r = run_ironclad({"validate", "/nonexistent.wasm"});
  EXPECT_EQ(r.status, 66);
  EXPECT_EQ(r.err_lines(), 1u);
  EXPECT_NE(r.err.find("/nonexistent.wasm"), std::string::npos);
  EXPECT_EQ(run_ironclad({"validate"}).status, 2);
}

TEST(ValidateCommand, GarbageAndDirectoriesAreCleanErrors) {
  TempDir dir;
  dir.write_file("garbage.wasm", "this is not a wasm module at all");
  auto garbage = run_ironclad({"validate", dir / "garbage.wasm"});
  EXPECT_EQ(garbage.status, 3);
  EXPECT_EQ(garbage.err_lines(), 1u);
  EXPECT_NE(garbage.err.find(dir / "garbage.wasm"), std::string::npos);
  auto directory = run_ironclad({"validate", dir.path()});
  EXPECT_EQ(directory.signal, 0);
  EXPECT_EQ(directory.status, 66);
}

TEST(ValidateCommand, InvalidModuleIsStatus3) {
  TempDir dir;
  testing::write_invalid_module(dir / "invalid.wasm");
  for (const char* cmd : {"validate", "run"}) {
    auto r = run_ironclad({cmd, dir / "invalid.wasm"});
    EXPECT_EQ(r.status, 3) << cmd << ": " << r.err;
    EXPECT_EQ(r.err_lines(), 1u) << r.err;
    EXPECT_NE(r.err.find("invalid module"), std::string::npos) << r.err;
  }
}

// Every proper prefix of a valid module is either malformed (status 3, one line naming
// the file) or, when it ends exactly at a section boundary, a valid smaller module. Both
// commands must handle every length without crashing.
TEST(ValidateCommand, EveryTruncationOfAModuleIsACleanError) {
  std::vector<char> bytes = read_bytes(fixture("cli_tiny.wasm"));
  ASSERT_GT(bytes.size(), 40u);
  TempDir dir;
  std::string path = dir / "truncated.wasm";
  size_t malformed = 0;
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), len);
    auto v = run_ironclad({"validate", path});
    ASSERT_EQ(v.signal, 0) << "validate crashed at length " << len;
    auto r = run_ironclad({"run", path});
    ASSERT_EQ(r.signal, 0) << "run crashed at length " << len;
    if (v.status == 0) {
      // A prefix ending at a section boundary: valid, and either without _start (usage,
      // 2) or, once only the trailing name section is cut, the whole program (exits 10).
      EXPECT_EQ(v.out, path + ": ok\n");
      EXPECT_TRUE(r.status == 2 || r.status == 10) << "run at length " << len << ": " << r.err;
    } else {
      ++malformed;
      EXPECT_EQ(v.status, 3) << "validate at length " << len << ": " << v.err;
      EXPECT_EQ(v.err_lines(), 1u) << v.err;
      EXPECT_NE(v.err.find(path), std::string::npos) << v.err;
      EXPECT_EQ(v.err.find("malformed module"), 10u) << v.err;  // after "ironclad: "
      EXPECT_EQ(r.status, 3) << "run at length " << len << ": " << r.err;
      EXPECT_EQ(r.err, v.err);
      EXPECT_EQ(r.out, "");
    }
  }
  // Only the few section boundaries can be valid prefixes.
  EXPECT_GE(malformed, bytes.size() - 8);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  EXPECT_EQ(run_ironclad({"validate", path}).status, 0);
  EXPECT_EQ(run_ironclad({"run", path}).status, 10);  // the module exits with f(3) = 3 + 7
}

}  // namespace
}  // namespace ironclad::cli
