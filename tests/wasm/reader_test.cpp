// LEB128, float bits, names and byte spans of the bounds-checked reader.
#include <gtest/gtest.h>

#include "module_builder.h"
#include "wasm/reader.h"

namespace ironclad::wasm {
namespace {

using test::Bytes;

template <class T>
std::string error_of(const Result<T>& r) {
  return r.ok() ? std::string("(ok)") : r.error().message;
}

TEST(Reader, U32AcceptsCanonicalAndPaddedEncodings) {
  Bytes b{0x00, 0x7F, 0x80, 0x01, 0x80, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(b);
  EXPECT_EQ(*r.u32(), 0u);
  EXPECT_EQ(*r.u32(), 127u);
  EXPECT_EQ(*r.u32(), 128u);
  EXPECT_EQ(*r.u32(), 0u);  // padded with a zero continuation byte: still canonical enough
  EXPECT_EQ(*r.u32(), 0xFFFFFFFFu);
  EXPECT_EQ(*r.u32(), 0u);  // five bytes is the maximum
  EXPECT_TRUE(r.at_end());
}

TEST(Reader, U32RejectsSixBytes) {
  Bytes b{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(b);
  auto v = r.u32();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::Malformed);
  EXPECT_NE(error_of(v).find("integer representation too long"), std::string::npos);
  EXPECT_NE(error_of(v).find("offset 0x0"), std::string::npos);
}

TEST(Reader, U32RejectsUnusedBitsInTheLastByte) {
  for (uint8_t last : {0x10, 0x70, 0x1F}) {
    Bytes b{0xFF, 0xFF, 0xFF, 0xFF, last};
    Reader r(b);
    EXPECT_NE(error_of(r.u32()).find("integer too large"), std::string::npos) << int(last);
  }
}

TEST(Reader, S32SignExtendsAndChecksTheLastByte) {
  Bytes ok{0x7F, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x80, 0x80, 0x80, 0x80, 0x78};
  Reader r(ok);
  EXPECT_EQ(*r.s32(), -1);
  EXPECT_EQ(*r.s32(), -128);
  EXPECT_EQ(*r.s32(), INT32_MAX);
  EXPECT_EQ(*r.s32(), INT32_MIN);
  // -1 with its unused bits unset, 0 with some set.
  for (Bytes bad : {Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, Bytes{0x80, 0x80, 0x80, 0x80, 0x1F},
                    Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x4F}}) {
    Reader rb(bad);
    EXPECT_NE(error_of(rb.s32()).find("integer too large"), std::string::npos);
  }
  Bytes too_long{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  Reader rl(too_long);
  EXPECT_NE(error_of(rl.s32()).find("integer representation too long"), std::string::npos);
}

TEST(Reader, S64Limits) {
  Bytes b = test::cat({test::sleb(INT64_MIN), test::sleb(INT64_MAX), test::sleb(-1)});
  Reader r(b);
  EXPECT_EQ(*r.s64(), INT64_MIN);
  EXPECT_EQ(*r.s64(), INT64_MAX);
  EXPECT_EQ(*r.s64(), -1);
  Bytes bad{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E};  // 0 with bits set
  Reader rb(bad);
  EXPECT_NE(error_of(rb.s64()).find("integer too large"), std::string::npos);
  Bytes eleven{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader rl(eleven);
  EXPECT_NE(error_of(rl.s64()).find("integer representation too long"), std::string::npos);
}

TEST(Reader, S33CoversBlockTypeIndices) {
  Bytes b = test::cat({test::sleb(0xFFFFFFFFLL), test::sleb(-64)});
  Reader r(b);
  EXPECT_EQ(*r.s33(), 0xFFFFFFFFLL);
  EXPECT_EQ(*r.s33(), -64);
}

TEST(Reader, TruncationSaysUnexpectedEnd) {
  Bytes b{0x80, 0x80};
  Reader whole(b);
  EXPECT_EQ(error_of(whole.u32()), "at offset 0x2: unexpected end");
  Bytes c{0x80, 0x80, 0x01};
  Reader part(c, 0, 2);  // a section that ends before the LEB does
  EXPECT_NE(error_of(part.u32()).find("unexpected end of section or function"), std::string::npos);
}

TEST(Reader, FloatsAreLittleEndianBits) {
  Bytes b{0x00, 0x00, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x01};
  Reader r(b);
  EXPECT_EQ(*r.f32_bits(), 0x3F800000u);
  EXPECT_EQ(*r.f64_bits(), 0x3FF0000000000000ull);
  EXPECT_FALSE(r.f32_bits().ok());
}

TEST(Reader, NamesMustBeUtf8) {
  Bytes good = test::cat({test::name("h\xC3\xA9llo \xF0\x9F\x98\x80")});
  Reader r(good);
  EXPECT_EQ(*r.name(), "h\xC3\xA9llo \xF0\x9F\x98\x80");
  for (Bytes bad : {Bytes{0x01, 0x80}, Bytes{0x02, 0xC0, 0x80} /* overlong */,
                    Bytes{0x03, 0xED, 0xA0, 0x80} /* surrogate */,
                    Bytes{0x04, 0xF4, 0x90, 0x80, 0x80} /* > U+10FFFF */,
                    Bytes{0x01, 0xFF}, Bytes{0x02, 0xE0, 0xA0} /* cut short */}) {
    Reader rb(bad);
    EXPECT_NE(error_of(rb.name()).find("malformed UTF-8 encoding"), std::string::npos);
  }
}

TEST(Reader, BytesBeyondTheRangeAreRejectedWithoutReading) {
  Bytes b{0x05, 1, 2, 3, 4, 5, 6};
  Reader r(b, 0, 4);
  EXPECT_NE(error_of(r.bytes(10)).find("length out of bounds"), std::string::npos);
  Reader whole(b);
  EXPECT_NE(error_of(whole.bytes(0xFFFFFFFF)).find("unexpected end"), std::string::npos);
  EXPECT_EQ(whole.offset(), 0u);
}

TEST(Reader, BaseOffsetShowsInErrors) {
  Bytes b{0x80};
  Reader r = Reader::with_base(b, 0x100);
  EXPECT_EQ(r.offset(), 0x100u);
  EXPECT_NE(error_of(r.u32()).find("offset 0x101"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::wasm
