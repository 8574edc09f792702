// The tiered tier's code cache (src/tiered/batch_cache.h, docs/tiering.md "Code cache"): a
// store writes each batch it compiles to the cache directory, and the next store of the same
// module and options links, verifies and publishes them at instantiation, before the first
// call. Observed through TieredStats, FunctionInstance::jit_code and the interpreter's heat
// (a function that never ran in the interpreter has none); the second store is held
// (TieredConfig::start_held), so none of its machine code can come from its own compiles.
#include <sys/stat.h>
#include <sys/time.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "interp/interpreter.h"
#include "jit/artifact_cache.h"
#include "tiered/batch_cache.h"
#include "tiered_harness.h"

namespace ironclad::tiered::testing {
namespace {

namespace fs = std::filesystem;
using ironclad::testing::Harness;
using ironclad::testing::I32;

// tiered_heat.wat: init 0, hot 1, run 2, spin 3; run calls hot.
constexpr uint32_t kInit = 0, kHot = 1, kRun = 2, kSpin = 3;

class CacheDir {
 public:
  CacheDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("ironclad-batch-cache-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~CacheDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  // The batch files, by name.
  std::vector<fs::path> batches() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(path_))
      if (e.path().extension() == ".icbatch") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  fs::path path_;
};

jit::ArtifactKey key_of(uint8_t seed) {
  jit::ArtifactKey key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i * 7);
  return key;
}

TieredConfig cached_config(const CacheDir& dir, uint8_t key_seed = 1) {
  TieredConfig c = sync_config();
  c.jit.artifact_cache_dir = dir.path();
  c.jit.artifact_key = key_of(key_seed);
  return c;
}

// A store that compiles nothing itself: whatever machine code it has came from the cache.
TieredConfig held(TieredConfig c) {
  c.background = true;
  c.start_held = true;
  return c;
}

bool has_machine_code(Harness& h, uint32_t index) {
  return h.instance->funcs.at(index)->jit_code != nullptr;
}

TieredStats stats_of(Harness& h) {
  TieredStats s;
  EXPECT_TRUE(tiered_stats(h.store.tier(), s));
  return s;
}

// A first store (deterministic: each function compiled at its first call, one batch each)
// that runs `run` (compiling run and hot) and returns the number of batches it wrote.
uint64_t fill(TieredConfig c, runtime::StoreLimits limits = {}) {
  Harness h("tiered_heat", make_tiered_tier(std::move(c)), limits);
  h.instantiate();
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  TieredStats s = stats_of(h);
  EXPECT_EQ(s.functions_compiled, 2u);
  EXPECT_EQ(s.functions_cached, 0u);
  return s.batches_written;
}

TEST(TieredCache, ASecondStoreRunsTheCachedCodeFromItsFirstCall) {
  CacheDir dir;
  EXPECT_EQ(fill(cached_config(dir)), 2u);
  EXPECT_EQ(dir.batches().size(), 2u);

  std::vector<uint32_t> published;
  TieredConfig c = held(cached_config(dir));
  c.on_published = [&](const runtime::FunctionInstance& f) { published.push_back(f.func_index); };
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  // Right after instantiation, before any call: published from the cache.
  EXPECT_TRUE(has_machine_code(h, kRun));
  EXPECT_TRUE(has_machine_code(h, kHot));
  EXPECT_FALSE(has_machine_code(h, kInit));
  EXPECT_FALSE(has_machine_code(h, kSpin));
  std::sort(published.begin(), published.end());
  EXPECT_EQ(published, (std::vector<uint32_t>{kHot, kRun}));
  TieredStats s = stats_of(h);
  EXPECT_EQ(s.functions_cached, 2u);
  EXPECT_EQ(s.batches_loaded, 2u);

  EXPECT_EQ(h.i32("run", {I32(1000)}), 2000u);
  // run and hot ran in machine code only: the interpreter never counted a call of them and
  // never queued them.
  EXPECT_EQ(interp::heat_of(*h.instance->funcs[kRun]), 0u);
  EXPECT_EQ(interp::heat_of(*h.instance->funcs[kHot]), 0u);
  EXPECT_EQ(h.i32("init"), 7u);  // not cached: the interpreter, queued
  s = stats_of(h);
  EXPECT_EQ(s.functions_queued, 1u);
  EXPECT_EQ(s.functions_compiled, 0u);
  EXPECT_EQ(s.batches_written, 0u);
}

// Batches compiled by the background thread are written too, and a later store adds only
// what was not cached yet.
TEST(TieredCache, BackgroundBatchesAreWrittenAndLaterStoresAddToThem) {
  CacheDir dir;
  {
    TieredConfig c = cached_config(dir);
    c.background = true;
    Harness h("tiered_heat", make_tiered_tier(std::move(c)));
    h.instantiate();
    EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
    wait_for_compiles(h.store.tier());
    TieredStats s = stats_of(h);
    EXPECT_EQ(s.functions_compiled, 2u);
    EXPECT_GE(s.batches_written, 1u);
    EXPECT_EQ(s.batches_written, s.batches);
  }
  {
    TieredConfig c = cached_config(dir);  // compiles spin at its first call
    Harness h("tiered_heat", make_tiered_tier(std::move(c)));
    h.instantiate();
    EXPECT_EQ(stats_of(h).functions_cached, 2u);
    h.i32("spin", {I32(100)});
    EXPECT_EQ(stats_of(h).batches_written, 1u);
  }
  Harness h("tiered_heat", make_tiered_tier(held(cached_config(dir))));
  h.instantiate();
  EXPECT_EQ(stats_of(h).functions_cached, 3u);
  EXPECT_TRUE(has_machine_code(h, kSpin));
  uint32_t expected = 0;
  for (uint32_t n = 100; n > 0; --n) expected ^= n;
  EXPECT_EQ(h.i32("spin", {I32(100)}), expected);
}

// What a store that finds `damage` done to every batch file sees: the notes, and that it
// runs from the interpreter with the same results.
std::vector<std::string> load_damaged(const CacheDir& dir, uint8_t key_seed) {
  std::vector<std::string> notes;
  TieredConfig c = held(cached_config(dir, key_seed));
  c.jit.on_note = [&](const std::string& n) { notes.push_back(n); };
  Harness h("tiered_heat", make_tiered_tier(std::move(c)));
  h.instantiate();
  EXPECT_FALSE(has_machine_code(h, kRun));
  EXPECT_FALSE(has_machine_code(h, kHot));
  EXPECT_EQ(stats_of(h).functions_cached, 0u);
  EXPECT_EQ(h.i32("run", {I32(1000)}), 2000u);
  EXPECT_EQ(h.i32("init"), 7u);
  return notes;
}

void rewrite(const fs::path& file, const std::function<void(std::string&)>& damage) {
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  damage(bytes);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(TieredCache, ABrokenFileIsANoteAndAMiss) {
  struct Case {
    const char* name;
    std::function<void(std::string&)> damage;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"truncated", [](std::string& b) { b.resize(b.size() / 2); }, "truncated"},
      {"a byte flipped", [](std::string& b) { b[b.size() / 2] ^= 0x40; }, "checksum mismatch"},
      {"empty", [](std::string& b) { b.clear(); }, "no \\x7fICBATCH magic"},
      {"the signature flipped", [](std::string& b) { b[b.size() - 1] ^= 1; }, "not signed"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    CacheDir dir;
    ASSERT_EQ(fill(cached_config(dir)), 2u);
    for (const fs::path& file : dir.batches()) rewrite(file, test.damage);
    std::vector<std::string> notes = load_damaged(dir, 1);
    ASSERT_EQ(notes.size(), 2u);
    for (const std::string& n : notes) {
      EXPECT_NE(n.find("refused"), std::string::npos) << n;
      EXPECT_NE(n.find(test.says), std::string::npos) << n;
    }
    // Removed, so that the next compile writes good ones instead of a note at every start.
    EXPECT_TRUE(dir.batches().empty());
  }
}

// Signed with another data directory's key: refused before any field is read.
TEST(TieredCache, AFileSignedWithAnotherKeyIsNotUsed) {
  CacheDir dir;
  ASSERT_EQ(fill(cached_config(dir, /*key_seed=*/9)), 2u);
  std::vector<std::string> notes = load_damaged(dir, 1);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("not signed with this data directory's key"), std::string::npos)
      << notes[0];
}

// A file whose function list is valid for its signature but whose code does not hold what
// it claims (signed with the key, as an attacker with the key could): the link refuses it.
TEST(TieredCache, AnObjectThatDoesNotHoldItsFunctionsIsAMiss) {
  CacheDir dir;
  ASSERT_EQ(fill(cached_config(dir)), 2u);
  // Swap the objects of the two batch files, re-signed: each claims functions it lacks.
  std::vector<fs::path> files = dir.batches();
  ASSERT_EQ(files.size(), 2u);
  auto parsed = [&](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    return bytes;
  };
  const std::shared_ptr<const wasm::Module> module = ironclad::testing::load_fixture("tiered_heat");
  ASSERT_TRUE(module);
  TieredConfig c = cached_config(dir);
  jit::CompileOptions options{c.jit.features, c.jit.opt_level, true, std::nullopt};
  options.keep_objects = true;
  // Explicit checks or not depends on the memory's guard region: try both, one decodes.
  std::vector<CachedBatch> batches;
  for (bool explicit_checks : {true, false}) {
    options.explicit_bounds_checks = explicit_checks;
    batches.clear();
    for (const fs::path& f : files) {
      auto b = decode_batch(parsed(f), *module, options, *c.jit.artifact_key);
      if (b.ok()) batches.push_back(std::move(*b));
    }
    if (batches.size() == 2) break;
  }
  ASSERT_EQ(batches.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    std::vector<uint8_t> forged = encode_batch(*module, options, batches[i].funcs,
                                               batches[1 - i].object, *c.jit.artifact_key);
    std::ofstream(files[i], std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(forged.data()),
               static_cast<std::streamsize>(forged.size()));
  }
  std::vector<std::string> notes = load_damaged(dir, 1);
  ASSERT_EQ(notes.size(), 2u);
  for (const std::string& n : notes) EXPECT_NE(n.find("not used"), std::string::npos) << n;
}

// Another feature set, -O level or budget-check mode never reads the other's files (they are
// not even looked at: no note), and each writes its own.
TEST(TieredCache, OtherOptionsHaveEntriesOfTheirOwn) {
  CacheDir dir;
  ASSERT_EQ(fill(cached_config(dir)), 2u);
  auto loads = [&](TieredConfig c, runtime::StoreLimits limits = {}) {
    std::vector<std::string> notes;
    c.jit.on_note = [&](const std::string& n) { notes.push_back(n); };
    Harness h("tiered_heat", make_tiered_tier(held(std::move(c))), limits);
    h.instantiate();
    EXPECT_TRUE(notes.empty()) << notes.front();
    EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
    return stats_of(h).functions_cached;
  };
  {
    // Never run: the store is held, so nothing is compiled for these features.
    TieredConfig c = cached_config(dir);
    c.jit.features = cpu::FeatureSet{cpu::X86::SSE2, cpu::X86::SSE3};
    c.jit.host_verified = c.jit.features;
    EXPECT_EQ(loads(c), 0u);
  }
  {
    TieredConfig c = cached_config(dir);
    c.jit.opt_level = 1;
    EXPECT_EQ(loads(c), 0u);
  }
  runtime::StoreLimits deadline;
  deadline.call_timeout = std::chrono::seconds(60);  // interrupt mode
  EXPECT_EQ(loads(cached_config(dir), deadline), 0u);
  // The interrupt-mode store writes its own, and reads them back; the plain store still
  // reads only its own.
  EXPECT_EQ(fill(cached_config(dir), deadline), 2u);
  EXPECT_EQ(dir.batches().size(), 4u);
  EXPECT_EQ(loads(cached_config(dir), deadline), 2u);
  EXPECT_EQ(loads(cached_config(dir)), 2u);
  // A store with fuel stays in the interpreter: nothing is loaded.
  runtime::StoreLimits fuel;
  fuel.fuel = 1'000'000;
  EXPECT_EQ(loads(cached_config(dir), fuel), 0u);
}

uint64_t bytes_of(const std::vector<fs::path>& files) {
  uint64_t total = 0;
  for (const fs::path& f : files) total += fs::file_size(f);
  return total;
}

// The file format alone (no link): a batch file round-trips; every truncation and every
// flipped bit is refused with an error, never a crash; a file re-signed with the right key
// but naming functions the module does not define, out of order, or other options, is
// refused before its object is looked at.
TEST(TieredCacheFormat, EveryDamagedFileIsRefused) {
  const std::shared_ptr<const wasm::Module> module = ironclad::testing::load_fixture("tiered_heat");
  ASSERT_TRUE(module);
  jit::CompileOptions options{cpu::FeatureSet{cpu::X86::SSE2}, 2, false, std::nullopt};
  const jit::ArtifactKey key = key_of(3);
  const std::vector<uint32_t> funcs = {kHot, kRun};
  const std::string object = "not really an object, the format does not look inside";
  const std::vector<uint8_t> bytes = encode_batch(*module, options, funcs, object, key);
  auto good = decode_batch(bytes, *module, options, key);
  ASSERT_TRUE(good.ok()) << good.error().describe();
  EXPECT_EQ(good->funcs, funcs);
  EXPECT_EQ(good->object, object);

  for (size_t n = 0; n < bytes.size(); ++n) {
    std::span<const uint8_t> cut(bytes.data(), n);
    EXPECT_FALSE(decode_batch(cut, *module, options, key).ok()) << n;
  }
  std::vector<uint8_t> flipped = bytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      flipped[i] ^= static_cast<uint8_t>(1 << bit);
      EXPECT_FALSE(decode_batch(flipped, *module, options, key).ok()) << i << ":" << bit;
      flipped[i] = bytes[i];
    }
  }

  auto refusal = [&](const std::vector<uint32_t>& f, const jit::CompileOptions& written_with) {
    auto r =
        decode_batch(encode_batch(*module, written_with, f, object, key), *module, options, key);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(refusal({kRun, kHot}, options).find("not a defined function in order"),
            std::string::npos);
  EXPECT_NE(refusal({kRun, 99}, options).find("not a defined function"), std::string::npos);
  EXPECT_NE(refusal({}, options).find("function count 0"), std::string::npos);
  jit::CompileOptions other = options;
  other.interrupt = true;
  EXPECT_NE(refusal(funcs, other).find("other options"), std::string::npos);
  other = options;
  other.features = cpu::FeatureSet{cpu::X86::SSE2, cpu::X86::SSE3};
  EXPECT_NE(refusal(funcs, other).find("other options"), std::string::npos);
}

