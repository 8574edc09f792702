// Shared by the host_cli tests: a temporary data directory per test, the example extension's
// paths, and whether this host can show the emulated Alder Lake-N crash at all.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "run_process.h"

namespace ironclad::cli::testing {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::filesystem::path example_extensions() {
  return IRONCLAD_EXAMPLE_EXTENSIONS;
}
inline std::filesystem::path vechash_dir() {
  return example_extensions() / "vechash";
}
inline std::string vechash_wasm() {
  return (vechash_dir() / "vechash.wasm").string();
}

// Runs a shell command line; its stdout and stderr together, and its exit status.
inline ProcessResult run_shell(const std::string& command) {
  ProcessResult r;
  std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  if (WIFEXITED(status)) r.status = WEXITSTATUS(status);
  return r;
}

// Whether the code compiled for this host's `native` policy uses instructions an Alder Lake-N
// lacks (AVX-512DQ+VL's vpmullq for the example): only then can the emulated CPU fault.
inline bool native_code_uses_avx512() {
  static const bool answer =
      run_ironclad({"verify", "--policy", "native", "--verify-for", "alderlake-n", vechash_wasm()})
          .status == 1;
  return answer;
}

#define SKIP_WITHOUT_AVX512()                                                                  \
  do {                                                                                         \
    if (!native_code_uses_avx512())                                                            \
      GTEST_SKIP() << "this host's native code uses no AVX-512 (the example needs "            \
                      "AVX-512DQ+VL for vpmullq), so an emulated Alder Lake-N has nothing to " \
                      "refuse";                                                                \
  } while (0)

// Each test gets its own data directory (also as IRONCLAD_DATA_DIR, so nothing a test runs
// writes to the user's), and no CPU overrides from the environment.
class HostCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ironclad-host-cli.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    data_dir_ = (root_ / "data").string();
    ::setenv("IRONCLAD_DATA_DIR", data_dir_.c_str(), 1);
    ::unsetenv("IRONCLAD_CPU_FEATURES");
    ::unsetenv("IRONCLAD_EMULATE_CPU");
  }
  void TearDown() override {
    ::unsetenv("IRONCLAD_DATA_DIR");
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::filesystem::path root_;
  std::string data_dir_;
};

}  // namespace ironclad::cli::testing
