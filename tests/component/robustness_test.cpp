// Hostile bytes: truncated or mutated components give an error (or, for a harmless mutation,
// a component), never a crash, a hang or an exception. Run under `make test-sanitize` too.
#include <gtest/gtest.h>

#include <random>

#include "component/loader.h"
#include "component/wit.h"
#include "test_env.h"
#include "wasm/module_file.h"

namespace ironclad::component {
namespace {

using namespace testing;

// The smallest shared extension, and where its component-level sections start (after its
// last core module), which is where mutations exercise this parser rather than the core one.
struct Sample {
  std::vector<uint8_t> bytes;
  uint32_t component_part = 8;
};

Sample smallest_extension(const std::vector<fs::path>& extensions) {
  fs::path best = extensions[0];
  for (const fs::path& p : extensions) {
    if (fs::file_size(p) < fs::file_size(best)) best = p;
  }
  Sample s;
  s.bytes = *wasm::read_file_bytes(best.string());
  auto c = load_component(s.bytes, "sample");
  if (c.ok()) {
    for (const CoreModuleDef& m : (*c)->core_modules)
      s.component_part = std::max(s.component_part, m.offset + m.size);
  }
  return s;
}

TEST(ComponentRobustness, TruncationsAreErrorsOrShorterComponents) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  Sample s = smallest_extension(extensions);
  ASSERT_GT(s.bytes.size(), s.component_part);
  // 300 prefixes through the component-level part and 100 through the core modules (each
  // load decodes the modules before it: a few milliseconds).
  std::vector<size_t> cuts;
  size_t tail = s.bytes.size() - s.component_part;
  for (size_t i = 0; i < 300; ++i) cuts.push_back(s.component_part + i * tail / 300);
  for (size_t i = 0; i < 100; ++i) cuts.push_back(i * s.component_part / 100);
  size_t refused = 0;
  for (size_t n : cuts) {
    std::span<const uint8_t> prefix(s.bytes.data(), n);
    auto c = load_component(prefix, "cut");
    // A cut at a section boundary is a valid (shorter) component; any other is an error.
    if (!c.ok()) {
      ++refused;
      EXPECT_TRUE(c.error().kind == ErrorKind::Malformed || c.error().kind == ErrorKind::Invalid)
          << c.error().message;
    }
  }
  EXPECT_GT(refused, cuts.size() * 9 / 10);
}

TEST(ComponentRobustness, MutatedComponentsNeverCrash) {
  IRONCLAD_REQUIRE_SHARED_EXTENSIONS(extensions);
  Sample s = smallest_extension(extensions);
  std::mt19937 rng(1234);
  size_t loaded = 0, refused = 0;
  for (int i = 0; i < 500; ++i) {
    std::vector<uint8_t> b = s.bytes;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) {
      size_t at = s.component_part + rng() % (b.size() - s.component_part);
      b[at] = static_cast<uint8_t>(rng());
    }
    auto c = load_component(b, "mutant");
    if (c.ok()) {
      ++loaded;
      (void)world_wit(**c);  // printing what loaded must work too
    } else {
      ++refused;
      EXPECT_TRUE(c.error().kind == ErrorKind::Malformed || c.error().kind == ErrorKind::Invalid)
          << c.error().message;
    }
  }
  EXPECT_GT(refused, 0u);
  RecordProperty("loaded", static_cast<int>(loaded));
}

}  // namespace
}  // namespace ironclad::component
