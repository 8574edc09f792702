// Lane-width-changing integer SIMD operators (simd_int_widen.h) and the load helpers
// (simd_memory.h): which source lanes are read, sign vs zero extension, saturation.
#include <gtest/gtest.h>

#include <cstdint>

#include "interp/simd.h"
#include "simd_test_util.h"

namespace ironclad::interp::simd {
namespace {

using test::lanes;
using test::vec;
using test::vec_all;

TEST(SimdNarrow, SaturatesSignedInputsToEachRange) {
  V128 a = vec<int16_t>({0, 127, 128, -128, -129, 32767, -32768, 255});
  V128 b = vec<int16_t>({256, -1, 1, 2, 3, 4, 5, 6});
  EXPECT_EQ(lanes<int8_t>(i8x16_narrow_i16x8_s(a, b)),
            (std::array<int8_t, 16>{0, 127, 127, -128, -128, 127, -128, 127, 127, -1, 1, 2, 3, 4, 5, 6}));
  // _u still reads the inputs as signed: negatives clamp to 0, 256 to 255.
  EXPECT_EQ(lanes<uint8_t>(i8x16_narrow_i16x8_u(a, b)),
            (std::array<uint8_t, 16>{0, 127, 128, 0, 0, 255, 0, 255, 255, 0, 1, 2, 3, 4, 5, 6}));
  V128 c = vec<int32_t>({32768, -32769, 65535, -1});
  V128 d = vec<int32_t>({INT32_MIN, INT32_MAX, 65536, 12345});
  EXPECT_EQ(lanes<int16_t>(i16x8_narrow_i32x4_s(c, d)),
            (std::array<int16_t, 8>{32767, -32768, 32767, -1, -32768, 32767, 32767, 12345}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_narrow_i32x4_u(c, d)),
            (std::array<uint16_t, 8>{32768, 0, 65535, 0, 0, 65535, 65535, 12345}));
}

TEST(SimdExtend, LowAndHighHalvesWithSignOrZeroExtension) {
  V128 v = vec<int8_t>({-1, 2, -3, 4, -128, 127, 0, -2, 10, -10, 20, -20, 30, -30, -128, 127});
  EXPECT_EQ(lanes<int16_t>(i16x8_extend_low_i8x16_s(v)), (std::array<int16_t, 8>{-1, 2, -3, 4, -128, 127, 0, -2}));
  EXPECT_EQ(lanes<int16_t>(i16x8_extend_high_i8x16_s(v)),
            (std::array<int16_t, 8>{10, -10, 20, -20, 30, -30, -128, 127}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extend_low_i8x16_u(v)),
            (std::array<uint16_t, 8>{255, 2, 253, 4, 128, 127, 0, 254}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extend_high_i8x16_u(v)),
            (std::array<uint16_t, 8>{10, 246, 20, 236, 30, 226, 128, 127}));

  V128 w = vec<int16_t>({-1, 1, -32768, 32767, 5, -5, 6, -6});
  EXPECT_EQ(lanes<int32_t>(i32x4_extend_low_i16x8_s(w)), (std::array<int32_t, 4>{-1, 1, -32768, 32767}));
  EXPECT_EQ(lanes<int32_t>(i32x4_extend_high_i16x8_s(w)), (std::array<int32_t, 4>{5, -5, 6, -6}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_extend_low_i16x8_u(w)), (std::array<uint32_t, 4>{65535, 1, 32768, 32767}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_extend_high_i16x8_u(w)), (std::array<uint32_t, 4>{5, 65531, 6, 65530}));

  V128 d = vec<int32_t>({-1, INT32_MIN, 7, INT32_MAX});
  EXPECT_EQ(lanes<int64_t>(i64x2_extend_low_i32x4_s(d)), (std::array<int64_t, 2>{-1, INT32_MIN}));
  EXPECT_EQ(lanes<int64_t>(i64x2_extend_high_i32x4_s(d)), (std::array<int64_t, 2>{7, INT32_MAX}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_extend_low_i32x4_u(d)), (std::array<uint64_t, 2>{0xFFFFFFFFu, 0x80000000u}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_extend_high_i32x4_u(d)), (std::array<uint64_t, 2>{7, 0x7FFFFFFFu}));
}

TEST(SimdExtaddPairwise, AddsAdjacentLanesWithoutOverflow) {
  V128 v = vec<int8_t>({-128, -128, 127, 127, -1, 1, 0, -1, 1, 2, 3, 4, 5, 6, -7, -8});
  EXPECT_EQ(lanes<int16_t>(i16x8_extadd_pairwise_i8x16_s(v)),
            (std::array<int16_t, 8>{-256, 254, 0, -1, 3, 7, 11, -15}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extadd_pairwise_i8x16_u(v)),
            (std::array<uint16_t, 8>{256, 254, 256, 255, 3, 7, 11, 249 + 248}));
  V128 w = vec<int16_t>({-32768, -32768, 32767, 32767, -1, -1, 1, 2});
  EXPECT_EQ(lanes<int32_t>(i32x4_extadd_pairwise_i16x8_s(w)), (std::array<int32_t, 4>{-65536, 65534, -2, 3}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_extadd_pairwise_i16x8_u(w)), (std::array<uint32_t, 4>{65536, 65534, 131070, 3}));
}

TEST(SimdExtmul, ReadsTheRightHalfAndWidensBeforeMultiplying) {
  V128 a = vec<int8_t>({-128, 127, -1, 2, 0, 0, 0, 0, 3, -4, 5, -128, 0, 0, 0, 1});
  V128 b = vec<int8_t>({-128, 127, -1, -3, 9, 9, 9, 9, 3, 4, -5, 127, 9, 9, 9, -1});
  EXPECT_EQ(lanes<int16_t>(i16x8_extmul_low_i8x16_s(a, b)), (std::array<int16_t, 8>{16384, 16129, 1, -6, 0, 0, 0, 0}));
  EXPECT_EQ(lanes<int16_t>(i16x8_extmul_high_i8x16_s(a, b)),
            (std::array<int16_t, 8>{9, -16, -25, -16256, 0, 0, 0, -1}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extmul_low_i8x16_u(a, b)),
            (std::array<uint16_t, 8>{16384, 16129, 65025, 2 * 253, 0, 0, 0, 0}));
  EXPECT_EQ(lanes<uint16_t>(i16x8_extmul_high_i8x16_u(a, b)),
            (std::array<uint16_t, 8>{9, 252 * 4, 5 * 251, 128 * 127, 0, 0, 0, 255}));

  V128 c = vec<int16_t>({-32768, 32767, -1, 3, 7, -7, -32768, 2});
  V128 d = vec<int16_t>({-32768, 32767, -1, -3, 7, 7, 32767, -2});
  EXPECT_EQ(lanes<int32_t>(i32x4_extmul_low_i16x8_s(c, d)), (std::array<int32_t, 4>{1073741824, 1073676289, 1, -9}));
  EXPECT_EQ(lanes<int32_t>(i32x4_extmul_high_i16x8_s(c, d)), (std::array<int32_t, 4>{49, -49, -1073709056, -4}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_extmul_low_i16x8_u(c, d)),
            (std::array<uint32_t, 4>{1073741824u, 1073676289u, 4294836225u, 3u * 65533u}));
  EXPECT_EQ(lanes<uint32_t>(i32x4_extmul_high_i16x8_u(c, d)),
            (std::array<uint32_t, 4>{49u, 65529u * 7u, 32768u * 32767u, 2u * 65534u}));

  V128 e = vec<int32_t>({INT32_MIN, -1, INT32_MAX, 2});
  V128 f = vec<int32_t>({INT32_MIN, -1, INT32_MIN, -3});
  EXPECT_EQ(lanes<int64_t>(i64x2_extmul_low_i32x4_s(e, f)), (std::array<int64_t, 2>{int64_t{1} << 62, 1}));
  EXPECT_EQ(lanes<int64_t>(i64x2_extmul_high_i32x4_s(e, f)),
            (std::array<int64_t, 2>{int64_t{INT32_MAX} * INT32_MIN, -6}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_extmul_low_i32x4_u(e, f)),
            (std::array<uint64_t, 2>{uint64_t{1} << 62, 0xFFFFFFFE00000001ull}));
  EXPECT_EQ(lanes<uint64_t>(i64x2_extmul_high_i32x4_u(e, f)),
            (std::array<uint64_t, 2>{0x7FFFFFFFull * 0x80000000ull, 2ull * 0xFFFFFFFDull}));
}

TEST(SimdDot, PairwiseProductsSumAndTheOneOverflowWraps) {
  V128 a = vec<int16_t>({-32768, -32768, 1, 2, 32767, 32767, -1, 1});
  V128 b = vec<int16_t>({-32768, -32768, 3, 4, 32767, 32767, 5, 6});
  EXPECT_EQ(lanes<int32_t>(i32x4_dot_i16x8_s(a, b)),
            (std::array<int32_t, 4>{INT32_MIN, 11, 2 * 32767 * 32767, 1}));
}

TEST(SimdLoadHelpers, ExtendSplatZero) {
  uint64_t bytes = 0x807F01FF'00FE8001ull;  // little-endian: 01 80 FE 00 FF 01 7F 80
  EXPECT_EQ(lanes<int16_t>(load8x8_s(bytes)), (std::array<int16_t, 8>{1, -128, -2, 0, -1, 1, 127, -128}));
  EXPECT_EQ(lanes<uint16_t>(load8x8_u(bytes)), (std::array<uint16_t, 8>{1, 128, 254, 0, 255, 1, 127, 128}));
  EXPECT_EQ(lanes<int32_t>(load16x4_s(bytes)), (std::array<int32_t, 4>{-32767, 254, 511, -32641}));
  EXPECT_EQ(lanes<uint32_t>(load16x4_u(bytes)), (std::array<uint32_t, 4>{0x8001, 0x00FE, 0x01FF, 0x807F}));
  EXPECT_EQ(lanes<int64_t>(load32x2_s(bytes)), (std::array<int64_t, 2>{0x00FE8001, int32_t(0x807F01FFu)}));
  EXPECT_EQ(lanes<uint64_t>(load32x2_u(bytes)), (std::array<uint64_t, 2>{0x00FE8001u, 0x807F01FFu}));

  EXPECT_EQ(load8_splat(0xAB), vec_all<uint8_t>(0xAB));
  EXPECT_EQ(load16_splat(0xABCD), vec_all<uint16_t>(0xABCD));
  EXPECT_EQ(load32_splat(0x89ABCDEFu), vec_all<uint32_t>(0x89ABCDEFu));
  EXPECT_EQ(load64_splat(0x0123456789ABCDEFull), vec_all<uint64_t>(0x0123456789ABCDEFull));
  EXPECT_EQ(load32_zero(0xDEADBEEFu), vec<uint32_t>({0xDEADBEEFu, 0, 0, 0}));
  EXPECT_EQ(load64_zero(0x0123456789ABCDEFull), vec<uint64_t>({0x0123456789ABCDEFull, 0}));
}

}  // namespace
}  // namespace ironclad::interp::simd
