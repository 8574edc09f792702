// The SIMD operators are written on whole vectors (simd_lanes.h), the scalar ones of
// numerics.h lane by lane; wasm defines each SIMD float/conversion lane as the scalar
// operator. These tests hold them to bit-identical results on random and special lanes,
// and check the bit-trick operators (bitmask, swizzle, shuffle) against plain loops.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "interp/numerics.h"
#include "interp/simd.h"
#include "simd_test_util.h"

namespace ironclad::interp::simd {
namespace {

using test::lanes;

// Random floats of F with a high share of the values where semantics have edges.
template <typename F>
F random_float(std::mt19937_64& rng) {
  using Bits = FloatBits<F>;
  static const std::vector<F> special = {
      F(0), -F(0), F(0.5), F(-0.5), F(1.5), F(-2.5), std::numeric_limits<F>::infinity(),
      -std::numeric_limits<F>::infinity(), std::numeric_limits<F>::max(), std::numeric_limits<F>::lowest(),
      std::numeric_limits<F>::denorm_min(), RoundTraits<F>::kIntegral, -RoundTraits<F>::kIntegral,
      RoundTraits<F>::kIntegral - F(0.5), F(2147483648.0), F(-2147483648.0), F(4294967296.0),
      std::bit_cast<F>(static_cast<Bits>(kSignBit<F> >> 1 | kQuietBit<F>)),                  // canonical NaN
      std::bit_cast<F>(static_cast<Bits>(~Bits(0))),                                        // -NaN, full payload
      std::bit_cast<F>(static_cast<Bits>((~kSignBit<F> & ~kQuietBit<F>))),                  // signalling NaN
  };
  switch (rng() % 4) {
    case 0: return special[rng() % special.size()];
    case 1: return std::bit_cast<F>(static_cast<Bits>(rng()));
    default: {
      std::uniform_real_distribution<F> d(F(-1e4), F(1e4));
      F x = d(rng);
      return rng() % 2 ? std::nearbyint(x) + F(0.5) : x;  // many exact halves
    }
  }
}

template <typename F>
V128 random_float_vector(std::mt19937_64& rng) {
  V128 v;
  for (int i = 0; i < test::kLaneCount<F>; ++i) v.set_lane<F>(i, random_float<F>(rng));
  return v;
}

template <typename F>
void expect_lanes_equal_scalar(V128 (*vec_op)(V128), F (*scalar)(F), const char* name) {
  std::mt19937_64 rng(11);
  for (int iter = 0; iter < 20000; ++iter) {
    V128 a = random_float_vector<F>(rng);
    V128 r = vec_op(a);
    for (int i = 0; i < test::kLaneCount<F>; ++i)
      ASSERT_EQ(std::bit_cast<FloatBits<F>>(r.lane<F>(i)), std::bit_cast<FloatBits<F>>(scalar(a.lane<F>(i))))
          << name << " lane " << i << " of " << std::hexfloat << a.lane<F>(i);
  }
}

template <typename F>
void expect_lanes_equal_scalar(V128 (*vec_op)(V128, V128), F (*scalar)(F, F), const char* name) {
  std::mt19937_64 rng(12);
  for (int iter = 0; iter < 20000; ++iter) {
    V128 a = random_float_vector<F>(rng), b = random_float_vector<F>(rng);
    V128 r = vec_op(a, b);
    for (int i = 0; i < test::kLaneCount<F>; ++i)
      ASSERT_EQ(std::bit_cast<FloatBits<F>>(r.lane<F>(i)),
                std::bit_cast<FloatBits<F>>(scalar(a.lane<F>(i), b.lane<F>(i))))
          << name << " lane " << i << " of " << std::hexfloat << a.lane<F>(i) << ", " << b.lane<F>(i);
  }
}

TEST(SimdLaneConsistency, F32x4MatchesScalarBitForBit) {
  expect_lanes_equal_scalar<float>(f32x4_min, f32_min, "f32x4.min");
  expect_lanes_equal_scalar<float>(f32x4_max, f32_max, "f32x4.max");
  expect_lanes_equal_scalar<float>(f32x4_ceil, f32_ceil, "f32x4.ceil");
  expect_lanes_equal_scalar<float>(f32x4_floor, f32_floor, "f32x4.floor");
  expect_lanes_equal_scalar<float>(f32x4_trunc, f32_trunc, "f32x4.trunc");
  expect_lanes_equal_scalar<float>(f32x4_nearest, f32_nearest, "f32x4.nearest");
  expect_lanes_equal_scalar<float>(f32x4_abs, f32_abs, "f32x4.abs");
  expect_lanes_equal_scalar<float>(f32x4_neg, f32_neg, "f32x4.neg");
}

TEST(SimdLaneConsistency, F64x2MatchesScalarBitForBit) {
  expect_lanes_equal_scalar<double>(f64x2_min, f64_min, "f64x2.min");
  expect_lanes_equal_scalar<double>(f64x2_max, f64_max, "f64x2.max");
  expect_lanes_equal_scalar<double>(f64x2_ceil, f64_ceil, "f64x2.ceil");
  expect_lanes_equal_scalar<double>(f64x2_floor, f64_floor, "f64x2.floor");
  expect_lanes_equal_scalar<double>(f64x2_trunc, f64_trunc, "f64x2.trunc");
  expect_lanes_equal_scalar<double>(f64x2_nearest, f64_nearest, "f64x2.nearest");
  expect_lanes_equal_scalar<double>(f64x2_abs, f64_abs, "f64x2.abs");
  expect_lanes_equal_scalar<double>(f64x2_neg, f64_neg, "f64x2.neg");
}

TEST(SimdLaneConsistency, ConversionsMatchScalar) {
  std::mt19937_64 rng(13);
  for (int iter = 0; iter < 20000; ++iter) {
    V128 f = random_float_vector<float>(rng);
    V128 s = i32x4_trunc_sat_f32x4_s(f), u = i32x4_trunc_sat_f32x4_u(f);
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(s.lane<uint32_t>(i), i32_trunc_sat_f32_s(f.lane<float>(i))) << std::hexfloat << f.lane<float>(i);
      ASSERT_EQ(u.lane<uint32_t>(i), i32_trunc_sat_f32_u(f.lane<float>(i))) << std::hexfloat << f.lane<float>(i);
    }
    V128 d = random_float_vector<double>(rng);
    V128 sd = i32x4_trunc_sat_f64x2_s_zero(d), ud = i32x4_trunc_sat_f64x2_u_zero(d);
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(sd.lane<uint32_t>(i), i32_trunc_sat_f64_s(d.lane<double>(i)));
      ASSERT_EQ(ud.lane<uint32_t>(i), i32_trunc_sat_f64_u(d.lane<double>(i)));
    }
    V128 n = test::random_v128(rng, 4);
    V128 cs = f32x4_convert_i32x4_s(n), cu = f32x4_convert_i32x4_u(n);
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(cs.lane<float>(i), f32_convert_i32_s(n.lane<uint32_t>(i)));
      ASSERT_EQ(cu.lane<float>(i), f32_convert_i32_u(n.lane<uint32_t>(i))) << std::hex << n.lane<uint32_t>(i);
    }
  }
}

