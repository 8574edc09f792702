// Matching results against expectations: NaN patterns, bit-exact floats, v128 lanes, refs.
#include <gtest/gtest.h>

#include "cli/spectest_values.h"

namespace ironclad::cli::spectest {
namespace {

using nlohmann::json;

ExpectedValue expected(const char* text) {
  Result<ExpectedValue> e = parse_expected(json::parse(text));
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
  return e.ok() ? e.value() : ExpectedValue{};
}

V128 f32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  V128 v;
  v.set_lane<uint32_t>(0, a);
  v.set_lane<uint32_t>(1, b);
  v.set_lane<uint32_t>(2, c);
  v.set_lane<uint32_t>(3, d);
  return v;
}

TEST(SpectestNan, CanonicalIsQuietWithEmptyPayloadOfEitherSign) {
  EXPECT_TRUE(is_canonical_nan32(0x7fc00000u));
  EXPECT_TRUE(is_canonical_nan32(0xffc00000u));
  EXPECT_FALSE(is_canonical_nan32(0x7fc00001u));  // payload bits set
  EXPECT_FALSE(is_canonical_nan32(0x7fa00000u));  // signalling
  EXPECT_FALSE(is_canonical_nan32(0x7f800000u));  // infinity
  EXPECT_TRUE(is_canonical_nan64(0x7ff8000000000000ull));
  EXPECT_TRUE(is_canonical_nan64(0xfff8000000000000ull));
  EXPECT_FALSE(is_canonical_nan64(0x7ff8000000000001ull));
  EXPECT_FALSE(is_canonical_nan64(0x7ff0000000000000ull));
}

TEST(SpectestNan, ArithmeticIsAnyQuietNan) {
  EXPECT_TRUE(is_arithmetic_nan32(0x7fc00000u));
  EXPECT_TRUE(is_arithmetic_nan32(0xffc00001u));
  EXPECT_TRUE(is_arithmetic_nan32(0x7fffffffu));
  EXPECT_FALSE(is_arithmetic_nan32(0x7f800001u));  // signalling
  EXPECT_FALSE(is_arithmetic_nan32(0x7f800000u));  // infinity
  EXPECT_FALSE(is_arithmetic_nan32(0x3fc00000u));  // 1.5
  EXPECT_TRUE(is_arithmetic_nan64(0xfff8000000000123ull));
  EXPECT_FALSE(is_arithmetic_nan64(0x7ff4000000000000ull));
  EXPECT_FALSE(is_arithmetic_nan64(0x7ff0000000000000ull));
}

TEST(SpectestMatch, ScalarFloatsCompareBitsNotValues) {
  ExpectedValue zero = expected(R"({"type": "f32", "value": "0"})");
  EXPECT_TRUE(matches(zero, Value::from_f32_bits(0)));
  EXPECT_FALSE(matches(zero, Value::from_f32_bits(0x80000000u)));  // -0 is not +0
  ExpectedValue nan_bits = expected(R"({"type": "f64", "value": "9221120237041090560"})");
  EXPECT_TRUE(matches(nan_bits, Value::from_f64_bits(0x7ff8000000000000ull)));
  EXPECT_FALSE(matches(nan_bits, Value::from_f64_bits(0xfff8000000000000ull)));
}

TEST(SpectestMatch, NanPatternsOnScalars) {
  ExpectedValue canonical = expected(R"({"type": "f32", "value": "nan:canonical"})");
  EXPECT_TRUE(matches(canonical, Value::from_f32_bits(0xffc00000u)));
  EXPECT_FALSE(matches(canonical, Value::from_f32_bits(0x7fc00001u)));
  EXPECT_FALSE(matches(canonical, Value::from_f32(1.0f)));
  ExpectedValue arithmetic = expected(R"({"type": "f64", "value": "nan:arithmetic"})");
  EXPECT_TRUE(matches(arithmetic, Value::from_f64_bits(0x7ff8000000000001ull)));
  EXPECT_FALSE(matches(arithmetic, Value::from_f64_bits(0x7ff0000000000001ull)));
  // A NaN pattern of the other width does not match.
  EXPECT_FALSE(matches(canonical, Value::from_f64_bits(0x7ff8000000000000ull)));
}

TEST(SpectestMatch, TypesMustAgree) {
  ExpectedValue i32 = expected(R"({"type": "i32", "value": "1"})");
  EXPECT_TRUE(matches(i32, Value::from_i32(1)));
  EXPECT_FALSE(matches(i32, Value::from_i64(1)));
  EXPECT_FALSE(matches(i32, Value::from_f32_bits(1)));
}

TEST(SpectestMatch, V128FloatLanesWithPatterns) {
  ExpectedValue e = expected(R"({"type": "v128", "lane_type": "f32", "value":
      ["nan:canonical", "nan:arithmetic", "1065353216", "0"]})");
  EXPECT_TRUE(matches(e, Value::from_v128(f32x4(0x7fc00000u, 0xffc12345u, 0x3f800000u, 0))));
  // Each lane is checked: an arithmetic NaN where a canonical one is expected fails...
  EXPECT_FALSE(matches(e, Value::from_v128(f32x4(0x7fc00001u, 0xffc12345u, 0x3f800000u, 0))));
  // ...and so does a wrong plain lane after matching NaN lanes.
  EXPECT_FALSE(matches(e, Value::from_v128(f32x4(0x7fc00000u, 0xffc12345u, 0x3f800000u, 1))));
}

