// Import matching (WebAssembly 2.0 "import subtyping"): every rule accepts what it should
// and rejects, with "incompatible import type", what breaks it.
#include "runtime/import_matching.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace ironclad::runtime {
namespace {

using namespace testing;

Result<Instance*> instantiate_with(Store& store, ModuleBuilder& b, Extern value) {
  return store.instantiate(b.build(), {value});
}

void expect_incompatible(const Result<Instance*>& r, const std::string& detail) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Link);
  EXPECT_NE(r.error().message.find("incompatible import type"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(detail), std::string::npos) << r.error().message;
}

TEST(LimitsMatch, FollowsTheSpecRule) {
  using L = wasm::Limits;
  EXPECT_TRUE(limits_match(L{2, std::nullopt}, L{1, std::nullopt}));
  EXPECT_TRUE(limits_match(L{1, std::nullopt}, L{1, std::nullopt}));
  EXPECT_FALSE(limits_match(L{0, std::nullopt}, L{1, std::nullopt}));  // min too small
  EXPECT_TRUE(limits_match(L{1, 3}, L{1, std::nullopt}));              // any max fits none
  EXPECT_FALSE(limits_match(L{1, std::nullopt}, L{1, 3}));             // max required
  EXPECT_TRUE(limits_match(L{1, 3}, L{1, 3}));
  EXPECT_TRUE(limits_match(L{1, 2}, L{1, 3}));
  EXPECT_FALSE(limits_match(L{1, 4}, L{1, 3}));  // max too large
}

TEST(ImportMatching, FunctionTypesMustBeEqual) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_func("env", "f", b.type({ValType::I32}, {ValType::I64}));
  auto exact = store->create_host_function({{ValType::I32}, {ValType::I64}}, nullptr);
  EXPECT_TRUE(instantiate_with(*store, b, func_extern(exact)).ok());

  auto other_params = store->create_host_function({{ValType::I64}, {ValType::I64}}, nullptr);
  expect_incompatible(instantiate_with(*store, b, func_extern(other_params)),
                      "import 0 \"env\" \"f\" (func): expected (i32) -> (i64), got (i64) -> (i64)");
  auto other_results = store->create_host_function({{ValType::I32}, {}}, nullptr);
  expect_incompatible(instantiate_with(*store, b, func_extern(other_results)), "got (i32) -> ()");
}

TEST(ImportMatching, KindsMustAgree) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_func("env", "f", b.type({}, {}));
  Global* g = store->create_global({ValType::I32, false}, Value::from_i32(0));
  expect_incompatible(instantiate_with(*store, b, global_extern(g)), "expected func, got a global");
}

TEST(ImportMatching, TableLimitsFollowSubtyping) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_table("env", "t", wasm::TableType{ValType::FuncRef, {2, 4}});
  auto table = [&](uint64_t min, std::optional<uint64_t> max, ValType elem = ValType::FuncRef) {
    return table_extern(store->create_table(wasm::TableType{elem, {min, max}}, Ref{}));
  };
  EXPECT_TRUE(instantiate_with(*store, b, table(2, 4)).ok());
  EXPECT_TRUE(instantiate_with(*store, b, table(3, 3)).ok());
  expect_incompatible(instantiate_with(*store, b, table(1, 4)), "got table funcref {min 1, max 4}");
  expect_incompatible(instantiate_with(*store, b, table(2, 5)), "max 5");
  expect_incompatible(instantiate_with(*store, b, table(2, std::nullopt)), "{min 2}");
  expect_incompatible(instantiate_with(*store, b, table(2, 4, ValType::ExternRef)), "externref");
}

TEST(ImportMatching, TableMinimumIsTheCurrentSize) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_table("env", "t", wasm::TableType{ValType::FuncRef, {3, std::nullopt}});
  Table* t = store->create_table(wasm::TableType{ValType::FuncRef, {1, std::nullopt}}, Ref{});
  expect_incompatible(instantiate_with(*store, b, table_extern(t)), "min 1");
  ASSERT_EQ(t->grow(2, Ref{}), 1);
  EXPECT_TRUE(instantiate_with(*store, b, table_extern(t)).ok());
}

