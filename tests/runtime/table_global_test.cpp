// Tables and globals as the store creates them.
#include <gtest/gtest.h>

#include "test_support.h"

namespace ironclad::runtime {
namespace {

using testing::make_store;

wasm::TableType table_type(uint64_t min, std::optional<uint64_t> max = std::nullopt,
                           ValType elem = ValType::FuncRef) {
  return wasm::TableType{elem, {min, max}};
}

TEST(Table, StartsAtTheMinimumFilledWithTheInitialValue) {
  auto store = make_store();
  Table* t = store->create_table(table_type(3, 5, ValType::ExternRef), Ref{0x1234});
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->elements.size(), 3u);
  for (Ref r : t->elements) EXPECT_EQ(r.bits, 0x1234u);
  EXPECT_EQ(t->elem_type(), ValType::ExternRef);
}

TEST(Table, GrowReturnsTheOldSizeAndFillsWithTheGivenReference) {
  auto store = make_store();
  Table* t = store->create_table(table_type(1), Ref{});
  EXPECT_EQ(t->grow(2, Ref{7}), 1);
  ASSERT_EQ(t->elements.size(), 3u);
  EXPECT_TRUE(t->elements[0].is_null());
  EXPECT_EQ(t->elements[1].bits, 7u);
  EXPECT_EQ(t->elements[2].bits, 7u);
  EXPECT_EQ(t->grow(0, Ref{}), 3);
}

TEST(Table, GrowStopsAtTheDeclaredMaximum) {
  auto store = make_store();
  Table* t = store->create_table(table_type(1, 4), Ref{});
  EXPECT_EQ(t->grow(4, Ref{}), -1);
  EXPECT_EQ(t->elements.size(), 1u);
  EXPECT_EQ(t->grow(3, Ref{}), 1);
  EXPECT_EQ(t->grow(1, Ref{}), -1);
}

TEST(Table, GrowStopsAtTheStoreCap) {
  StoreLimits limits;
  limits.max_table_elements = 10;
  auto store = make_store(limits);
  Table* t = store->create_table(table_type(2), Ref{});
  EXPECT_EQ(t->grow(9, Ref{}), -1);
  EXPECT_EQ(t->grow(8, Ref{}), 2);
  EXPECT_EQ(t->grow(UINT64_MAX, Ref{}), -1);
  EXPECT_EQ(t->elements.size(), 10u);
}

TEST(Table, CreationOverTheCapGivesNull) {
  StoreLimits limits;
  limits.max_table_elements = 10;
  auto store = make_store(limits);
  EXPECT_EQ(store->create_table(table_type(11), Ref{}), nullptr);
  EXPECT_NE(store->create_table(table_type(10), Ref{}), nullptr);
}

TEST(Table, CurrentTypeReportsTheSizeAndDeclaredMax) {
  auto store = make_store();
  Table* t = store->create_table(table_type(1, 9), Ref{});
  ASSERT_EQ(t->grow(2, Ref{}), 1);
  wasm::TableType type = t->current_type();
  EXPECT_EQ(type.limits.min, 3u);
  EXPECT_EQ(type.limits.max, std::optional<uint64_t>(9));
  EXPECT_EQ(type.elem_type, ValType::FuncRef);
}

TEST(Global, KeepsItsTypeAndValue) {
  auto store = make_store();
  Global* g = store->create_global(wasm::GlobalType{ValType::I64, true}, Value::from_i64(99));
  EXPECT_EQ(g->type.type, ValType::I64);
  EXPECT_TRUE(g->type.mutable_);
  EXPECT_EQ(g->value.i64, 99u);
  g->value.i64 = 100;
  EXPECT_EQ(g->value.i64, 100u);
}

TEST(Global, TheDeclaredTypeTagsTheValue) {
  auto store = make_store();
  Value v = Value::from_i32(0);  // a host passing an untyped zero
  Global* g = store->create_global(wasm::GlobalType{ValType::F32, false}, v);
  EXPECT_EQ(g->value.type, ValType::F32);
}

TEST(StoreTypes, InterningIsStructural) {
  auto store = make_store();
  wasm::FuncType a{{ValType::I32, ValType::I64}, {ValType::F32}};
  wasm::FuncType b = a;
  wasm::FuncType swapped{{ValType::I64, ValType::I32}, {ValType::F32}};
  wasm::FuncType moved{{ValType::I32}, {ValType::I64, ValType::F32}};
  uint32_t ia = store->intern_type(a);
  EXPECT_EQ(store->intern_type(b), ia);
  EXPECT_NE(store->intern_type(swapped), ia);
  EXPECT_NE(store->intern_type(moved), ia);  // a param moved to the results differs
  EXPECT_EQ(store->type_of(ia), a);
}

TEST(StoreTypes, HostFunctionsCarryTheCanonicalType) {
  auto store = make_store();
  wasm::FuncType t{{ValType::I32}, {}};
  FunctionInstance* f = store->create_host_function(t, nullptr);
  FunctionInstance* g = store->create_host_function(t, nullptr);
  EXPECT_EQ(f->type_id, g->type_id);
  EXPECT_EQ(f->type, g->type);
  EXPECT_TRUE(f->is_host());
  EXPECT_EQ(FunctionInstance::from_ref(f->as_ref()), f);
}

}  // namespace
}  // namespace ironclad::runtime