// What a deterministic store writes for init, spin and run (and hot): four batch files.
void compile_all(const TieredConfig& c) {
  Harness h("tiered_heat", make_tiered_tier(c));
  h.instantiate();
  EXPECT_EQ(h.i32("init"), 7u);
  h.i32("spin", {I32(10)});
  EXPECT_EQ(h.i32("run", {I32(10)}), 20u);
  EXPECT_EQ(stats_of(h).batches_written, 4u);
}

// The directory's size limit counts batches and whole-module artifacts together, least
// recently used first, and never removes the file just written.
TEST(TieredCache, TheCacheLimitHolds) {
  CacheDir sizes;
  compile_all(cached_config(sizes));
  const std::vector<fs::path> all = sizes.batches();
  ASSERT_EQ(all.size(), 4u);
  uint64_t largest = 0;
  for (const fs::path& f : all) largest = std::max<uint64_t>(largest, fs::file_size(f));

  for (uint64_t limit : {uint64_t{1}, 2 * largest}) {
    SCOPED_TRACE(limit);
    CacheDir dir;
    // An old artifact of the whole-module JIT, larger than the limit.
    const fs::path artifact = fs::path(dir.path()) / "old.icwasm";
    std::ofstream(artifact, std::ios::binary) << std::string(4 * largest, 'x');
    const timeval old_times[2] = {{1000, 0}, {1000, 0}};
    ASSERT_EQ(::utimes(artifact.c_str(), old_times), 0);
    TieredConfig c = cached_config(dir);
    c.jit.artifact_cache_limit = limit;
    compile_all(c);
    EXPECT_FALSE(fs::exists(artifact));
    const std::vector<fs::path> left = dir.batches();
    // limit 1: below any file, only the newest stays.
    if (limit == 1)
      EXPECT_EQ(left.size(), 1u);
    else
      EXPECT_LE(bytes_of(left), limit);
    EXPECT_GE(left.size(), 1u);
  }
  // Without a limit (0) everything stays.
  CacheDir unlimited;
  TieredConfig c = cached_config(unlimited);
  c.jit.artifact_cache_limit = 0;
  compile_all(c);
  EXPECT_EQ(unlimited.batches().size(), 4u);
}

}  // namespace
}  // namespace ironclad::tiered::testing