TEST(SimdLaneConsistency, BitmaskMatchesSignBitLoop) {
  std::mt19937_64 rng(14);
  for (int iter = 0; iter < 20000; ++iter) {
    V128 v = test::random_v128(rng, 1 << (iter % 4));
    uint32_t m8 = 0, m16 = 0, m32 = 0, m64 = 0;
    for (int i = 0; i < 16; ++i) m8 |= uint32_t(v.lane<int8_t>(i) < 0) << i;
    for (int i = 0; i < 8; ++i) m16 |= uint32_t(v.lane<int16_t>(i) < 0) << i;
    for (int i = 0; i < 4; ++i) m32 |= uint32_t(v.lane<int32_t>(i) < 0) << i;
    for (int i = 0; i < 2; ++i) m64 |= uint32_t(v.lane<int64_t>(i) < 0) << i;
    ASSERT_EQ(i8x16_bitmask(v), m8);
    ASSERT_EQ(i16x8_bitmask(v), m16);
    ASSERT_EQ(i32x4_bitmask(v), m32);
    ASSERT_EQ(i64x2_bitmask(v), m64);
  }
}

TEST(SimdLaneConsistency, SwizzleAndShuffleMatchIndexLoops) {
  std::mt19937_64 rng(15);
  for (int iter = 0; iter < 20000; ++iter) {
    V128 a = test::random_v128(rng, 8), b = test::random_v128(rng, 8), idx;
    uint8_t lanes[16];
    for (int i = 0; i < 16; ++i) {
      idx.bytes[i] = static_cast<uint8_t>(rng() % 3 ? rng() % 20 : rng());
      lanes[i] = static_cast<uint8_t>(rng() % 32);
    }
    V128 sw = i8x16_swizzle(a, idx), sh = i8x16_shuffle(a, b, lanes);
    for (int i = 0; i < 16; ++i) {
      ASSERT_EQ(sw.bytes[i], idx.bytes[i] < 16 ? a.bytes[idx.bytes[i]] : 0);
      ASSERT_EQ(sh.bytes[i], lanes[i] < 16 ? a.bytes[lanes[i]] : b.bytes[lanes[i] - 16]);
    }
  }
}

}  // namespace
}  // namespace ironclad::interp::simd
