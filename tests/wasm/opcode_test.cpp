// The opcode table generated from opcodes.def.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "wasm/opcode.h"

namespace ironclad::wasm {
namespace {

TEST(Opcode, TableHasEveryInstructionOnce) {
  EXPECT_EQ(kOpcodeCount, 437u);
  std::set<std::pair<int, uint32_t>> encodings;
  for (uint32_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = opcode_info(static_cast<Opcode>(i));
    EXPECT_TRUE(encodings.insert({info.prefix, info.code}).second) << info.text;
    EXPECT_EQ(lookup_opcode(info.prefix, info.code), static_cast<Opcode>(i)) << info.text;
  }
}

TEST(Opcode, NamesAndImmediates) {
  EXPECT_STREQ(to_string(Opcode::I32Add), "i32.add");
  EXPECT_EQ(opcode_info(Opcode::I32Load).imm, ImmKind::MemArg);
  EXPECT_EQ(opcode_info(Opcode::I32Load).align, 2);
  EXPECT_EQ(opcode_info(Opcode::V128Const).prefix, 0xFD);
  EXPECT_EQ(opcode_info(Opcode::MemoryCopy).code, 10u);
  EXPECT_STREQ(opcode_info(Opcode::I64Add).sig, "ll:l");
  EXPECT_STREQ(to_string(Opcode::Count), "<invalid>");
}

TEST(Opcode, UnknownEncodingsAreNotFound) {
  EXPECT_EQ(lookup_opcode(0, 0x06), Opcode::Count);   // try (exceptions, not in 2.0)
  EXPECT_EQ(lookup_opcode(0, 0xFF), Opcode::Count);
  EXPECT_EQ(lookup_opcode(0xFC, 18), Opcode::Count);
  EXPECT_EQ(lookup_opcode(0xFD, 154), Opcode::Count);  // a hole in the SIMD space
  EXPECT_EQ(lookup_opcode(0xFD, 1u << 20), Opcode::Count);
  EXPECT_EQ(lookup_opcode(0xFE, 0), Opcode::Count);
}

}  // namespace
}  // namespace ironclad::wasm
