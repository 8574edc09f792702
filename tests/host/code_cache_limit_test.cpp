// HostConfig::code_cache_limit reaches the JIT's cache (docs/artifacts.md, "Cache size"):
// with a limit, writing an extension's code evicts code used long ago; by default (256 MiB)
// a small cache keeps it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "host_test_support.h"

namespace ironclad::host_test {
namespace {

class CodeCacheLimit : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(old_code().parent_path());
    write_text(old_code(), std::string(1000, 'x'));
    const timespec long_ago[2] = {{1000000000, 0}, {1000000000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, old_code().c_str(), long_ago, 0), 0);
    extension_ = make_extension(tmp_.path(), "calc", "host_plain.wasm", "add = {}\n");
  }
  fs::path data() const { return tmp_.path() / "data"; }
  // Another module's code, used long ago.
  fs::path old_code() const { return data() / "code-cache" / "old.icwasm"; }
  size_t cached() const {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(data() / "code-cache"))
      n += entry.path().extension() == ".icwasm";
    return n;
  }
  void start(std::optional<uint64_t> limit) {
    HostConfig config;
    config.data_dir = data();
    config.tier = "jit";
    config.code_cache_limit = limit;
    auto host = ExtensionHost::create(config);
    ASSERT_TRUE(host.ok()) << host.error().describe();
    auto ext = (*host)->load(extension_);
    ASSERT_TRUE(ext.ok()) << ext.error().describe();
    EXPECT_EQ((*ext)->status().tier, "jit");
  }
  TempDir tmp_;
  fs::path extension_;
};

TEST_F(CodeCacheLimit, ALimitEvictsCodeUsedLongAgoAndKeepsTheNew) {
  start(1);
  EXPECT_FALSE(fs::exists(old_code()));
  EXPECT_EQ(cached(), 1u);
}

TEST_F(CodeCacheLimit, TheDefaultKeepsASmallCache) {
  start(std::nullopt);
  EXPECT_TRUE(fs::exists(old_code()));
  EXPECT_EQ(cached(), 2u);
}

}  // namespace
}  // namespace ironclad::host_test
