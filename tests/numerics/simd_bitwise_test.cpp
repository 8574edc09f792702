// Shape-free SIMD operators (simd_bitwise.h): v128 logic, splat, lane access, shuffle,
// swizzle.
#include <gtest/gtest.h>

#include <cstdint>

#include "interp/simd.h"
#include "simd_test_util.h"
#include "test_util.h"

namespace ironclad::interp::simd {
namespace {

using test::lanes;
using test::vec;
using test::vec_all;

TEST(SimdBitwise, LogicOperandOrder) {
  V128 a = vec<uint64_t>({0xFF00FF00FF00FF00ull, 0x0123456789ABCDEFull});
  V128 b = vec<uint64_t>({0xF0F0F0F0F0F0F0F0ull, 0xFFFFFFFF00000000ull});
  EXPECT_EQ(v128_and(a, b), vec<uint64_t>({0xF000F000F000F000ull, 0x0123456700000000ull}));
  EXPECT_EQ(v128_or(a, b), vec<uint64_t>({0xFFF0FFF0FFF0FFF0ull, 0xFFFFFFFF89ABCDEFull}));
  EXPECT_EQ(v128_xor(a, b), vec<uint64_t>({0x0FF00FF00FF00FF0ull, 0xFEDCBA9889ABCDEFull}));
  // andnot is a & ~b (not ~a & b as x86's pandn computes).
  EXPECT_EQ(v128_andnot(a, b), vec<uint64_t>({0x0F000F000F000F00ull, 0x0000000089ABCDEFull}));
  EXPECT_EQ(v128_not(a), vec<uint64_t>({0x00FF00FF00FF00FFull, 0xFEDCBA9876543210ull}));
  // bitselect takes a where the mask is 1, b where it is 0.
  V128 m = vec<uint64_t>({0x00000000FFFFFFFFull, 0xAAAAAAAAAAAAAAAAull});
  EXPECT_EQ(v128_bitselect(a, b, m), vec<uint64_t>({0xF0F0F0F0FF00FF00ull,
                                                     (0x0123456789ABCDEFull & 0xAAAAAAAAAAAAAAAAull) |
                                                         (0xFFFFFFFF00000000ull & 0x5555555555555555ull)}));
}

TEST(SimdBitwise, BitselectPerBit) {
  V128 a = vec_all<uint8_t>(0xFF), b = vec_all<uint8_t>(0x00);
  V128 m = vec<uint8_t>({0x01, 0x80, 0x0F, 0xF0, 0, 0xFF, 0x55, 0xAA, 1, 2, 4, 8, 16, 32, 64, 128});
  EXPECT_EQ(v128_bitselect(a, b, m), m);
  EXPECT_EQ(v128_bitselect(b, a, m), v128_not(m));
}

TEST(SimdLanes, SplatUsesTheLowBitsOfTheOperand) {
  EXPECT_EQ(i8x16_splat(0x12345678u), vec_all<uint8_t>(0x78));
  EXPECT_EQ(i16x8_splat(0xFFFF8001u), vec_all<uint16_t>(0x8001));
  EXPECT_EQ(i32x4_splat(0xDEADBEEFu), vec_all<uint32_t>(0xDEADBEEFu));
  EXPECT_EQ(i64x2_splat(0x0123456789ABCDEFull), vec_all<uint64_t>(0x0123456789ABCDEFull));
  EXPECT_EQ(f32x4_splat(-0.0f), vec_all<uint32_t>(0x80000000u));
  EXPECT_EQ(f64x2_splat(test::f64b(test::kF64SignalingNan)), vec_all<uint64_t>(test::kF64SignalingNan));
}

TEST(SimdLanes, ExtractSignOrZeroExtends) {
  V128 v = vec<int8_t>({0, -1, 2, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2});
  EXPECT_EQ(i8x16_extract_lane_s(v, 1), 0xFFFFFFFFu);
  EXPECT_EQ(i8x16_extract_lane_u(v, 1), 0xFFu);
  EXPECT_EQ(i8x16_extract_lane_s(v, 3), 0xFFFFFF80u);
  EXPECT_EQ(i8x16_extract_lane_u(v, 3), 0x80u);
  EXPECT_EQ(i8x16_extract_lane_s(v, 4), 127u);
  EXPECT_EQ(i8x16_extract_lane_u(v, 15), 0xFEu);
  V128 w = vec<int16_t>({-32768, 32767, -1, 0, 0, 0, 0, 0x1234});
  EXPECT_EQ(i16x8_extract_lane_s(w, 0), 0xFFFF8000u);
  EXPECT_EQ(i16x8_extract_lane_u(w, 0), 0x8000u);
  EXPECT_EQ(i16x8_extract_lane_s(w, 2), 0xFFFFFFFFu);
  EXPECT_EQ(i16x8_extract_lane_u(w, 7), 0x1234u);
  V128 d = vec<uint32_t>({1, 2, 3, 0x7FA00001u});
  EXPECT_EQ(i32x4_extract_lane(d, 2), 3u);
  EXPECT_EQ(test::bits(f32x4_extract_lane(d, 3)), 0x7FA00001u);  // signalling NaN kept
  V128 q = vec<uint64_t>({0x1111, test::kF64SignalingNan});
  EXPECT_EQ(i64x2_extract_lane(q, 0), 0x1111u);
  EXPECT_EQ(test::bits(f64x2_extract_lane(q, 1)), test::kF64SignalingNan);
}

TEST(SimdLanes, ReplaceChangesOnlyItsLane) {
  V128 z{};
  EXPECT_EQ(i8x16_replace_lane(z, 15, 0x1FF), vec<uint8_t>({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF}));
  EXPECT_EQ(i16x8_replace_lane(z, 3, 0xABCD1234u), vec<uint16_t>({0, 0, 0, 0x1234, 0, 0, 0, 0}));
  EXPECT_EQ(i32x4_replace_lane(vec_all<uint32_t>(7), 0, 9), vec<uint32_t>({9, 7, 7, 7}));
  EXPECT_EQ(i64x2_replace_lane(z, 1, ~0ull), vec<uint64_t>({0, ~0ull}));
  EXPECT_EQ(f32x4_replace_lane(z, 2, -0.0f), vec<uint32_t>({0, 0, 0x80000000u, 0}));
  EXPECT_EQ(f64x2_replace_lane(z, 0, 1.0), vec<double>({1.0, 0.0}));
}

TEST(SimdLanes, OutOfRangeLaneIndexStaysInsideTheVector) {
  // The validator rejects these; the operators must still not touch memory outside the value.
  V128 v = vec<uint32_t>({10, 11, 12, 13});
  EXPECT_EQ(i32x4_extract_lane(v, 5), 11u);
  EXPECT_EQ(i32x4_replace_lane(v, 4, 1), vec<uint32_t>({1, 11, 12, 13}));
  EXPECT_EQ(i64x2_extract_lane(vec<uint64_t>({1, 2}), 3), 2u);
}

TEST(SimdShuffle, PicksFromBothOperands) {
  V128 a = vec<uint8_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  V128 b = vec<uint8_t>({16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31});
  const uint8_t reverse[16] = {31, 30, 29, 28, 27, 26, 25, 24, 7, 6, 5, 4, 3, 2, 1, 0};
  EXPECT_EQ(i8x16_shuffle(a, b, reverse),
            vec<uint8_t>({31, 30, 29, 28, 27, 26, 25, 24, 7, 6, 5, 4, 3, 2, 1, 0}));
  const uint8_t interleave[16] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
  EXPECT_EQ(i8x16_shuffle(a, b, interleave),
            vec<uint8_t>({0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}));
  const uint8_t repeat[16] = {5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16, 16, 16, 16, 16, 16};
  EXPECT_EQ(i8x16_shuffle(a, b, repeat), vec<uint8_t>({5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16, 16, 16, 16, 16, 16}));
}

TEST(SimdSwizzle, IndicesOf16OrMoreGiveZero) {
  V128 a = vec<uint8_t>({100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115});
  V128 idx = vec<uint8_t>({15, 0, 16, 255, 128, 1, 17, 14, 7, 7, 32, 15, 0x80, 0x8F, 3, 2});
  EXPECT_EQ(i8x16_swizzle(a, idx),
            vec<uint8_t>({115, 100, 0, 0, 0, 101, 0, 114, 107, 107, 0, 115, 0, 0, 103, 102}));
}

}  // namespace
}  // namespace ironclad::interp::simd
