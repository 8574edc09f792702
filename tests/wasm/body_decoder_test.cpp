// The shared body decoder: every immediate kind, illegal opcodes, truncated bodies.
#include <gtest/gtest.h>

#include <vector>

#include "module_builder.h"
#include "wasm/body_decoder.h"
#include "wasm/decoder.h"

namespace ironclad::wasm {
namespace {

using namespace test;

std::unique_ptr<Module> module_with_code(Bytes code) {
  auto m = decode_module(one_func(func_type({}, {}), std::move(code)), "t.wasm");
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(m).value() : nullptr;
}

struct Collect {
  std::vector<Instr> instrs;
  std::vector<std::vector<uint32_t>> targets;
  Result<void> visit(const Instr& in) {
    instrs.push_back(in);
    targets.push_back(in.br_targets ? *in.br_targets : std::vector<uint32_t>{});
    return {};
  }
};

TEST(BodyDecoder, DecodesImmediatesOfEveryShape) {
  Bytes code = cat({
      {0x02, 0x40},                   // block (empty)
      {0x03, 0x7F},                   // loop (result i32)
      {0x04}, sleb(5),                // if (type 5)
      {0x0C, 0x02},                   // br 2
      {0x0E, 0x02, 0x00, 0x01, 0x02}, // br_table 0 1 2
      {0x11, 0x03, 0x01},             // call_indirect type 3 table 1
      {0x1C, 0x01, 0x6F},             // select (result externref)
      {0x28, 0x02}, leb(0x12345678),  // i32.load align=2 offset
      {0x41}, sleb(-7),               // i32.const
      {0x42}, sleb(INT64_MIN),        // i64.const
      {0x43, 0x00, 0x00, 0x80, 0x3F}, // f32.const 1
      {0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F},
      {0xD0, 0x70},                   // ref.null func
      {0xFC, 0x08, 0x03, 0x00},       // memory.init 3
      {0xFC, 0x0A, 0x00, 0x00},       // memory.copy
      {0xFC, 0x0C, 0x04, 0x01},       // table.init elem 4 table 1
      {0xFC, 0x0E, 0x01, 0x02},       // table.copy 1 2
      {0xFD, 0x0C}, Bytes(16, 0xAB),  // v128.const
      {0xFD, 0x0D}, Bytes(16, 0x1F),  // i8x16.shuffle
      {0xFD, 0x15, 0x0F},             // i8x16.extract_lane_s 15
      {0xFD, 0x54, 0x00, 0x08, 0x07}, // v128.load8_lane align=0 offset=8 lane 7
      {0x3F, 0x00},                   // memory.size
      {0x0B, 0x0B, 0x0B, 0x0B},
  });
  auto m = module_with_code(code);
  ASSERT_TRUE(m);
  Collect c;
  ASSERT_TRUE(decode_body(*m, 0, c).ok());
  const auto& in = c.instrs;
  ASSERT_EQ(in.size(), 26u);
  EXPECT_EQ(in[0].op, Opcode::Block);
  EXPECT_EQ(in[0].block.kind, BlockType::Empty);
  EXPECT_EQ(in[1].block.kind, BlockType::Value);
  EXPECT_EQ(in[1].block.value, ValType::I32);
  EXPECT_EQ(in[2].block.kind, BlockType::TypeIndex);
  EXPECT_EQ(in[2].block.type_index, 5u);
  EXPECT_EQ(in[3].index, 2u);
  EXPECT_EQ(c.targets[4], (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(in[5].index, 3u);
  EXPECT_EQ(in[5].index2, 1u);
  EXPECT_EQ(in[6].op, Opcode::SelectT);
  EXPECT_EQ(in[6].select_arity, 1u);
  EXPECT_EQ(in[6].ref_type, ValType::ExternRef);
  EXPECT_EQ(in[7].mem.align_log2, 2u);
  EXPECT_EQ(in[7].mem.offset, 0x12345678u);
  EXPECT_EQ(in[8].i32, static_cast<uint32_t>(-7));
  EXPECT_EQ(in[9].i64, static_cast<uint64_t>(INT64_MIN));
  EXPECT_EQ(in[10].f32_bits, 0x3F800000u);
  EXPECT_EQ(in[11].f64_bits, 0x3FF0000000000000ull);
  EXPECT_EQ(in[12].ref_type, ValType::FuncRef);
  EXPECT_EQ(in[13].op, Opcode::MemoryInit);
  EXPECT_EQ(in[13].index, 3u);
  EXPECT_EQ(in[14].op, Opcode::MemoryCopy);
  EXPECT_EQ(in[15].index, 4u);
  EXPECT_EQ(in[15].index2, 1u);
  EXPECT_EQ(in[16].index, 1u);
  EXPECT_EQ(in[16].index2, 2u);
  EXPECT_EQ(in[17].v128.bytes[15], 0xAB);
  EXPECT_EQ(in[18].op, Opcode::I8x16Shuffle);
  EXPECT_EQ(in[18].v128.bytes[0], 0x1F);
  EXPECT_EQ(in[19].lane, 15);
  EXPECT_EQ(in[20].mem.offset, 8u);
  EXPECT_EQ(in[20].lane, 7);
  EXPECT_EQ(in[21].op, Opcode::MemorySize);
  EXPECT_EQ(in[25].op, Opcode::End);
  // Offsets are module offsets of each opcode's first byte.
  EXPECT_EQ(m->bytes[in[13].offset], 0xFC);
  EXPECT_EQ(in[1].offset, in[0].offset + 2);
}

TEST(BodyDecoder, PullApiStopsAfterTheFinalEnd) {
  auto m = module_with_code({0x01, 0x0B});
  ASSERT_TRUE(m);
  BodyDecoder d(*m, 0);
  Instr in;
  EXPECT_FALSE(d.at_end());
  ASSERT_TRUE(d.next(in).ok());
  EXPECT_EQ(in.op, Opcode::Nop);
  ASSERT_TRUE(d.next(in).ok());
  EXPECT_EQ(in.op, Opcode::End);
  EXPECT_TRUE(d.at_end());
}

std::string first_error(Bytes code) {
  auto m = module_with_code(std::move(code));
  if (!m) return "(module did not decode)";
  Collect c;
  auto r = decode_body(*m, 0, c);
  return r.ok() ? "(ok)" : r.error().message;
}

TEST(BodyDecoder, IllegalOpcodes) {
  EXPECT_NE(first_error({0x06, 0x0B}).find("illegal opcode 0x06"), std::string::npos);
  EXPECT_NE(first_error({0xFF, 0x0B}).find("illegal opcode 0xff"), std::string::npos);
  EXPECT_NE(first_error({0xFC, 0x12, 0x0B}).find("illegal opcode 0xfc 0x12"), std::string::npos);
  EXPECT_NE(first_error({0xFD, 0x9A, 0x01, 0x0B}).find("illegal opcode 0xfd 0x9a"), std::string::npos);
}

TEST(BodyDecoder, MalformedImmediates) {
  EXPECT_NE(first_error({0x3F, 0x01, 0x1A, 0x0B}).find("zero byte expected"), std::string::npos);
  EXPECT_NE(first_error({0xFC, 0x0A, 0x00, 0x01, 0x0B}).find("zero byte expected"), std::string::npos);
  EXPECT_NE(first_error({0xD0, 0x7F, 0x0B}).find("malformed reference type"), std::string::npos);
  EXPECT_NE(first_error({0x1C, 0x01, 0x00, 0x0B}).find("malformed value type"), std::string::npos);
  EXPECT_NE(first_error({0x02, 0x50, 0x0B, 0x0B}).find("malformed block type"), std::string::npos);
  EXPECT_NE(first_error({0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B})
                .find("integer representation too long"),
            std::string::npos);
}

TEST(BodyDecoder, BodyWithoutEnd) {
  std::string e = first_error({0x41, 0x01, 0x1A});
  EXPECT_NE(e.find("END opcode expected"), std::string::npos) << e;
  EXPECT_NE(first_error({0x02, 0x40, 0x0B}).find("END opcode expected"), std::string::npos);
}

TEST(BodyDecoder, ElseOnlyInsideIf) {
  EXPECT_NE(first_error({0x05, 0x0B}).find("END opcode expected (else outside an if)"), std::string::npos);
  EXPECT_NE(first_error({0x02, 0x40, 0x05, 0x0B, 0x0B}).find("else outside an if"), std::string::npos);
  // A second else in one if.
  EXPECT_NE(first_error({0x41, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B}).find("else outside an if"),
            std::string::npos);
  EXPECT_EQ(first_error({0x41, 0x00, 0x04, 0x40, 0x05, 0x0B, 0x0B}), "(ok)");
}

// A body that lacks its END but is followed by more code: diagnosed on what follows, as
// the spec's reference decoder does (binary.wast's two missing-END cases).
TEST(BodyDecoder, BodyOverrunIntoFollowingBytes) {
  Bytes types = section(1, vec({func_type({}, {})}));
  auto run = [](Bytes module) {
    auto m = decode_module(std::move(module), "t.wasm");
    EXPECT_TRUE(m.ok());
    if (!m.ok()) return std::string();
    Collect c;
    auto r = decode_body(**m, 0, c);
    return r.ok() ? std::string("(ok)") : r.error().message;
  };
  // Followed by a data section whose id byte reads as `end`: the body's size is wrong.
  std::string e = run(cat({header(), types, section(3, vec({leb(0)})), section(5, vec({{0x00, 0x01}})),
                          section(10, vec({{0x03, 0x00, 0x01, 0x01}})), section(11, vec({}))}));
  EXPECT_NE(e.find("section size mismatch (the function body ends at offset"), std::string::npos) << e;
  // Followed by another body whose size byte 0x05 reads as `else`.
  e = run(cat({header(), types, section(3, vec({leb(0), leb(0)})),
               section(10, vec({{0x04, 0x00, 0x41, 0x01, 0x1A}, {0x05, 0x00, 0x41, 0x01, 0x1A, 0x0B}}))}));
  EXPECT_NE(e.find("END opcode expected"), std::string::npos) << e;
}

TEST(BodyDecoder, ContentAfterTheFinalEnd) {
  EXPECT_NE(first_error({0x0B, 0x01}).find("after the end of the function body"), std::string::npos);
}

TEST(BodyDecoder, BrTableCountBeyondTheBodyAllocatesNothing) {
  // br_table claiming 2^32-1 targets in a 4-byte body.
  std::string e = first_error({0x0E, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x0B});
  EXPECT_NE(e.find("unexpected end"), std::string::npos) << e;
}

TEST(BodyDecoder, ConstExprYieldsItsImplicitEnd) {
  ConstExpr e;
  e.offset = 0x40;
  e.bytes = {0x41, 0x2A};
  BodyDecoder d(e);
  Instr in;
  ASSERT_TRUE(d.next(in).ok());
  EXPECT_EQ(in.op, Opcode::I32Const);
  EXPECT_EQ(in.i32, 42u);
  EXPECT_EQ(in.offset, 0x40u);
  ASSERT_TRUE(d.next(in).ok());
  EXPECT_EQ(in.op, Opcode::End);
  EXPECT_TRUE(d.at_end());
}

}  // namespace
}  // namespace ironclad::wasm
