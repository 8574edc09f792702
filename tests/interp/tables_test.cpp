// Tables and references under every tier (interp_tests and jit_tests): call_indirect,
// table.get/set/size/grow/fill/copy/init, elem.drop, ref.func / ref.null / ref.is_null,
// externref round trips and typed select.
#include "test_support.h"

namespace ironclad::testing {
namespace {

class TableTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }
  Harness h{"interp_tables"};
};

TEST_F(TableTest, CallIndirectReachesActiveSegmentEntries) {
  EXPECT_EQ(h.i32("call_at", {I32(0)}), 1u);
  EXPECT_EQ(h.i32("call_at", {I32(1)}), 2u);
  EXPECT_EQ(h.trap("call_at", {I32(2)}), TrapKind::UninitializedElement);
  EXPECT_EQ(h.trap("call_at", {I32(4)}), TrapKind::UndefinedElement);
}

TEST_F(TableTest, GrowExtendsUpToTheMaximum) {
  EXPECT_EQ(h.i32("size_a"), 4u);
  EXPECT_EQ(h.i32("grow_a", {I32(2)}), 4u);
  EXPECT_EQ(h.i32("size_a"), 6u);
  EXPECT_EQ(h.i32("call_at", {I32(5)}), 2u);  // filled with the init value ($two)
  EXPECT_EQ(h.i32("grow_a", {I32(5)}), 0xFFFFFFFFu);
}

TEST_F(TableTest, InitCopyFillAndDrop) {
  EXPECT_EQ(h.i32("init_then_call"), 3u + 10u * 1u);
  EXPECT_EQ(h.i32("copy_then_call"), 2u);  // entries 0,1 ($one,$two) copied to 1,2
  EXPECT_EQ(h.trap("fill_null_then_call"), TrapKind::UninitializedElement);
  EXPECT_EQ(h.trap("drop_then_init"), TrapKind::OutOfBoundsTableAccess);
}

TEST_F(TableTest, ReferencesRoundTrip) {
  EXPECT_EQ(h.i32("set_get_extern", {Value::from_ref(ValType::ExternRef, Ref{42})}), 0u);
  EXPECT_EQ(h.i32("set_get_extern", {Value::from_ref(ValType::ExternRef, Ref{})}), 1u);
  EXPECT_EQ(h.i32("is_null_func"), 0u);
  auto r = h.call("select_ref", {I32(1)});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].ref.is_null());
  auto n = h.call("select_ref", {I32(0)});
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE((*n)[0].ref.is_null());
}

}  // namespace
}  // namespace ironclad::testing
