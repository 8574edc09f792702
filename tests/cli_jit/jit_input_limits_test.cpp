// LLVM's time and memory grow with its input: a 51 MB module of 100k functions ran 45 minutes
// and past 5 GB in the JIT before it was killed, and the extension host defaults to the JIT.
// A module beyond the JIT's input limits (jit::JitInputLimits) runs in the interpreter, with a
// note, and starts as fast as the interpreter starts anything.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../wasi/temp_dir.h"
#include "run_process.h"
#include "support/big_frame_module.h"

namespace ironclad::cli::testing {
namespace {

using ironclad::testing::put_leb;
using wasi::testing::TempDir;

// `count` functions () -> i32, function i returning i; "main" exports the last one.
std::vector<uint8_t> many_functions(uint32_t count) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto section = [&](uint8_t id, const std::vector<uint8_t>& content) {
    m.push_back(id);
    put_leb(m, content.size());
    m.insert(m.end(), content.begin(), content.end());
  };
  section(1, {0x01, 0x60, 0x00, 0x01, 0x7f});  // type 0: () -> i32
  std::vector<uint8_t> funcs;
  put_leb(funcs, count);
  for (uint32_t i = 0; i < count; ++i) funcs.push_back(0x00);
  section(3, funcs);
  std::vector<uint8_t> exports = {0x01, 0x04, 'm', 'a', 'i', 'n', 0x00};
  put_leb(exports, count - 1);
  section(7, exports);
  std::vector<uint8_t> code;
  put_leb(code, count);
  for (uint32_t i = 0; i < count; ++i) {
    std::vector<uint8_t> body = {0x00, 0x41};  // no locals, i32.const i
    // i32.const takes a signed LEB: values below 2^31 with the sign bit of the last byte clear.
    uint32_t v = i;
    for (;;) {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      if (v == 0 && !(byte & 0x40)) {
        body.push_back(byte);
        break;
      }
      body.push_back(byte | 0x80);
    }
    body.push_back(0x0b);
    put_leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  section(10, code);
  return m;
}

TEST(JitInputLimits, AModuleOfTooManyFunctionsRunsInTheInterpreterWithANote) {
  TempDir dir;
  std::string wasm = dir.path() + "/many.wasm";
  std::vector<uint8_t> bytes = many_functions(40'001);
  std::FILE* f = std::fopen(wasm.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  auto start = std::chrono::steady_clock::now();
  auto r = run_ironclad({"run", "--tier", "jit", "--data-dir", dir.path() + "/data", "--invoke",
                         "main", wasm});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "40000\n");
  EXPECT_NE(r.err.find("runs in the interpreter: too large for the JIT (the module has 40001 "
                       "functions, the JIT compiles at most 40000)"),
            std::string::npos)
      << r.err;
  EXPECT_LT(seconds, 60.0) << "the interpreter starts it; the JIT was not asked to compile it";
}

}  // namespace
}  // namespace ironclad::cli::testing
