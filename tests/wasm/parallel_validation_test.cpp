// Function bodies validated on several threads (ValidateOptions::threads): the same verdict
// and the same error message as one thread, the first invalid function in index order,
// wherever the invalid functions fall among the threads' runs.
#include <gtest/gtest.h>

#include <set>

#include "module_builder.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::wasm {
namespace {

using namespace test;

// `count` functions () -> i32; those in `invalid` return an i64 instead (a type mismatch),
// those in `malformed` hold an illegal opcode. Every body is padded with `pad` nops.
Bytes many_functions(uint32_t count, const std::set<uint32_t>& invalid,
                     const std::set<uint32_t>& malformed = {}, uint32_t pad = 8) {
  Bytes funcs = leb(count);
  Bytes code = leb(count);
  for (uint32_t i = 0; i < count; ++i) {
    put_u32(funcs, 0);
    Bytes c(pad, 0x01);  // nop
    if (malformed.count(i)) c.push_back(0xFF);
    if (invalid.count(i))
      c.insert(c.end(), {0x42, 0x07, 0x0B});  // i64.const 7
    else
      c.insert(c.end(), {0x41, 0x07, 0x0B});  // i32.const 7
    Bytes b = body({}, c);
    code.insert(code.end(), b.begin(), b.end());
  }
  return cat(
      {header(), section(1, vec({func_type({}, {I32})})), section(3, funcs), section(10, code)});
}

std::string verdict(const Bytes& bytes, unsigned threads) {
  auto m = decode_module(bytes, "p.wasm");
  if (!m.ok()) return "decode: " + m.error().message;
  ValidateOptions options;
  options.threads = threads;
  auto r = validate_module(**m, "p.wasm", options);
  if (r.ok()) return "(ok)";
  return std::string(to_string(r.error().kind)) + ": " + r.error().message;
}

TEST(ParallelValidation, UsesTheThreadsAskedForUpToOnePerFunction) {
  auto m = decode_module(many_functions(1000, {}), "p.wasm");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(body_validation_threads(**m, 1), 1u);
  EXPECT_EQ(body_validation_threads(**m, 4), 4u);
  EXPECT_EQ(body_validation_threads(**m, 100), kMaxValidationThreads);
  auto three = decode_module(many_functions(3, {}), "p.wasm");
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(body_validation_threads(**three, 8), 3u);
  // Automatic: one thread for a module this small (starting threads would cost more).
  EXPECT_EQ(body_validation_threads(**m, 0), 1u);
}

TEST(ParallelValidation, AValidModuleIsValidOnAnyNumberOfThreads) {
  Bytes bytes = many_functions(1000, {});
  for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) EXPECT_EQ(verdict(bytes, threads), "(ok)");
}

TEST(ParallelValidation, TheErrorIsTheFirstInvalidFunctionsWhateverThreadFindsIt) {
  // Invalid functions in the last run, in two runs, in the first and last, and one alone
  // right at a run's start (with 4 threads of 1000 equal bodies, runs start at 250, 500, 750).
  for (const std::set<uint32_t>& invalid :
       std::vector<std::set<uint32_t>>{{999}, {620, 310}, {0, 999}, {750}, {251, 249}}) {
    Bytes bytes = many_functions(1000, invalid);
    std::string serial = verdict(bytes, 1);
    uint32_t first = *invalid.begin();
    EXPECT_NE(serial.find("code section, function " + std::to_string(first) + " at offset"),
              std::string::npos)
        << serial;
    EXPECT_NE(serial.find("type mismatch"), std::string::npos) << serial;
    for (unsigned threads : {2u, 3u, 4u, 8u}) EXPECT_EQ(verdict(bytes, threads), serial);
  }
}

TEST(ParallelValidation, AMalformedBodyStillOutranksAnEarlierInvalidOne) {
  // Decoding precedes validation: a malformed body anywhere is the module's error.
  Bytes bytes = many_functions(1000, {100}, {900});
  std::string serial = verdict(bytes, 1);
  EXPECT_EQ(serial.rfind("malformed module: ", 0), 0u) << serial;
  EXPECT_NE(serial.find("function 900"), std::string::npos) << serial;
  for (unsigned threads : {2u, 4u}) EXPECT_EQ(verdict(bytes, threads), serial);
}

}  // namespace
}  // namespace ironclad::wasm
