// decode_all: walks a buffer, and names the offset of bytes that do not decode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "encodings.h"
#include "verify/instruction.h"

namespace ironclad::verify {
namespace {

using ::testing::HasSubstr;
using namespace test;

TEST(DecodeAll, WalksEveryInstructionWithOffsets) {
  Bytes code = concat({kMovRaxRcx, kVpmullqZmm, kPopcnt, kRet});
  Result<std::vector<LocatedInstruction>> r = decode_all(code, 0x2000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].offset, 0u);
  EXPECT_EQ((*r)[1].offset, 3u);
  EXPECT_EQ((*r)[1].instruction.mnemonic, "vpmullq");
  EXPECT_EQ((*r)[2].offset, 9u);
  EXPECT_EQ((*r)[2].instruction.mnemonic, "popcnt");
  EXPECT_EQ((*r)[3].offset, 13u);
  EXPECT_EQ((*r)[3].instruction.text, "ret");
}

TEST(DecodeAll, EmptyBufferIsNoInstructions) {
  Result<std::vector<LocatedInstruction>> r = decode_all({}, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(DecodeAll, TruncatedTrailingInstructionIsACleanError) {
  Bytes code = concat({kMovRaxRcx, kRet});
  code.insert(code.end(), kVpmullqZmm.begin(), kVpmullqZmm.begin() + 3);  // 62 f2 fd
  Result<std::vector<LocatedInstruction>> r = decode_all(code, 0x400000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_THAT(r.error().message, HasSubstr("offset 0x4 "));
  EXPECT_THAT(r.error().message, HasSubstr("address 0x400004"));
  EXPECT_THAT(r.error().message, HasSubstr("62 f2 fd"));
  EXPECT_THAT(r.error().message, HasSubstr("truncated"));
}

TEST(DecodeAll, EveryTruncationOfAnInstructionIsAnError) {
  for (const Bytes& insn : {kVpmullqZmm, kVfmadd231psYmm, kCrc32, kCmpxchg16b, kNop5}) {
    for (size_t keep = 1; keep < insn.size(); ++keep) {
      Bytes code = concat({kRet});
      code.insert(code.end(), insn.begin(), insn.begin() + keep);
      Result<std::vector<LocatedInstruction>> r = decode_all(code, 0);
      ASSERT_FALSE(r.ok()) << keep << " of " << insn.size() << " bytes";
      EXPECT_THAT(r.error().message, HasSubstr("offset 0x1 ")) << keep;
    }
  }
}

TEST(DecodeAll, InvalidOpcodeInTheMiddleNamesItsOffset) {
  Bytes code =
      concat({kMovRaxRcx, kMovRaxRcx, Bytes{0x06}, kRet});  // push es: invalid in 64-bit mode
  Result<std::vector<LocatedInstruction>> r = decode_all(code, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("offset 0x6 "));
  EXPECT_THAT(r.error().message, HasSubstr("not a valid x86-64 instruction"));
}

}  // namespace
}  // namespace ironclad::verify
