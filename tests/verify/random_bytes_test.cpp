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
      // The unsupported list is the violations minus lzcnt, which a CPU without LZCNT runs
      // as bsr rather than faulting on (tzcnt is neither: accepted as rep bsf).
      std::vector<uint64_t> violation_offsets, unsupported_offsets;
      for (const Violation& v : report.violations)
        if (v.instruction.rfind("lzcnt", 0) != 0) violation_offsets.push_back(v.offset);
      for (const UnsupportedInstruction& u : *unsupported) unsupported_offsets.push_back(u.offset);
      EXPECT_EQ(violation_offsets, unsupported_offsets) << "round " << round;
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
