// Hostile input: every truncation and many bit flips of a rich module must give a clean
// error (or, at a section boundary, a well-formed shorter module), never a crash. Also a
// large generated module, to keep the single-pass decode+validate honest.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "module_builder.h"
#include "wasm/decoder.h"
#include "wasm/reader.h"
#include "wasm/validator.h"
#include "support/fixture_dir.h"

namespace ironclad::wasm {
namespace {

using namespace test;

Bytes load_fixture(const char* file) {
  std::string path = ironclad::testing::fixture_dir() + "/" + file;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  return Bytes((std::istreambuf_iterator<char>(in)), {});
}

// Offsets where a section ends: a module cut there is still well-formed.
std::set<size_t> section_boundaries(const Bytes& b) {
  std::set<size_t> ends{8};
  Reader r(b, 8, static_cast<uint32_t>(b.size()));
  while (!r.at_end()) {
    (void)r.u8();
    uint32_t size = *r.u32();
    (void)r.skip(size);
    ends.insert(r.offset());
  }
  return ends;
}

// Decode and validate; returns the error kind, or nullopt when the module is valid.
std::optional<ErrorKind> load(Bytes b) {
  auto m = decode_module(std::move(b), "fuzz.wasm");
  if (!m.ok()) {
    EXPECT_FALSE(m.error().message.empty());
    return m.error().kind;
  }
  auto v = validate_module(**m, "fuzz.wasm");
  if (!v.ok()) {
    EXPECT_FALSE(v.error().message.empty());
    return v.error().kind;
  }
  return std::nullopt;
}

TEST(Robustness, RichFixtureIsValid) {
  Bytes rich = load_fixture("wasm_rich.wasm");
  ASSERT_GT(rich.size(), 300u);
  auto m = decode_module(rich, "wasm_rich.wasm");
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto v = validate_module(**m, "wasm_rich.wasm");
  EXPECT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ((*m)->func_types.size(), 10u);
  EXPECT_EQ((*m)->elements.size(), 3u);
  EXPECT_EQ((*m)->data.size(), 2u);
}

TEST(Robustness, EveryTruncationIsACleanMalformedError) {
  Bytes rich = load_fixture("wasm_rich.wasm");
  ASSERT_FALSE(rich.empty());
  std::set<size_t> boundaries = section_boundaries(rich);
  for (size_t len = 0; len < rich.size(); ++len) {
    Bytes cut(rich.begin(), rich.begin() + len);
    auto m = decode_module(cut, "cut.wasm");
    if (boundaries.count(len)) continue;  // a shorter but complete module
    ASSERT_FALSE(m.ok()) << "truncated at " << len << " decoded";
    EXPECT_EQ(m.error().kind, ErrorKind::Malformed) << len;
    EXPECT_NE(m.error().message.find("offset"), std::string::npos) << m.error().message;
  }
}

TEST(Robustness, BitFlipsNeverCrash) {
  Bytes rich = load_fixture("wasm_rich.wasm");
  ASSERT_FALSE(rich.empty());
  size_t rejected = 0, total = 0;
  for (size_t pos = 8; pos < rich.size(); ++pos) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes b = rich;
      b[pos] ^= static_cast<uint8_t>(1u << bit);
      auto kind = load(std::move(b));
      ++total;
      if (kind) {
        ++rejected;
        EXPECT_TRUE(*kind == ErrorKind::Malformed || *kind == ErrorKind::Invalid);
      }
    }
  }
  // Most single-bit changes break something; a few (a constant, a name byte) do not.
  EXPECT_GT(rejected, total / 2);
}

TEST(Robustness, RandomSectionsAreRejectedCleanly) {
  std::mt19937 rng(1234);  // fixed seed: the same inputs every run
  for (int i = 0; i < 3000; ++i) {
    Bytes b = header();
    size_t n = rng() % 64;
    // A plausible section id and size first, so the garbage reaches the section decoders.
    b.push_back(static_cast<uint8_t>(rng() % 13));
    b.push_back(static_cast<uint8_t>(n));
    for (size_t k = 0; k < n; ++k) b.push_back(static_cast<uint8_t>(rng()));
    (void)load(std::move(b));  // must return, with a message if it fails
  }
}

TEST(Robustness, DeepNestingNeedsNoRecursion) {
  // 200000 nested blocks and their ends: the decoder and validator keep explicit stacks.
  Bytes code;
  for (int i = 0; i < 200000; ++i) code.insert(code.end(), {0x02, 0x40});
  code.insert(code.end(), 200001, 0x0B);
  EXPECT_FALSE(load(one_func(func_type({}, {}), code)).has_value());
  code.pop_back();  // one `end` short
  EXPECT_EQ(load(one_func(func_type({}, {}), code)), ErrorKind::Malformed);
}

TEST(Robustness, LargeModuleDecodesAndValidatesInOnePass) {
  // 2000 functions of ~1500 bytes each: 3 MB of code.
  Bytes code;
  for (int i = 0; i < 250; ++i) {
    Bytes chunk = {0x20, 0x00, 0x41, 0x07, 0x6A, 0x21, 0x00,  // local0 += 7
                   0x02, 0x40, 0x20, 0x00, 0x45, 0x0D, 0x00, 0x0B};  // block br_if end
    code.insert(code.end(), chunk.begin(), chunk.end());
  }
  code.insert(code.end(), {0x20, 0x00, 0x0B});
  Bytes bodies = leb(2000);
  Bytes funcs = leb(2000);
  for (int i = 0; i < 2000; ++i) {
    Bytes b = body({{1, I64}}, code);
    bodies.insert(bodies.end(), b.begin(), b.end());
    put_u32(funcs, 0);
  }
  Bytes mod = cat({header(), section(1, vec({func_type({I32}, {I32})})), section(3, funcs),
                   section(10, bodies)});
  ASSERT_GT(mod.size(), 3'000'000u);
  auto start = std::chrono::steady_clock::now();
  auto m = decode_module(std::move(mod), "big.wasm");
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto v = validate_module(**m, "big.wasm");
  EXPECT_TRUE(v.ok()) << v.error().message;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("decode+validate of %zu bytes: %.1f ms\n", (*m)->bytes.size(), ms);
}

}  // namespace
}  // namespace ironclad::wasm
