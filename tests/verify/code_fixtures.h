// Reading the compiled-code fixtures tests/verify/CMakeLists.txt builds: raw .text bytes and
// llvm-nm's symbol list, under $IRONCLAD_FIXTURES/verify/<name>.<march>.{text,symbols}.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "verify/verifier.h"
#include "support/fixture_dir.h"

namespace ironclad::verify::test {

inline std::string code_fixture_path(const std::string& file) {
  return ironclad::testing::fixture_dir() + "/verify/" + file;
}

// The .text bytes; empty (and a test failure) when the fixture is missing.
inline std::vector<uint8_t> read_code_fixture(const std::string& name, const std::string& march) {
  std::string path = code_fixture_path(name + "." + march + ".text");
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path << " (built by the verify_fixtures target)";
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// llvm-nm --format=posix lines: "name type value size" (hex); functions have type T or t.
inline std::vector<FunctionSymbol> read_fixture_symbols(const std::string& name,
                                                        const std::string& march) {
  std::ifstream in(code_fixture_path(name + "." + march + ".symbols"));
  std::vector<FunctionSymbol> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string symbol, type, value, size;
    if (!(fields >> symbol >> type >> value >> size) || (type != "T" && type != "t")) continue;
    out.push_back({symbol, std::stoull(value, nullptr, 16), std::stoull(size, nullptr, 16)});
  }
  return out;
}

}  // namespace ironclad::verify::test
