// Integer scalar operators of src/interp/numerics.h: traps of division, wrapping edge cases,
// counts taken modulo the width.
#include <gtest/gtest.h>

#include "interp/numerics.h"

namespace ironclad::interp {
namespace {

constexpr uint32_t kI32Min = 0x80000000u;
constexpr uint64_t kI64Min = 0x8000000000000000ull;

TEST(ScalarDivision, I32DivideByZeroTrapsAndLeavesOutUntouched) {
  uint32_t out = 1234;
  EXPECT_EQ(i32_div_s(5, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i32_div_u(5, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i32_rem_s(5, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i32_rem_u(5, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i32_div_s(kI32Min, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(out, 1234u);
}

TEST(ScalarDivision, I32SignedOverflowTrapsButRemainderIsZero) {
  uint32_t out = 7;
  EXPECT_EQ(i32_div_s(kI32Min, 0xFFFFFFFFu, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(i32_rem_s(kI32Min, 0xFFFFFFFFu, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(i32_rem_s(5, 0xFFFFFFFFu, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
  // Unsigned division of the same bits is ordinary.
  EXPECT_EQ(i32_div_u(kI32Min, 0xFFFFFFFFu, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
}

TEST(ScalarDivision, I32TruncatesTowardZeroAndRemainderTakesDividendSign) {
  uint32_t out = 0;
  ASSERT_EQ(i32_div_s(static_cast<uint32_t>(-7), 2, out), TrapKind::None);
  EXPECT_EQ(static_cast<int32_t>(out), -3);
  ASSERT_EQ(i32_rem_s(static_cast<uint32_t>(-7), 2, out), TrapKind::None);
  EXPECT_EQ(static_cast<int32_t>(out), -1);
  ASSERT_EQ(i32_rem_s(7, static_cast<uint32_t>(-2), out), TrapKind::None);
  EXPECT_EQ(static_cast<int32_t>(out), 1);
  ASSERT_EQ(i32_div_s(kI32Min, 2, out), TrapKind::None);
  EXPECT_EQ(out, 0xC0000000u);
  ASSERT_EQ(i32_div_u(0xFFFFFFFFu, 2, out), TrapKind::None);
  EXPECT_EQ(out, 0x7FFFFFFFu);
  ASSERT_EQ(i32_rem_u(0x80000001u, 0x10u, out), TrapKind::None);
  EXPECT_EQ(out, 1u);
}

TEST(ScalarDivision, I64TrapsAndEdgeCases) {
  uint64_t out = 99;
  EXPECT_EQ(i64_div_s(1, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i64_div_u(1, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i64_rem_s(1, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i64_rem_u(1, 0, out), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(i64_div_s(kI64Min, ~0ull, out), TrapKind::IntegerOverflow);
  EXPECT_EQ(out, 99u);
  ASSERT_EQ(i64_rem_s(kI64Min, ~0ull, out), TrapKind::None);
  EXPECT_EQ(out, 0u);
  ASSERT_EQ(i64_div_s(static_cast<uint64_t>(-7), 2, out), TrapKind::None);
  EXPECT_EQ(static_cast<int64_t>(out), -3);
  ASSERT_EQ(i64_rem_s(static_cast<uint64_t>(-7), 2, out), TrapKind::None);
  EXPECT_EQ(static_cast<int64_t>(out), -1);
  ASSERT_EQ(i64_div_u(~0ull, 3, out), TrapKind::None);
  EXPECT_EQ(out, 0x5555555555555555ull);
  ASSERT_EQ(i64_rem_u(~0ull, 10, out), TrapKind::None);
  EXPECT_EQ(out, 5u);
}

TEST(ScalarBits, CountsIncludingZero) {
  EXPECT_EQ(i32_clz(0), 32u);
  EXPECT_EQ(i32_ctz(0), 32u);
  EXPECT_EQ(i32_popcnt(0), 0u);
  EXPECT_EQ(i32_clz(1), 31u);
  EXPECT_EQ(i32_clz(kI32Min), 0u);
  EXPECT_EQ(i32_ctz(kI32Min), 31u);
  EXPECT_EQ(i32_popcnt(0xFFFFFFFFu), 32u);
  EXPECT_EQ(i32_popcnt(0x55555555u), 16u);
  EXPECT_EQ(i64_clz(0), 64u);
  EXPECT_EQ(i64_ctz(0), 64u);
  EXPECT_EQ(i64_clz(0x00008000'00000000ull), 16u);
  EXPECT_EQ(i64_ctz(0x00008000'00000000ull), 47u);
  EXPECT_EQ(i64_popcnt(~0ull), 64u);
}

TEST(ScalarBits, ShiftCountsAreModuloWidth) {
  EXPECT_EQ(i32_shl(1, 32), 1u);
  EXPECT_EQ(i32_shl(1, 33), 2u);
  EXPECT_EQ(i32_shl(1, 0xFFFFFFFFu), kI32Min);
  EXPECT_EQ(i32_shr_u(kI32Min, 31), 1u);
  EXPECT_EQ(i32_shr_u(kI32Min, 63), 1u);
  EXPECT_EQ(i32_shr_s(kI32Min, 31), 0xFFFFFFFFu);
  EXPECT_EQ(i32_shr_s(kI32Min, 32), kI32Min);
  EXPECT_EQ(i32_shr_s(0x40000000u, 30), 1u);
  EXPECT_EQ(i64_shl(1, 64), 1u);
  EXPECT_EQ(i64_shl(1, 127), kI64Min);
  EXPECT_EQ(i64_shr_s(kI64Min, 63), ~0ull);
  EXPECT_EQ(i64_shr_s(kI64Min, 64), kI64Min);
  EXPECT_EQ(i64_shr_u(kI64Min, 0x3F + 0x40), 1u);
}

TEST(ScalarBits, RotatesAreModuloWidth) {
  EXPECT_EQ(i32_rotl(0x80000001u, 1), 3u);
  EXPECT_EQ(i32_rotl(0x80000001u, 33), 3u);
  EXPECT_EQ(i32_rotr(3u, 1), 0x80000001u);
  EXPECT_EQ(i32_rotr(3u, 0xFFFFFFE1u), 0x80000001u);
  EXPECT_EQ(i32_rotl(0x12345678u, 0), 0x12345678u);
  EXPECT_EQ(i32_rotl(0xabcd9876u, 1), 0x579b30edu);
  EXPECT_EQ(i64_rotl(0xabd1234ef567809cull, 63), 0x55e891a77ab3c04eull);
  EXPECT_EQ(i64_rotr(0xabd1234ef567809cull, 0x800000000000003full), 0x57a2469deacf0139ull);
  EXPECT_EQ(i64_rotl(1, 64), 1u);
}

TEST(ScalarBits, SignExtension) {
  EXPECT_EQ(i32_extend8_s(0x80), 0xFFFFFF80u);
  EXPECT_EQ(i32_extend8_s(0x1237F), 0x7Fu);
  EXPECT_EQ(i32_extend16_s(0x8000), 0xFFFF8000u);
  EXPECT_EQ(i64_extend8_s(0xFF), ~0ull);
  EXPECT_EQ(i64_extend16_s(0x7FFF), 0x7FFFu);
  EXPECT_EQ(i64_extend32_s(0x80000000ull), 0xFFFFFFFF80000000ull);
  EXPECT_EQ(i64_extend32_s(0xFFFFFFFF7FFFFFFFull), 0x7FFFFFFFull);
  EXPECT_EQ(i64_extend_i32_s(kI32Min), 0xFFFFFFFF80000000ull);
  EXPECT_EQ(i64_extend_i32_u(kI32Min), 0x80000000ull);
  EXPECT_EQ(i32_wrap_i64(0x1'2345'6789ull), 0x23456789u);
}

}  // namespace
}  // namespace ironclad::interp
