// The compiled-code cache of the extension host: the first start compiles and keeps the code
// in <data dir>/code-cache, a second host on the same data directory loads it (the file is
// read, not rewritten) with the same results, a corrupt file is recompiled without failing
// the load, and HostConfig::code_cache = false keeps nothing.
#include <gtest/gtest.h>

#include <thread>

#include "host_test_support.h"

namespace ironclad::host_test {
namespace {

HostConfig jit_config(const fs::path& data_dir, EventLog* events = nullptr) {
  HostConfig config;
  config.data_dir = data_dir;
  config.tier = "jit";
  if (events) config.on_event = events->sink();
  return config;
}

std::vector<fs::path> cache_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".icwasm") files.push_back(entry.path());
  return files;
}

// Starts a host on `data_dir`, loads the extension and returns add(40, 2) (0 on failure).
int32_t start_and_add(const HostConfig& config, const fs::path& extension) {
  auto host = ExtensionHost::create(config);
  if (!host.ok()) return 0;
  auto ext = (*host)->load(extension);
  if (!ext.ok()) return 0;
  EXPECT_EQ((*ext)->status().tier, "jit");
  std::vector<Value> args = {Value::from_i32(40), Value::from_i32(2)};
  auto sum = (*ext)->call("add", args);
  return sum.ok() && sum->size() == 1 ? static_cast<int32_t>((*sum)[0].i32) : 0;
}

TEST(CodeCache, ASecondHostLoadsTheCompiledCodeInsteadOfCompiling) {
  TempDir tmp;
  fs::path ext = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  fs::path data = tmp.path() / "data";
  ASSERT_EQ(start_and_add(jit_config(data), ext), 42);
  std::vector<fs::path> files = cache_files(data / "code-cache");
  ASSERT_EQ(files.size(), 1u);
  auto written = fs::last_write_time(files[0]);
  auto size = fs::file_size(files[0]);

  // A rewrite would give the file a later time (coarse clocks need the pause to show it).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EventLog events;
  ASSERT_EQ(start_and_add(jit_config(data, &events), ext), 42);
  EXPECT_EQ(cache_files(data / "code-cache"), files);
  EXPECT_EQ(fs::last_write_time(files[0]), written);
  EXPECT_EQ(fs::file_size(files[0]), size);
  EXPECT_EQ(events.count(HostEventKind::Note), 0u);
  EXPECT_EQ(events.count(HostEventKind::Warning), 0u);
}

TEST(CodeCache, ACorruptCacheFileIsRecompiledAndRewritten) {
  TempDir tmp;
  fs::path ext = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  fs::path data = tmp.path() / "data";
  ASSERT_EQ(start_and_add(jit_config(data), ext), 42);
  std::vector<fs::path> files = cache_files(data / "code-cache");
  ASSERT_EQ(files.size(), 1u);
  auto good = read_bytes(files[0]);
  write_text(files[0], "not an artifact");

  EventLog events;
  ASSERT_EQ(start_and_add(jit_config(data, &events), ext), 42);
  std::vector<HostEvent> notes = events.of(HostEventKind::Note);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].message.find("recompiling"), std::string::npos) << notes[0].message;
  EXPECT_EQ(read_bytes(files[0]), good);
}

TEST(CodeCache, TurnedOffNothingIsKept) {
  TempDir tmp;
  fs::path ext = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  HostConfig config = jit_config(tmp.path() / "data");
  config.code_cache = false;
  ASSERT_EQ(start_and_add(config, ext), 42);
  EXPECT_FALSE(fs::exists(tmp.path() / "data" / "code-cache"));
}

TEST(CodeCache, ItsDirectoryCanBeMoved) {
  TempDir tmp;
  fs::path ext = make_extension(tmp.path(), "calc", "host_plain.wasm", "add = {}\n");
  HostConfig config = jit_config(tmp.path() / "data");
  config.code_cache_dir = tmp.path() / "elsewhere";
  ASSERT_EQ(start_and_add(config, ext), 42);
  EXPECT_EQ(cache_files(tmp.path() / "elsewhere").size(), 1u);
  EXPECT_FALSE(fs::exists(tmp.path() / "data" / "code-cache"));
}

}  // namespace
}  // namespace ironclad::host_test
