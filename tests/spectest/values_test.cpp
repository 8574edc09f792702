// Parsing of wast2json argument and result descriptions.
#include <gtest/gtest.h>

#include "cli/spectest_values.h"

namespace ironclad::cli::spectest {
namespace {

using nlohmann::json;

Value arg(const char* text) {
  Result<Value> v = parse_argument(json::parse(text));
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message);
  return v.ok() ? v.value() : Value{};
}

std::string arg_error(const char* text) {
  Result<Value> v = parse_argument(json::parse(text));
  EXPECT_FALSE(v.ok()) << text << " was accepted";
  if (v.ok()) return "";
  EXPECT_EQ(v.error().kind, ErrorKind::Usage);
  return v.error().message;
}

ExpectedValue expected(const char* text) {
  Result<ExpectedValue> e = parse_expected(json::parse(text));
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
  return e.ok() ? e.value() : ExpectedValue{};
}

TEST(SpectestArguments, IntegersAreUnsignedDecimalsInTwosComplement) {
  Value a = arg(R"({"type": "i32", "value": "4294967295"})");
  EXPECT_EQ(a.type, ValType::I32);
  EXPECT_EQ(a.i32, 0xffffffffu);
  Value b = arg(R"({"type": "i64", "value": "18446744073709551615"})");
  EXPECT_EQ(b.type, ValType::I64);
  EXPECT_EQ(b.i64, ~uint64_t{0});
}

TEST(SpectestArguments, FloatsAreBitPatterns) {
  Value f = arg(R"({"type": "f32", "value": "1065353216"})");
  EXPECT_EQ(f.type, ValType::F32);
  EXPECT_EQ(f.f32, 1.0f);
  // A signalling NaN keeps its exact payload: parsing goes through the bits, not a float.
  Value nan = arg(R"({"type": "f64", "value": "9218868437227405313"})");
  EXPECT_EQ(nan.type, ValType::F64);
  EXPECT_EQ(nan.i64, 0x7ff0000000000001ull);
}

TEST(SpectestArguments, V128LanesAreLittleEndianInTheirLaneType) {
  Value bytes = arg(R"({"type": "v128", "lane_type": "i8", "value":
      ["0","1","2","3","4","5","6","7","8","9","10","11","12","13","14","255"]})");
  EXPECT_EQ(bytes.type, ValType::V128);
  EXPECT_EQ(bytes.v128.bytes[0], 0);
  EXPECT_EQ(bytes.v128.bytes[15], 255);
  EXPECT_EQ(bytes.v128.lane<uint32_t>(0), 0x03020100u);

  Value halves = arg(R"({"type": "v128", "lane_type": "i16", "value":
      ["65535","1","0","0","0","0","0","32768"]})");
  EXPECT_EQ(halves.v128.lane<uint16_t>(0), 0xffff);
  EXPECT_EQ(halves.v128.lane<uint16_t>(1), 1);
  EXPECT_EQ(halves.v128.lane<uint16_t>(7), 0x8000);

  Value doubles = arg(R"({"type": "v128", "lane_type": "f64", "value":
      ["4607182418800017408", "9223372036854775808"]})");
  EXPECT_EQ(doubles.v128.lane<double>(0), 1.0);
  EXPECT_EQ(doubles.v128.lane<uint64_t>(1), 0x8000000000000000ull);
}

TEST(SpectestArguments, ExternrefsAreDistinctNonNullHostReferences) {
  Value null = arg(R"({"type": "externref", "value": "null"})");
  EXPECT_EQ(null.type, ValType::ExternRef);
  EXPECT_TRUE(null.ref.is_null());
  Value zero = arg(R"({"type": "externref", "value": "0"})");
  Value one = arg(R"({"type": "externref", "value": "1"})");
  EXPECT_FALSE(zero.ref.is_null());
  EXPECT_FALSE(one.ref.is_null());
  EXPECT_NE(zero.ref.bits, one.ref.bits);
  EXPECT_EQ(one.ref, host_externref(1));
  Value func = arg(R"({"type": "funcref", "value": "null"})");
  EXPECT_EQ(func.type, ValType::FuncRef);
  EXPECT_TRUE(func.ref.is_null());
}