TEST(SpectestMatch, V128IntegerLanes) {
  ExpectedValue e = expected(R"({"type": "v128", "lane_type": "i16", "value":
      ["1","2","3","4","5","6","7","65535"]})");
  V128 v;
  for (int i = 0; i < 7; ++i) v.set_lane<uint16_t>(i, static_cast<uint16_t>(i + 1));
  v.set_lane<uint16_t>(7, 0xffff);
  EXPECT_TRUE(matches(e, Value::from_v128(v)));
  v.set_lane<uint16_t>(3, 0);
  EXPECT_FALSE(matches(e, Value::from_v128(v)));
  EXPECT_FALSE(matches(e, Value::from_i32(1)));
}

TEST(SpectestMatch, References) {
  ExpectedValue null = expected(R"({"type": "externref", "value": "null"})");
  ExpectedValue any = expected(R"({"type": "externref"})");
  ExpectedValue host2 = expected(R"({"type": "externref", "value": "2"})");
  Value null_value = Value::from_ref(ValType::ExternRef, Ref{});
  Value host2_value = Value::from_ref(ValType::ExternRef, host_externref(2));
  Value host3_value = Value::from_ref(ValType::ExternRef, host_externref(3));
  EXPECT_TRUE(matches(null, null_value));
  EXPECT_FALSE(matches(null, host2_value));
  EXPECT_TRUE(matches(any, host3_value));
  EXPECT_FALSE(matches(any, null_value));
  EXPECT_TRUE(matches(host2, host2_value));
  EXPECT_FALSE(matches(host2, host3_value));
  // A funcref is never an externref, even when both are null.
  EXPECT_FALSE(matches(null, Value::from_ref(ValType::FuncRef, Ref{})));
}

TEST(SpectestDescribe, ExpectedAndActualReadSideBySide) {
  ExpectedValue e = expected(R"({"type": "v128", "lane_type": "f32", "value":
      ["nan:canonical", "0", "0", "1065353216"]})");
  EXPECT_EQ(describe(e), "v128 f32x4:[nan:canonical 0x00000000 0x00000000 0x3f800000]");
  EXPECT_EQ(describe(Value::from_v128(f32x4(0x7fc00001u, 0, 0, 0x3f800000u)), e),
            "v128 f32x4:[0x7fc00001 0x00000000 0x00000000 0x3f800000]");
  EXPECT_EQ(describe(expected(R"({"type": "i32", "value": "4294967295"})")), "i32:4294967295");
  EXPECT_EQ(describe(Value::from_f32(1.0f)), "f32:0x3f800000 (1)");
  EXPECT_EQ(describe(expected(R"({"type": "f64", "value": "nan:arithmetic"})")),
            "f64:nan:arithmetic");
  EXPECT_EQ(describe(Value::from_ref(ValType::ExternRef, host_externref(7))), "externref:host#7");
  EXPECT_EQ(describe(Value::from_ref(ValType::FuncRef, Ref{})), "funcref:null");
}

}  // namespace
}  // namespace ironclad::cli::spectest
