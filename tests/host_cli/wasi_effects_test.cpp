// The WASI layer's count of effects outside the program (WasiContext::external_effects): what
// `ironclad run` relies on to decide that running a faulted program again from the start is
// safe. Output, created files and directories and consumed input (stdin under any number, a
// FIFO) count; reading the clock or a regular file, failed calls and opening without
// creating do not.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "host_cli_support.h"
#include "interp/interpreter.h"
#include "runtime/runtime.h"
#include "wasi/abi.h"
#include "wasi/wasi.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::cli::testing {
namespace {

class WasiEffects : public HostCli {
 protected:
  void SetUp() override {
    HostCli::SetUp();
    std::filesystem::create_directories(root_ / "dir");
    std::ifstream in(fixture("wasi_effects.wasm"), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    auto module = wasm::decode_module(std::move(bytes), "wasi_effects.wasm");
    ASSERT_TRUE(module.ok()) << module.error().describe();
    ASSERT_TRUE(wasm::validate_module(**module, "wasi_effects.wasm").ok());
    // stdin is /dev/null whatever the test runner's is (a read of it succeeds).
    dev_null_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(dev_null_, 0);
    wasi_.set_stdio(0, dev_null_);
    ASSERT_TRUE(wasi_.preopen_dir((root_ / "dir").string(), "dir").ok());
    ASSERT_TRUE(wasi::add_to_linker(linker_, store_, wasi_).ok());
    auto instance =
        linker_.instantiate(store_, std::shared_ptr<const wasm::Module>(std::move(*module)));
    ASSERT_TRUE(instance.ok()) << instance.error().describe();
    instance_ = *instance;
  }

  // Calls an export and returns the errno it answered.
  uint32_t call(const char* name, std::vector<Value> args = {}) {
    auto ext = instance_->get_export(name);
    EXPECT_TRUE(ext.ok());
    auto results = store_.invoke(*ext->func, args);
    EXPECT_TRUE(results.ok()) << results.error().describe();
    return results.ok() ? results->front().i32 : ~0u;
  }

  void TearDown() override {
    if (dev_null_ >= 0) ::close(dev_null_);
    HostCli::TearDown();
  }

  int dev_null_ = -1;
  wasi::WasiContext wasi_;
  runtime::Store store_{interp::make_interpreter()};
  runtime::Linker linker_;
  runtime::Instance* instance_ = nullptr;
};

TEST_F(WasiEffects, WhatCannotBeSeenDoesNotCount) {
  EXPECT_EQ(call("read_clock"), 0u);
  EXPECT_NE(call("write_bad_fd"), 0u);                         // EBADF: nothing happened
  EXPECT_NE(call("open_new_file", {Value::from_i32(0)}), 0u);  // ENOENT without O_CREAT
  EXPECT_EQ(wasi_.external_effects(), 0u);
}

TEST_F(WasiEffects, OutputCounts) {
  EXPECT_EQ(call("write_stderr"), 0u);
  EXPECT_EQ(wasi_.external_effects(), 1u);
}

TEST_F(WasiEffects, CreatingFilesAndDirectoriesCounts) {
  EXPECT_EQ(call("open_new_file", {Value::from_i32(wasi::abi::kOflagCreat)}), 0u);
  EXPECT_TRUE(std::filesystem::exists(root_ / "dir" / "new.txt"));
  EXPECT_EQ(wasi_.external_effects(), 1u);
  EXPECT_EQ(call("make_directory"), 0u);
  EXPECT_EQ(wasi_.external_effects(), 2u);
  // Opening the now existing file without creating or truncating changes nothing.
  EXPECT_EQ(call("open_new_file", {Value::from_i32(0)}), 0u);
  EXPECT_EQ(wasi_.external_effects(), 2u);
}

TEST_F(WasiEffects, ReadingStdinCounts) {
  EXPECT_EQ(call("read_stdin"), 0u);
  EXPECT_EQ(wasi_.external_effects(), 1u);
}

// Stdin renumbered onto another fd is still the host's input: reading it there consumes what
// a rerun would not see again (only fd 0 counted, so a program that renumbered stdin, read
// it and then faulted was rerun on an empty stdin and printed a wrong result). A regular
// file the program opened itself reads the same again: no effect.
TEST_F(WasiEffects, ReadingStdinUnderAnotherNumberCounts) {
  ASSERT_EQ(call("open_new_file", {Value::from_i32(wasi::abi::kOflagCreat)}), 0u);
  ASSERT_EQ(wasi_.external_effects(), 1u);
  const uint32_t file_fd = call("opened_fd");
  EXPECT_EQ(call("read_fd", {Value::from_i32(file_fd)}), 0u);
  EXPECT_EQ(wasi_.external_effects(), 1u) << "reading a file the program opened is no effect";
  ASSERT_EQ(call("renumber", {Value::from_i32(0), Value::from_i32(file_fd)}), 0u);
  EXPECT_EQ(call("read_fd", {Value::from_i32(file_fd)}), 0u);
  EXPECT_EQ(wasi_.external_effects(), 2u);
}

TEST_F(WasiEffects, ASharedCounterOutlivesTheContext) {
  auto shared = std::make_shared<uint64_t>(0);
  {
    wasi::WasiContext first;
    first.count_external_effects_in(shared);
    first.note_external_effect();
  }
  wasi::WasiContext second;
  second.count_external_effects_in(shared);
  second.note_external_effect();
  EXPECT_EQ(*shared, 2u);
  EXPECT_EQ(second.external_effects(), 2u);
}

}  // namespace
}  // namespace ironclad::cli::testing