TEST(SpectestArguments, BadDescriptionsAreErrorsThatSayWhy) {
  EXPECT_NE(arg_error(R"({"type": "i32", "value": "4294967296"})").find("out of range"),
            std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "i32", "value": "-1"})").find("unsigned decimal"),
            std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "i32", "value": "12x"})").find("12x"), std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "i32"})").find("\"value\""), std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "i128", "value": "0"})").find("i128"), std::string::npos);
  EXPECT_NE(arg_error(R"({"value": "0"})").find("\"type\""), std::string::npos);
  EXPECT_NE(arg_error(R"("i32")").find("object"), std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "f32", "value": "nan:canonical"})").find("nan:canonical"),
            std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "v128", "lane_type": "i32", "value": ["1", "2"]})")
                .find("2 lanes, expected 4"),
            std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "v128", "lane_type": "i8", "value":
      ["256","0","0","0","0","0","0","0","0","0","0","0","0","0","0","0"]})").find("out of range"),
            std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "v128", "value": ["0","0","0","0"]})").find("lane_type"),
            std::string::npos);
  EXPECT_NE(arg_error(R"({"type": "funcref", "value": "3"})").find("funcref"), std::string::npos);
}

TEST(SpectestExpected, NanPatternsAreAcceptedForFloatsOnly) {
  ExpectedValue canonical = expected(R"({"type": "f32", "value": "nan:canonical"})");
  EXPECT_EQ(canonical.type, ValType::F32);
  EXPECT_EQ(canonical.scalar.nan, NanPattern::Canonical);
  ExpectedValue arithmetic = expected(R"({"type": "f64", "value": "nan:arithmetic"})");
  EXPECT_EQ(arithmetic.scalar.nan, NanPattern::Arithmetic);
  EXPECT_FALSE(parse_expected(json::parse(R"({"type": "i32", "value": "nan:canonical"})")).ok());
  EXPECT_FALSE(parse_expected(json::parse(
      R"({"type": "v128", "lane_type": "i32", "value": ["nan:canonical","0","0","0"]})")).ok());
}

TEST(SpectestExpected, V128LanesMayMixPatternsAndBits) {
  ExpectedValue e = expected(R"({"type": "v128", "lane_type": "f32", "value":
      ["nan:canonical", "nan:arithmetic", "1086324736", "0"]})");
  ASSERT_EQ(e.lanes.size(), 4u);
  EXPECT_EQ(e.lane_type, LaneType::F32);
  EXPECT_EQ(e.lanes[0].nan, NanPattern::Canonical);
  EXPECT_EQ(e.lanes[1].nan, NanPattern::Arithmetic);
  EXPECT_EQ(e.lanes[2].nan, NanPattern::None);
  EXPECT_EQ(e.lanes[2].bits, 1086324736u);
}

TEST(SpectestExpected, ReferencePatterns) {
  EXPECT_EQ(expected(R"({"type": "funcref", "value": "null"})").ref, RefPattern::Null);
  EXPECT_EQ(expected(R"({"type": "funcref"})").ref, RefPattern::AnyNonNull);
  EXPECT_EQ(expected(R"({"type": "externref"})").ref, RefPattern::AnyNonNull);
  // wast2json 1.0.32 writes (ref.func) as the number 0.
  EXPECT_EQ(expected(R"({"type": "funcref", "value": "0"})").ref, RefPattern::AnyNonNull);
  EXPECT_FALSE(parse_expected(json::parse(R"({"type": "funcref", "value": "f"})")).ok());
  ExpectedValue host = expected(R"({"type": "externref", "value": "137"})");
  EXPECT_EQ(host.ref, RefPattern::HostRef);
  EXPECT_EQ(host.host_ref_index, 137u);
}

}  // namespace
}  // namespace ironclad::cli::spectest