TEST(ImportMatching, MemoryLimitsFollowSubtyping) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_memory("env", "m", wasm::MemoryType{{1, 2}});
  auto memory = [&](uint64_t min, std::optional<uint64_t> max) {
    return memory_extern(*store->create_memory(wasm::MemoryType{{min, max}}));
  };
  EXPECT_TRUE(instantiate_with(*store, b, memory(1, 2)).ok());
  EXPECT_TRUE(instantiate_with(*store, b, memory(2, 2)).ok());
  expect_incompatible(instantiate_with(*store, b, memory(0, 2)), "got memory {min 0, max 2}");
  expect_incompatible(instantiate_with(*store, b, memory(1, 3)), "max 3");
  expect_incompatible(instantiate_with(*store, b, memory(1, std::nullopt)),
                      "expected memory {min 1, max 2}, got memory {min 1}");
}

TEST(ImportMatching, MemoryMinimumIsTheCurrentSize) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_memory("env", "m", wasm::MemoryType{{2, std::nullopt}});
  Memory* m = *store->create_memory(wasm::MemoryType{{1, std::nullopt}});
  expect_incompatible(instantiate_with(*store, b, memory_extern(m)), "min 1");
  ASSERT_EQ(m->grow(1), 1);
  EXPECT_TRUE(instantiate_with(*store, b, memory_extern(m)).ok());
}

TEST(ImportMatching, GlobalTypeAndMutabilityMustBeEqual) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_global("env", "g", wasm::GlobalType{ValType::I32, true});
  auto global = [&](ValType t, bool mut) {
    return global_extern(store->create_global({t, mut}, Value::zero(t)));
  };
  EXPECT_TRUE(instantiate_with(*store, b, global(ValType::I32, true)).ok());
  expect_incompatible(instantiate_with(*store, b, global(ValType::I32, false)),
                      "expected global (mut i32), got global i32");
  expect_incompatible(instantiate_with(*store, b, global(ValType::I64, true)), "(mut i64)");

  ModuleBuilder immutable;
  immutable.import_global("env", "g", wasm::GlobalType{ValType::F64, false});
  EXPECT_TRUE(instantiate_with(*store, immutable, global(ValType::F64, false)).ok());
  expect_incompatible(instantiate_with(*store, immutable, global(ValType::F64, true)),
                      "got global (mut f64)");
}

TEST(ImportMatching, NullValuesAreRejectedNotDereferenced) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_table("env", "t", wasm::TableType{ValType::FuncRef, {0, std::nullopt}});
  auto r = instantiate_with(*store, b, table_extern(nullptr));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_NE(r.error().message.find("null table"), std::string::npos) << r.error().message;
}

TEST(ImportMatching, AFunctionOfAnotherStoreIsRejected) {
  auto store = make_store();
  auto other = make_store();
  other->intern_type({{ValType::F64}, {}});  // make the other store's ids differ
  ModuleBuilder b;
  b.import_func("env", "f", b.type({ValType::I32}, {}));
  FunctionInstance* foreign = other->create_host_function({{ValType::I32}, {}}, nullptr);
  auto r = instantiate_with(*store, b, func_extern(foreign));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_NE(r.error().message.find("another store"), std::string::npos) << r.error().message;
}

TEST(ImportMatching, TheImportCountMustMatch) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_func("env", "f", b.type({}, {}));
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Link);
  EXPECT_NE(r.error().message.find("1 imports but 0"), std::string::npos) << r.error().message;
}

TEST(ImportMatching, AFailedMatchCreatesNoInstance) {
  auto store = make_store();
  ModuleBuilder b;
  b.import_func("env", "f", b.type({ValType::I32}, {}));
  b.memory(1);
  auto wrong = store->create_host_function({{}, {}}, nullptr);
  EXPECT_FALSE(instantiate_with(*store, b, func_extern(wrong)).ok());
  EXPECT_TRUE(tier_of(*store).instantiated.empty());
}

}  // namespace
}  // namespace ironclad::runtime
