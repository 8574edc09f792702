// The extension host's tiered tier (HostConfig::tier = "tiered") keeps the batches it compiles
// in the code cache, and a second host on the same data directory links them when it loads
// the extension (docs/tiering.md, "Code cache"): the batch file's access time, which only a
// use of its code sets (files are read with O_NOATIME), moves; a corrupt one is a note and
// the extension's results stay the same.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "host_test_support.h"
#include "tiered/tiered_tier.h"

namespace ironclad::host_test {
namespace {

HostConfig tiered_config(const fs::path& data_dir, EventLog* events = nullptr) {
  HostConfig config;
  config.data_dir = data_dir;
  config.tier = "tiered";
  if (events) config.on_event = events->sink();
  return config;
}

std::vector<fs::path> batch_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".icbatch") files.push_back(entry.path());
  return files;
}

timespec access_time(const fs::path& file) {
  struct stat st {};
  ::stat(file.c_str(), &st);
  return st.st_atim;
}

bool later(const timespec& a, const timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

// Starts a host, loads the extension and calls add(40, 2) until a batch file appears in the
// cache (the compile thread writes it once `add` is hot enough, tiered::TieredConfig::hot_at
// calls; at most ~30 s on a loaded machine), or just once with `once`. Returns the last sum
// (0 on failure).
int32_t add_until_cached(const HostConfig& config, const fs::path& extension, bool once) {
  auto host = ExtensionHost::create(config);
  if (!host.ok()) return 0;
  auto ext = (*host)->load(extension);
  if (!ext.ok()) return 0;
  int32_t sum = 0;
  uint64_t calls = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    std::vector<Value> args = {Value::from_i32(40), Value::from_i32(2)};
    auto r = (*ext)->call("add", args);
    sum = r.ok() && r->size() == 1 ? static_cast<int32_t>((*r)[0].i32) : 0;
    if (once || !batch_files(config.data_dir / "code-cache").empty()) break;
    // Hot at once, then a look every 5 ms while the compile thread works.
    if (++calls > tiered::TieredConfig::kDefaultHotAt)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < give_up);
  return sum;
}

TEST(TieredCodeCache, ASecondHostLinksTheBatchesTheFirstCompiled) {
  TempDir tmp;
  fs::path ext = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  fs::path data = tmp.path() / "data";
  ASSERT_EQ(add_until_cached(tiered_config(data), ext, false), 42);
  std::vector<fs::path> files = batch_files(data / "code-cache");
  ASSERT_FALSE(files.empty()) << "no batch compiled in 30 s";
  const timespec before = access_time(files[0]);

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EventLog events;
  ASSERT_EQ(add_until_cached(tiered_config(data, &events), ext, true), 42);
  EXPECT_TRUE(later(access_time(files[0]), before)) << "the cached batch was not used";
  EXPECT_EQ(events.count(HostEventKind::Note), 0u);
  EXPECT_EQ(events.count(HostEventKind::Warning), 0u);

  // Corrupted: a note, the file removed, the same result.
  write_text(files[0], "not a batch");
  EventLog corrupt;
  ASSERT_EQ(add_until_cached(tiered_config(data, &corrupt), ext, true), 42);
  std::vector<HostEvent> notes = corrupt.of(HostEventKind::Note);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].message.find("refused"), std::string::npos) << notes[0].message;
}

TEST(TieredCodeCache, TurnedOffNothingIsKept) {
  TempDir tmp;
  fs::path ext = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  HostConfig config = tiered_config(tmp.path() / "data");
  config.code_cache = false;
  ASSERT_EQ(add_until_cached(config, ext, true), 42);
  EXPECT_FALSE(fs::exists(tmp.path() / "data" / "code-cache"));
}

}  // namespace
}  // namespace ironclad::host_test
