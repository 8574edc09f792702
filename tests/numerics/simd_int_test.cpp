// Integer SIMD operators of simd_int.h against an independent reference computed per lane
// in 128-bit arithmetic on edge-biased random inputs, plus the spec's named edge cases.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "interp/simd.h"
#include "simd_test_util.h"

namespace ironclad::interp::simd {
namespace {

using test::lanes;
using test::vec;
using test::vec_all;
using i128 = __int128;

// One input lane read both ways, so a reference can pick the interpretation it needs.
struct Lane {
  i128 s;  // sign-extended
  i128 u;  // zero-extended
};

Lane read_lane(const V128& v, int i, int bytes) {
  uint64_t u = 0;
  std::memcpy(&u, v.bytes + i * bytes, bytes);
  int shift = 64 - bytes * 8;
  int64_t s = static_cast<int64_t>(u << shift) >> shift;
  return {s, u};
}

struct BinaryCase {
  const char* name;
  int bytes;  // lane width
  V128 (*fn)(V128, V128);
  i128 (*ref)(Lane, Lane, int bits);  // the exact lane result; truncated to the lane width
};

i128 smin(int bits) { return -(i128(1) << (bits - 1)); }
i128 smax(int bits) { return (i128(1) << (bits - 1)) - 1; }
i128 umax(int bits) { return (i128(1) << bits) - 1; }
i128 clamp(i128 v, i128 lo, i128 hi) { return v < lo ? lo : (v > hi ? hi : v); }
i128 mask(bool b) { return b ? -1 : 0; }
// The low bits of x * y; in unsigned 128-bit because two u64 lanes overflow a signed i128.
i128 wrapping_mul(Lane x, Lane y) {
  using u128 = unsigned __int128;
  return static_cast<i128>(static_cast<u128>(x.u) * static_cast<u128>(y.u));
}

#define ARITH(prefix, bytes)                                                                  \
  {#prefix "_add", bytes, prefix##_add, [](Lane x, Lane y, int) { return x.u + y.u; }},       \
      {#prefix "_sub", bytes, prefix##_sub, [](Lane x, Lane y, int) { return x.u - y.u; }},   \
      {#prefix "_eq", bytes, prefix##_eq, [](Lane x, Lane y, int) { return mask(x.u == y.u); }}, \
      {#prefix "_ne", bytes, prefix##_ne, [](Lane x, Lane y, int) { return mask(x.u != y.u); }}, \
      {#prefix "_lt_s", bytes, prefix##_lt_s, [](Lane x, Lane y, int) { return mask(x.s < y.s); }}, \
      {#prefix "_gt_s", bytes, prefix##_gt_s, [](Lane x, Lane y, int) { return mask(x.s > y.s); }}, \
      {#prefix "_le_s", bytes, prefix##_le_s, [](Lane x, Lane y, int) { return mask(x.s <= y.s); }}, \
      {#prefix "_ge_s", bytes, prefix##_ge_s, [](Lane x, Lane y, int) { return mask(x.s >= y.s); }}

#define UNSIGNED_CMP_MINMAX(prefix, bytes)                                                         \
  {#prefix "_lt_u", bytes, prefix##_lt_u, [](Lane x, Lane y, int) { return mask(x.u < y.u); }},    \
      {#prefix "_gt_u", bytes, prefix##_gt_u, [](Lane x, Lane y, int) { return mask(x.u > y.u); }}, \
      {#prefix "_le_u", bytes, prefix##_le_u, [](Lane x, Lane y, int) { return mask(x.u <= y.u); }}, \
      {#prefix "_ge_u", bytes, prefix##_ge_u, [](Lane x, Lane y, int) { return mask(x.u >= y.u); }}, \
      {#prefix "_min_s", bytes, prefix##_min_s, [](Lane x, Lane y, int) { return x.s < y.s ? x.s : y.s; }}, \
      {#prefix "_min_u", bytes, prefix##_min_u, [](Lane x, Lane y, int) { return x.u < y.u ? x.u : y.u; }}, \
      {#prefix "_max_s", bytes, prefix##_max_s, [](Lane x, Lane y, int) { return x.s > y.s ? x.s : y.s; }}, \
      {#prefix "_max_u", bytes, prefix##_max_u, [](Lane x, Lane y, int) { return x.u > y.u ? x.u : y.u; }}

#define SATURATING(prefix, bytes)                                                                  \
  {#prefix "_add_sat_s", bytes, prefix##_add_sat_s,                                               \
   [](Lane x, Lane y, int b) { return clamp(x.s + y.s, smin(b), smax(b)); }},                     \
      {#prefix "_add_sat_u", bytes, prefix##_add_sat_u,                                           \
       [](Lane x, Lane y, int b) { return clamp(x.u + y.u, 0, umax(b)); }},                       \
      {#prefix "_sub_sat_s", bytes, prefix##_sub_sat_s,                                           \
       [](Lane x, Lane y, int b) { return clamp(x.s - y.s, smin(b), smax(b)); }},                 \
      {#prefix "_sub_sat_u", bytes, prefix##_sub_sat_u,                                           \
       [](Lane x, Lane y, int b) { return clamp(x.u - y.u, 0, umax(b)); }},                       \
      {#prefix "_avgr_u", bytes, prefix##_avgr_u, [](Lane x, Lane y, int) { return (x.u + y.u + 1) / 2; }}

const std::vector<BinaryCase>& binary_cases() {
  static const std::vector<BinaryCase> cases = {
      ARITH(i8x16, 1),
      UNSIGNED_CMP_MINMAX(i8x16, 1),
      SATURATING(i8x16, 1),
      ARITH(i16x8, 2),
      UNSIGNED_CMP_MINMAX(i16x8, 2),
      SATURATING(i16x8, 2),
      {"i16x8_mul", 2, i16x8_mul, [](Lane x, Lane y, int) { return wrapping_mul(x, y); }},
      {"i16x8_q15mulr_sat_s", 2, i16x8_q15mulr_sat_s,
       [](Lane x, Lane y, int b) {
         i128 p = x.s * y.s + 0x4000;
         return clamp(p >= 0 ? p / 32768 : -((-p + 32767) / 32768), smin(b), smax(b));  // floor
       }},
      ARITH(i32x4, 4),
      UNSIGNED_CMP_MINMAX(i32x4, 4),
      {"i32x4_mul", 4, i32x4_mul, [](Lane x, Lane y, int) { return wrapping_mul(x, y); }},
      ARITH(i64x2, 8),
      {"i64x2_mul", 8, i64x2_mul, [](Lane x, Lane y, int) { return wrapping_mul(x, y); }},
  };
  return cases;
}

TEST(SimdIntBinary, EveryLaneMatchesTheReference) {
  std::mt19937_64 rng(2024);
  for (const BinaryCase& c : binary_cases()) {
    SCOPED_TRACE(c.name);
    int bits = c.bytes * 8;
    for (int iter = 0; iter < 3000; ++iter) {
      V128 a = test::random_v128(rng, c.bytes), b = test::random_v128(rng, c.bytes);
      V128 r = c.fn(a, b);
      for (int i = 0; i < 16 / c.bytes; ++i) {
        i128 want = c.ref(read_lane(a, i, c.bytes), read_lane(b, i, c.bytes), bits);
        uint64_t want_bits = static_cast<uint64_t>(want) & static_cast<uint64_t>(umax(bits));
        uint64_t got = static_cast<uint64_t>(read_lane(r, i, c.bytes).u);
        ASSERT_EQ(got, want_bits) << "lane " << i << " of " << c.name << " a=0x" << std::hex
                                  << static_cast<uint64_t>(read_lane(a, i, c.bytes).u) << " b=0x"
                                  << static_cast<uint64_t>(read_lane(b, i, c.bytes).u);
      }
    }
  }
}

TEST(SimdIntBinary, SaturationBoundsNamedInTheSpec) {
  EXPECT_EQ(lanes<int8_t>(i8x16_add_sat_s(vec_all<int8_t>(127), vec_all<int8_t>(1)))[0], 127);
  EXPECT_EQ(lanes<int8_t>(i8x16_sub_sat_s(vec_all<int8_t>(-128), vec_all<int8_t>(1)))[5], -128);
  EXPECT_EQ(lanes<uint8_t>(i8x16_add_sat_u(vec_all<uint8_t>(255), vec_all<uint8_t>(1)))[15], 255);
  EXPECT_EQ(lanes<uint8_t>(i8x16_sub_sat_u(vec_all<uint8_t>(0), vec_all<uint8_t>(1)))[3], 0);
  EXPECT_EQ(lanes<int16_t>(i16x8_add_sat_s(vec_all<int16_t>(32767), vec_all<int16_t>(32767)))[0], 32767);
  EXPECT_EQ(lanes<uint16_t>(i16x8_sub_sat_u(vec_all<uint16_t>(1), vec_all<uint16_t>(65535)))[7], 0);
  // q15mulr: only -1.0 * -1.0 overflows; rounding is half up.
  EXPECT_EQ(lanes<int16_t>(i16x8_q15mulr_sat_s(vec_all<int16_t>(-32768), vec_all<int16_t>(-32768)))[0], 32767);
  EXPECT_EQ(lanes<int16_t>(i16x8_q15mulr_sat_s(vec_all<int16_t>(16384), vec_all<int16_t>(16384)))[1], 8192);
  EXPECT_EQ(lanes<int16_t>(i16x8_q15mulr_sat_s(vec_all<int16_t>(-1), vec_all<int16_t>(1)))[2], 0);
  EXPECT_EQ(lanes<int16_t>(i16x8_q15mulr_sat_s(vec_all<int16_t>(1), vec_all<int16_t>(16384)))[3], 1);
  EXPECT_EQ(lanes<int16_t>(i16x8_q15mulr_sat_s(vec_all<int16_t>(-1), vec_all<int16_t>(16384)))[3], 0);
  EXPECT_EQ(lanes<uint8_t>(i8x16_avgr_u(vec_all<uint8_t>(255), vec_all<uint8_t>(254)))[0], 255);
  EXPECT_EQ(lanes<uint16_t>(i16x8_avgr_u(vec_all<uint16_t>(65535), vec_all<uint16_t>(0)))[0], 32768);
}

TEST(SimdIntUnary, AbsWrapsOnMinAndNegWraps) {
  EXPECT_EQ(lanes<int8_t>(i8x16_abs(vec_all<int8_t>(-128)))[0], -128);
  EXPECT_EQ(lanes<int8_t>(i8x16_abs(vec_all<int8_t>(-127)))[9], 127);
  EXPECT_EQ(lanes<int16_t>(i16x8_abs(vec_all<int16_t>(-32768)))[0], -32768);
  EXPECT_EQ(lanes<int32_t>(i32x4_abs(vec<int32_t>({INT32_MIN, -5, 5, 0}))),
            (std::array<int32_t, 4>{INT32_MIN, 5, 5, 0}));
  EXPECT_EQ(lanes<int64_t>(i64x2_abs(vec<int64_t>({INT64_MIN, -1}))), (std::array<int64_t, 2>{INT64_MIN, 1}));
  EXPECT_EQ(lanes<int8_t>(i8x16_neg(vec_all<int8_t>(-128)))[0], -128);
  EXPECT_EQ(lanes<int16_t>(i16x8_neg(vec_all<int16_t>(1)))[0], -1);
  EXPECT_EQ(lanes<int32_t>(i32x4_neg(vec<int32_t>({INT32_MIN, 1, -1, 0}))),
            (std::array<int32_t, 4>{INT32_MIN, -1, 1, 0}));
  EXPECT_EQ(lanes<int64_t>(i64x2_neg(vec<int64_t>({INT64_MIN, 7}))), (std::array<int64_t, 2>{INT64_MIN, -7}));
}

TEST(SimdIntUnary, Popcnt) {
  V128 v = vec<uint8_t>({0, 1, 2, 3, 0x55, 0xAA, 0xFF, 0x80, 0x7F, 0x0F, 0xF0, 0x11, 0x22, 0x44, 0x88, 0xFE});
  EXPECT_EQ(lanes<uint8_t>(i8x16_popcnt(v)),
            (std::array<uint8_t, 16>{0, 1, 1, 2, 4, 4, 8, 1, 7, 4, 4, 2, 2, 2, 2, 7}));
}

TEST(SimdIntShift, CountIsModuloLaneWidthAndSignedShiftsAreArithmetic) {
  V128 b8 = vec_all<int8_t>(-128);
  EXPECT_EQ(lanes<int8_t>(i8x16_shr_s(b8, 7))[0], -1);
  EXPECT_EQ(lanes<int8_t>(i8x16_shr_s(b8, 8))[0], -128);  // 8 mod 8 = 0
  EXPECT_EQ(lanes<uint8_t>(i8x16_shr_u(b8, 7))[0], 1);
  EXPECT_EQ(lanes<uint8_t>(i8x16_shr_u(b8, 15))[0], 1);
  EXPECT_EQ(lanes<uint8_t>(i8x16_shl(vec_all<uint8_t>(1), 9))[0], 2);
  EXPECT_EQ(lanes<uint8_t>(i8x16_shl(vec_all<uint8_t>(0xFF), 7))[0], 0x80);
  EXPECT_EQ(lanes<int16_t>(i16x8_shr_s(vec_all<int16_t>(-32768), 15))[0], -1);
  EXPECT_EQ(lanes<uint16_t>(i16x8_shl(vec_all<uint16_t>(1), 16 + 15))[0], 0x8000);
  EXPECT_EQ(lanes<uint16_t>(i16x8_shr_u(vec_all<uint16_t>(0x8000), 0xFFFFFFFFu))[0], 1);
  EXPECT_EQ(lanes<int32_t>(i32x4_shr_s(vec_all<int32_t>(INT32_MIN), 31))[3], -1);
  EXPECT_EQ(lanes<uint32_t>(i32x4_shl(vec_all<uint32_t>(1), 32))[0], 1u);
  EXPECT_EQ(lanes<uint32_t>(i32x4_shr_u(vec_all<uint32_t>(0x80000000u), 63))[0], 1u);
  EXPECT_EQ(lanes<int64_t>(i64x2_shr_s(vec_all<int64_t>(INT64_MIN), 63))[1], -1);
  EXPECT_EQ(lanes<uint64_t>(i64x2_shl(vec_all<uint64_t>(1), 64 + 63))[0], 1ull << 63);
  EXPECT_EQ(lanes<uint64_t>(i64x2_shr_u(vec_all<uint64_t>(1ull << 63), 127))[0], 1u);
  // Each lane shifts on its own: nothing crosses a lane boundary.
  EXPECT_EQ(lanes<uint16_t>(i16x8_shl(vec<uint16_t>({0x8001, 0xFFFF, 1, 2, 3, 4, 5, 6}), 1)),
            (std::array<uint16_t, 8>{0x0002, 0xFFFE, 2, 4, 6, 8, 10, 12}));
  EXPECT_EQ(lanes<uint8_t>(i8x16_shr_u(vec_all<uint8_t>(0x81), 1))[0], 0x40);
}

TEST(SimdIntTests, AllTrueAndBitmask) {
  EXPECT_EQ(i8x16_all_true(vec_all<uint8_t>(1)), 1u);
  V128 one_zero = vec_all<uint8_t>(0xFF);
  one_zero.bytes[13] = 0;
  EXPECT_EQ(i8x16_all_true(one_zero), 0u);
  // A 16-bit lane 0x0100 is non-zero although one of its bytes is zero.
  EXPECT_EQ(i16x8_all_true(vec_all<uint16_t>(0x0100)), 1u);
  EXPECT_EQ(i16x8_all_true(one_zero), 1u);  // lane 6 is 0x00FF
  one_zero.bytes[12] = 0;
  EXPECT_EQ(i16x8_all_true(one_zero), 0u);
  EXPECT_EQ(i32x4_all_true(vec<uint32_t>({1, 0x80000000u, 0x00010000u, 0x100})), 1u);
  EXPECT_EQ(i32x4_all_true(vec<uint32_t>({1, 1, 0, 1})), 0u);
  EXPECT_EQ(i64x2_all_true(vec<uint64_t>({1ull << 63, 1ull << 32})), 1u);
  EXPECT_EQ(i64x2_all_true(vec<uint64_t>({1, 0})), 0u);

  EXPECT_EQ(i8x16_bitmask(vec<int8_t>({-1, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2})), 0x8005u);
  EXPECT_EQ(i16x8_bitmask(vec<int16_t>({-1, 1, -32768, 32767, 0, 0, 0, -1})), 0x85u);
  EXPECT_EQ(i32x4_bitmask(vec<int32_t>({0, -1, INT32_MAX, INT32_MIN})), 0xAu);
  EXPECT_EQ(i64x2_bitmask(vec<int64_t>({INT64_MIN, 1})), 1u);
  EXPECT_EQ(i64x2_bitmask(vec<int64_t>({0, -1})), 2u);

  EXPECT_EQ(v128_any_true(V128{}), 0u);
  V128 high = V128{};
  high.bytes[15] = 0x80;
  EXPECT_EQ(v128_any_true(high), 1u);
}

TEST(SimdIntCompare, I64SignedOrderings) {
  V128 a = vec<int64_t>({-1, INT64_MAX});
  V128 b = vec<int64_t>({1, INT64_MIN});
  EXPECT_EQ(lanes<int64_t>(i64x2_lt_s(a, b)), (std::array<int64_t, 2>{-1, 0}));
  EXPECT_EQ(lanes<int64_t>(i64x2_gt_s(a, b)), (std::array<int64_t, 2>{0, -1}));
  EXPECT_EQ(lanes<int64_t>(i64x2_le_s(a, a)), (std::array<int64_t, 2>{-1, -1}));
  EXPECT_EQ(lanes<int64_t>(i64x2_ge_s(b, a)), (std::array<int64_t, 2>{-1, 0}));
  EXPECT_EQ(lanes<int64_t>(i64x2_lt_s(b, b)), (std::array<int64_t, 2>{0, 0}));
}

}  // namespace
}  // namespace ironclad::interp::simd
