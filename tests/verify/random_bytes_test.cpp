// Arbitrary bytes are input like any other: every entry point returns a value or an error,
// and the three walks agree on where decoding stops.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "verify/instruction.h"
#include "verify/unsupported.h"
#include "verify/verifier.h"

namespace ironclad::verify {
namespace {

TEST(RandomBytes, EveryEntryPointAnswersAndTheyAgree) {
  std::mt19937_64 rng(20261124);
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> code(rng() % 64);
    for (uint8_t& b : code) b = static_cast<uint8_t>(rng());
    // Bias towards VEX/EVEX/XOP prefixes so the vector paths are exercised.
    if (!code.empty() && round % 3 == 0)
      code[0] = std::array<uint8_t, 4>{0x62, 0xc4, 0xc5, 0x8f}[rng() % 4];

    Result<std::vector<LocatedInstruction>> all = decode_all(code, 0x1000);
    VerifyReport report = verify(code, 0x1000, {"sse2", "avx"});
    Result<std::vector<UnsupportedInstruction>> unsupported =
        find_unsupported_instructions(code, 0x1000, {"sse2", "avx"});

    bool undecodable =
        !report.violations.empty() && report.violations.back().kind == ViolationKind::Undecodable;
    ASSERT_EQ(all.ok(), !undecodable) << "round " << round;
    ASSERT_EQ(unsupported.ok(), all.ok()) << "round " << round;
    if (all.ok()) {
      EXPECT_EQ(report.bytes_verified, code.size());
      EXPECT_EQ(report.usage.instructions, all->size());
      // Every violation is an instruction that find_unsupported_instructions lists too.
      EXPECT_EQ(report.violations.size(), unsupported->size());
      size_t next = 0;
      for (const LocatedInstruction& li : *all) {
        EXPECT_EQ(li.offset, next);
        next += li.instruction.length;
      }
    } else {
      EXPECT_LT(report.bytes_verified, code.size());
      EXPECT_FALSE(all.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace ironclad::verify
