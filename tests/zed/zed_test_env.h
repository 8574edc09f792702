// What the zed tests share: the shared extensions' directories (../shared, via
// IRONCLAD_SHARED_DIR), a ZedHost configured for a test, events collected.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fake_network.h"
#include "ironclad/zed.h"
#include "wasi/temp_dir.h"
#include "zed/worktree.h"

namespace ironclad::zed::testing {

namespace fs = std::filesystem;

// Every ../shared/zed-extensions/*/ with an extension.toml, sorted; empty when absent.
inline std::vector<fs::path> shared_extension_dirs() {
  std::vector<fs::path> out;
  const char* shared = std::getenv("IRONCLAD_SHARED_DIR");
  if (!shared) return out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(shared) / "zed-extensions", ec))
    if (fs::is_regular_file(e.path() / "extension.toml", ec)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

struct TestHost {
  wasi::testing::TempDir data, worktree;
  std::shared_ptr<FakeNetwork> network = std::make_shared<FakeNetwork>();
  std::vector<ZedEvent> events;
  std::unique_ptr<ZedHost> host;

  // `tier`: "interp" or "jit".
  explicit TestHost(const std::string& tier, std::vector<std::string> grants = {},
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(20'000),
                    uint64_t max_memory = uint64_t{512} << 20) {
    worktree.write_file("README.md", "# test worktree\n");
    ZedHostConfig config;
    config.data_dir = data.path();
    config.tier = tier;
    config.call_timeout = timeout;
    config.max_memory_bytes = max_memory;
    config.grants = std::move(grants);
    config.worktrees.push_back({1, worktree.path(), current_environment()});
    config.network = network;
    config.code_cache = false;
    config.jit_opt_level = 0;  // the code must run, not be fast: compiles several times faster
    config.on_event = [this](const ZedEvent& e) { events.push_back(e); };
    auto h = ZedHost::create(std::move(config));
    EXPECT_TRUE(h.ok()) << h.error().message;
    if (h.ok()) host = std::move(*h);
  }

  size_t count(ZedEventKind kind) const {
    return std::count_if(events.begin(), events.end(),
                         [&](const ZedEvent& e) { return e.kind == kind; });
  }
};

}  // namespace ironclad::zed::testing
