// Linear memory under every tier (interp_tests and jit_tests): every load/store width and
// extension, the fused address and read-modify-write forms of the interpreter, the bounds
// at the last byte and beyond (64-bit effective addresses), memory.size/grow and the bulk
// operations with passive data segments.
#include "test_support.h"

namespace ironclad::testing {
namespace {

class MemoryTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_memory"};
};

TEST_F(MemoryTest, LoadsExtendBySignOrZero) {
  EXPECT_EQ(h.i32("load8_s", {I32(24)}), 0xFFFFFFFFu);
  EXPECT_EQ(h.i32("load8_u", {I32(24)}), 0xFFu);
  EXPECT_EQ(h.i32("load16_s", {I32(24)}), 0xFFFFFEFFu);
  EXPECT_EQ(h.i32("load32", {I32(0)}), 0x04030201u);
  EXPECT_EQ(h.i64("load64"), 0x0807060504030201ull);
  EXPECT_EQ(h.i64("load32_s_64", {I32(22)}), 0xFFFFFFFFFEFF0807ull);
}

TEST_F(MemoryTest, StoresWriteTheirWidthOnly) {
  auto r = h.call("store_load_f64", {F64(-2.5)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].f64, -2.5);
  EXPECT_EQ(h.i32("store16_load", {I32(0x12345678)}), 0x5678u);
}

TEST_F(MemoryTest, BoundsAreCheckedWithoutWrapping) {
  EXPECT_EQ(h.i32("last_byte"), 0u);
  EXPECT_EQ(h.trap("past_end", {I32(65533)}), TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(h.trap("past_end", {I32(0xFFFFFFFF)}), TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(h.trap("offset_wrap"), TrapKind::OutOfBoundsMemoryAccess);
}

TEST_F(MemoryTest, FusedAddressSumsWrapAndOperandsFromMemoryAreChecked) {
  EXPECT_EQ(h.i32("load_sum", {I32(0xFFFFFFFF), I32(17)}), 0x02u);  // (16) + offset 1
  EXPECT_EQ(h.i32("load_sum_imm", {I32(0xFFFFFFFF)}), 0x01u);       // wraps to 16
  EXPECT_EQ(h.i32("add_loaded", {I32(16), I32(1)}), 0x04030202u);
  auto t = h.call("add_loaded", {I32(65534), I32(1)});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().trap, TrapKind::OutOfBoundsMemoryAccess);
  // (Where the interpreter reports this trap is checked in interp_only_test.cpp.)
  auto r = h.call("store_load_f64", {F64(4.0)});
  ASSERT_TRUE(r.ok());
  auto m = h.call("loaded_mul", {I32(108), F64(0.5)});
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)[0].f64, 2.0);
}

TEST_F(MemoryTest, ReadModifyWriteOfOneLocation) {
  auto r = h.call("accumulate", {I32(512), F64(1.25)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].f64, 2.5);
  EXPECT_EQ(h.i32("add_elsewhere", {I32(16)}), 0x04030202u);  // mem[20] = mem[16] + 1
  EXPECT_EQ(h.trap("accumulate", {I32(65530), F64(1)}), TrapKind::OutOfBoundsMemoryAccess);
}

TEST_F(MemoryTest, ArrayElementsThroughScaledIndexes) {
  EXPECT_EQ(h.i32("element", {I32(12), I32(1)}), 0x04030201u);  // 12 + 4
  EXPECT_EQ(h.i32("element", {I32(16), I32(0x40000000)}), 0x04030201u);  // the shift wraps
  // shift count 33 is 1 (mod 32): 14 + 2*1 + offset 2 = 18 -> bytes 03 04
  EXPECT_EQ(h.i32("element_commuted", {I32(14), I32(1)}), 0x0403u);
  EXPECT_EQ(h.i32("scaled_sum", {I32(5), I32(2)}), 21u);
  EXPECT_EQ(h.trap("element", {I32(65532), I32(1)}), TrapKind::OutOfBoundsMemoryAccess);
}

TEST_F(MemoryTest, LocalPlusConstantAddressesAndValues) {
  EXPECT_EQ(h.i32("store_at_minus", {I32(1004), I32(0x1AB)}), 0xABu);
  // 0 - 4 wraps to 0xFFFFFFFC: out of bounds, not address -4 + something in range
  EXPECT_EQ(h.trap("store_at_minus", {I32(0), I32(1)}), TrapKind::OutOfBoundsMemoryAccess);
  // (x + 3) is read before x changes: (5 + 3) * (7 + 5)
  EXPECT_EQ(h.i32("plus_value", {I32(5)}), 96u);
}

TEST_F(MemoryTest, GrowIsSeenByLaterAccessesAndRespectsTheMaximum) {
  EXPECT_EQ(h.i32("size"), 1u);
  EXPECT_EQ(h.trap("past_end", {I32(70000)}), TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(h.i32("grow", {I32(1)}), 1u);
  EXPECT_EQ(h.i32("size"), 2u);
  EXPECT_EQ(h.i32("past_end", {I32(70000)}), 0u);
  EXPECT_EQ(h.i32("grow", {I32(5)}), 0xFFFFFFFFu);  // beyond the declared max of 3
  EXPECT_EQ(h.i32("size"), 2u);
}

TEST_F(MemoryTest, BulkFillCopyInitAndDrop) {
  EXPECT_EQ(h.i64("fill_copy"), 0x04030201ABABull | (0ull << 48));
  EXPECT_EQ(h.i64("init"), 0x6F6C6C65ull);  // "ello"
  // After data.drop the segment is empty: a non-empty init is out of bounds.
  EXPECT_EQ(h.trap("drop_then_init"), TrapKind::OutOfBoundsMemoryAccess);
}

}  // namespace
}  // namespace ironclad::testing
