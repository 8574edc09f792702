// Store::instantiate on modules built in memory: allocation, constant expressions,
// element and data segments (order, bounds traps, drops), the start function.
#include <gtest/gtest.h>

#include <cstring>

#include "test_support.h"

namespace ironclad::runtime {
namespace {

using namespace testing;

Instance* must(Result<Instance*> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : nullptr;
}

TEST(Instantiate, AllocatesEveryDefinedEntity) {
  auto store = make_store();
  ModuleBuilder b;
  uint32_t t = b.type({ValType::I32}, {});
  b.func(t);
  b.func(t);
  b.table(ValType::FuncRef, 2, 8);
  b.memory(1, 2);
  b.global(ValType::I64, true, i64_const(-5));
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  ASSERT_EQ(inst->funcs.size(), 2u);
  EXPECT_EQ(inst->funcs[1]->instance, inst);
  EXPECT_EQ(inst->funcs[1]->func_index, 1u);
  EXPECT_EQ(*inst->funcs[0]->type, (wasm::FuncType{{ValType::I32}, {}}));
  EXPECT_EQ(inst->funcs[0]->type_id, store->intern_type(wasm::FuncType{{ValType::I32}, {}}));
  ASSERT_EQ(inst->tables.size(), 1u);
  EXPECT_EQ(inst->tables[0]->elements.size(), 2u);
  EXPECT_TRUE(inst->tables[0]->elements[0].is_null());
  ASSERT_EQ(inst->memories.size(), 1u);
  EXPECT_EQ(inst->memories[0]->pages(), 1u);
  ASSERT_EQ(inst->globals.size(), 1u);
  EXPECT_EQ(static_cast<int64_t>(inst->globals[0]->value.i64), -5);
  EXPECT_EQ(tier_of(*store).instantiated, std::vector<Instance*>{inst});
}

TEST(Instantiate, TypeIdsAreCanonicalAcrossModulesAndHostFunctions) {
  auto store = make_store();
  ModuleBuilder a;
  uint32_t a_void = a.type({}, {});
  uint32_t a_i32 = a.type({ValType::I32}, {ValType::I32});
  a.func(a_i32);
  ModuleBuilder b;
  uint32_t b_i32 = b.type({ValType::I32}, {ValType::I32});
  uint32_t b_dup = b.type({ValType::I32}, {ValType::I32});  // a duplicate type entry
  Instance* ia = must(store->instantiate(a.build(), {}));
  Instance* ib = must(store->instantiate(b.build(), {}));
  ASSERT_TRUE(ia && ib);
  ASSERT_EQ(ia->type_ids.size(), 2u);
  EXPECT_NE(ia->type_ids[a_void], ia->type_ids[a_i32]);
  EXPECT_EQ(ia->type_ids[a_i32], ib->type_ids[b_i32]);
  EXPECT_EQ(ib->type_ids[b_i32], ib->type_ids[b_dup]);
  EXPECT_EQ(ia->funcs[0]->type_id, ib->type_ids[b_dup]);
  FunctionInstance* host = store->create_host_function({{ValType::I32}, {ValType::I32}}, nullptr);
  EXPECT_EQ(host->type_id, ia->type_ids[a_i32]);
}

TEST(Instantiate, GlobalInitialisersSeeImportedGlobalsAndFunctions) {
  auto store = make_store();
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  b.import_global("env", "base", {ValType::I32, false});
  uint32_t f = b.func(t);
  b.global(ValType::I32, false, global_get(0));
  b.global(ValType::FuncRef, false, ref_func(f));
  b.global(ValType::ExternRef, true, ref_null(ValType::ExternRef));
  b.global(ValType::F64, false, f64_const(2.5));
  Global* base = store->create_global({ValType::I32, false}, Value::from_i32(1234));
  Instance* inst = must(store->instantiate(b.build(), {global_extern(base)}));
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->globals[0], base);  // imports are shared, not copied
  EXPECT_EQ(inst->globals[1]->value.i32, 1234u);
  EXPECT_EQ(FunctionInstance::from_ref(inst->globals[2]->value.ref), inst->funcs[f]);
  EXPECT_TRUE(inst->globals[3]->value.ref.is_null());
  EXPECT_EQ(inst->globals[3]->value.type, ValType::ExternRef);
  EXPECT_EQ(inst->globals[4]->value.f64, 2.5);
}

TEST(Instantiate, AnIllTypedInitialiserIsAnErrorNotACrash) {
  auto store = make_store();
  ModuleBuilder b;
  b.global(ValType::I32, false, i64_const(1));
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("initialiser of global 0"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("expected a value of type i32, got i64"), std::string::npos);
}

TEST(Instantiate, ANonConstantInstructionIsRejected) {
  auto store = make_store();
  ModuleBuilder b;
  wasm::ConstExpr add = i32_const(1);
  add.bytes.push_back(0x41);
  add.bytes.push_back(0x02);
  add.bytes.push_back(0x6A);  // i32.add
  b.global(ValType::I32, false, add);
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("i32.add is not constant"), std::string::npos)
      << r.error().message;
}

TEST(Instantiate, VectorAndFloatConstantsInitialiseGlobals) {
  auto store = make_store();
  ModuleBuilder b;
  wasm::ConstExpr v128{0, {0xFD, 0x0C}};  // v128.const with bytes 0..15
  for (uint8_t i = 0; i < 16; ++i) v128.bytes.push_back(i);
  wasm::ConstExpr f32{0, {0x43, 0x00, 0x00, 0xC0, 0x7F}};  // f32.const nan (bits 0x7fc00000)
  b.global(ValType::V128, false, v128);
  b.global(ValType::F32, false, f32);
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(inst->globals[0]->value.v128.bytes[i], i);
  EXPECT_EQ(inst->globals[1]->value.i32, 0x7FC00000u);  // bits preserved exactly
}

TEST(Instantiate, ATruncatedConstantExpressionIsAnError) {
  auto store = make_store();
  ModuleBuilder b;
  b.global(ValType::I32, false, wasm::ConstExpr{0, {0x41, 0x80}});  // LEB cut short
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("initialiser of global 0"), std::string::npos)
      << r.error().message;
  ModuleBuilder empty;
  empty.global(ValType::I32, false, wasm::ConstExpr{});
  auto e = store->instantiate(empty.build(), {});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("expected one value, got 0"), std::string::npos)
      << e.error().message;
}

TEST(Instantiate, ConstantExpressionsAreReadFromTheModuleBytes) {
  // The expression's bytes sit in the module followed by `end`: the decoder reads them
  // there (so errors carry real module offsets).
  auto store = make_store();
  ModuleBuilder b;
  wasm::ConstExpr e = i32_const(77);
  b.m->bytes = {0x00, 0x00};
  e.offset = static_cast<uint32_t>(b.m->bytes.size());
  b.m->bytes.insert(b.m->bytes.end(), e.bytes.begin(), e.bytes.end());
  b.m->bytes.push_back(0x0B);
  b.global(ValType::I32, false, e);
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->globals[0]->value.i32, 77u);
}

TEST(Instantiate, ActiveElementSegmentsFillTheTableAndAreDropped) {
  auto store = make_store();
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  uint32_t f0 = b.func(t), f1 = b.func(t);
  b.table(ValType::FuncRef, 5);
  b.active_elem(0, 2, {f1, f0});
  uint32_t passive = b.elem(wasm::SegmentMode::Passive, {ref_func(f0), ref_null(ValType::FuncRef)});
  uint32_t declarative = b.elem(wasm::SegmentMode::Declarative, {ref_func(f1)});
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  const auto& el = inst->tables[0]->elements;
  EXPECT_TRUE(el[0].is_null());
  EXPECT_TRUE(el[1].is_null());
  EXPECT_EQ(FunctionInstance::from_ref(el[2]), inst->funcs[f1]);
  EXPECT_EQ(FunctionInstance::from_ref(el[3]), inst->funcs[f0]);
  EXPECT_TRUE(el[4].is_null());
  EXPECT_EQ(inst->elem_dropped, (std::vector<bool>{true, false, true}));
  EXPECT_TRUE(inst->elem_refs[0].empty());
  EXPECT_TRUE(inst->elem_refs[declarative].empty());
  ASSERT_EQ(inst->elem_refs[passive].size(), 2u);  // kept for table.init
  EXPECT_EQ(FunctionInstance::from_ref(inst->elem_refs[passive][0]), inst->funcs[f0]);
  EXPECT_TRUE(inst->elem_refs[passive][1].is_null());
}

TEST(Instantiate, ActiveDataSegmentsFillMemoryAndAreDropped) {
  auto store = make_store();
  ModuleBuilder b;
  b.memory(1);
  b.data(wasm::SegmentMode::Active, 0, 10, "abc");
  b.data(wasm::SegmentMode::Passive, 0, 0, "zz");
  b.data(wasm::SegmentMode::Active, 0, 11, "XY");  // later segments overwrite earlier ones
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(std::memcmp(inst->memories[0]->base + 10, "aXY", 3), 0);
  EXPECT_EQ(inst->memories[0]->base[9], 0);
  EXPECT_EQ(inst->data_dropped, (std::vector<bool>{true, false, true}));
}

TEST(Instantiate, ADataSegmentOutOfBoundsTrapsAndKeepsEarlierWrites) {
  auto store = make_store();
  Memory* shared = *store->create_memory(wasm::MemoryType{{1, std::nullopt}});
  ModuleBuilder b;
  b.import_memory("env", "mem", wasm::MemoryType{{1, std::nullopt}});
  b.data(wasm::SegmentMode::Active, 0, 0, "first");
  b.data(wasm::SegmentMode::Active, 0, static_cast<int32_t>(kPageSize - 2), "xyz");
  b.data(wasm::SegmentMode::Active, 0, 100, "never");
  auto r = store->instantiate(b.build(), {memory_extern(shared)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(r.error().message.rfind("out of bounds memory access", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("data segment 1"), std::string::npos) << r.error().message;
  EXPECT_EQ(std::memcmp(shared->base, "first", 5), 0);  // the earlier segment stays
  EXPECT_EQ(shared->base[kPageSize - 2], 0);            // nothing of the failing one
  EXPECT_EQ(shared->base[100], 0);                      // nor of later ones
}

TEST(Instantiate, ANegativeOffsetIsReadUnsignedAndTraps) {
  auto store = make_store();
  ModuleBuilder b;
  b.memory(1);
  b.data(wasm::SegmentMode::Active, 0, -1, "a");
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsMemoryAccess);
}

TEST(Instantiate, AnEmptySegmentAtTheEndIsInBoundsButOnePastTraps) {
  auto store = make_store();
  ModuleBuilder ok;
  ok.memory(1);
  ok.data(wasm::SegmentMode::Active, 0, static_cast<int32_t>(kPageSize), "");
  ok.table(ValType::FuncRef, 3);
  ok.elem(wasm::SegmentMode::Active, {});
  ok.m->elements[0].offset = i32_const(3);
  EXPECT_TRUE(store->instantiate(ok.build(), {}).ok());

  ModuleBuilder past_memory;
  past_memory.memory(1);
  past_memory.data(wasm::SegmentMode::Active, 0, static_cast<int32_t>(kPageSize + 1), "");
  auto r = store->instantiate(past_memory.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsMemoryAccess);

  ModuleBuilder past_table;
  past_table.table(ValType::FuncRef, 3);
  past_table.elem(wasm::SegmentMode::Active, {});
  past_table.m->elements[0].offset = i32_const(4);
  auto t = store->instantiate(past_table.build(), {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().trap, TrapKind::OutOfBoundsTableAccess);
}

TEST(Instantiate, AnElementSegmentOutOfBoundsTrapsAndKeepsEarlierWritesInAnImportedTable) {
  auto store = make_store();
  Table* shared = store->create_table(wasm::TableType{ValType::FuncRef, {4, std::nullopt}}, Ref{});
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  b.import_table("env", "tab", wasm::TableType{ValType::FuncRef, {4, std::nullopt}});
  uint32_t f = b.func(t);
  b.active_elem(0, 0, {f});
  b.active_elem(0, 3, {f, f});  // 3 + 2 > 4
  b.memory(1);
  b.data(wasm::SegmentMode::Active, 0, 0, "x");  // data comes after elements: never applied
  auto r = store->instantiate(b.build(), {table_extern(shared)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsTableAccess);
  EXPECT_EQ(r.error().message.rfind("out of bounds table access", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("element segment 1"), std::string::npos);
  // The first segment's function stays in the imported table and stays callable data:
  // the store keeps the failed instance alive.
  ASSERT_FALSE(shared->elements[0].is_null());
  FunctionInstance* kept = FunctionInstance::from_ref(shared->elements[0]);
  EXPECT_EQ(kept->func_index, f);
  ASSERT_NE(kept->instance, nullptr);
  EXPECT_EQ(kept->instance->memories[0]->base[0], 0);
  EXPECT_TRUE(shared->elements[3].is_null());
}

TEST(Instantiate, TheStartFunctionRunsAfterSegmentsThroughTheTier) {
  auto store = make_store();
  Memory* mem = *store->create_memory(wasm::MemoryType{{1, std::nullopt}});
  uint8_t seen = 0;
  FunctionInstance* start = store->create_host_function(
      {{}, {}}, [&](HostContext&, const Value*, Value*) -> Result<void> {
        seen = mem->base[0];  // the data segment is already there
        return {};
      });
  ModuleBuilder b;
  uint32_t s = b.import_func("env", "start", b.type({}, {}));
  b.import_memory("env", "mem", wasm::MemoryType{{1, std::nullopt}});
  b.data(wasm::SegmentMode::Active, 0, 0, "Q");
  b.m->start = s;
  Instance* inst = must(store->instantiate(b.build(), {func_extern(start), memory_extern(mem)}));
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(seen, 'Q');
  EXPECT_EQ(tier_of(*store).calls, 1);
}

TEST(Instantiate, ATrappingStartFunctionFailsInstantiation) {
  auto store = make_store();
  FunctionInstance* start =
      store->create_host_function({{}, {}}, [](HostContext&, const Value*, Value*) -> Result<void> {
        return Error::make_trap(TrapKind::Unreachable);
      });
  ModuleBuilder b;
  b.m->start = b.import_func("env", "start", b.type({}, {}));
  auto r = store->instantiate(b.build(), {func_extern(start)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::Unreachable);
}

TEST(Instantiate, AWasmStartFunctionIsDispatchedToTheTier) {
  // The host-only tier refuses wasm functions, so its error proves the start function of
  // the module itself was handed to the tier.
  auto store = make_store();
  ModuleBuilder b;
  b.func(b.type({}, {}));
  b.m->start = 0;
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot run wasm function 0"), std::string::npos);
}

TEST(Instantiate, TheTierHearsOfEveryInstanceItPreparedWhenTheStoreGoes) {
  int destroyed = 0;
  {
    auto store = make_store();
    tier_of(*store).destroyed = &destroyed;
    ModuleBuilder good;
    good.memory(1);
    ASSERT_TRUE(store->instantiate(good.build(), {}).ok());
    ModuleBuilder traps;  // instantiated, then its data segment traps: still the tier's
    traps.memory(1);
    traps.data(wasm::SegmentMode::Active, 0, static_cast<int32_t>(kPageSize), "x");
    ASSERT_FALSE(store->instantiate(traps.build(), {}).ok());
    ModuleBuilder unlinkable;  // rejected before allocation: the tier never saw it
    unlinkable.import_func("env", "f", unlinkable.type({}, {}));
    ASSERT_FALSE(store->instantiate(unlinkable.build(), {}).ok());
    EXPECT_EQ(tier_of(*store).instantiated.size(), 2u);
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 2);
}

TEST(Instantiate, MemoriesOverTheCapFailWithoutCreatingAnInstance) {
  StoreLimits limits;
  limits.max_memory_pages = 4;
  auto store = make_store(limits);
  ModuleBuilder b;
  b.memory(5);
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted);
  EXPECT_NE(r.error().message.find("memory 0"), std::string::npos) << r.error().message;
  EXPECT_TRUE(tier_of(*store).instantiated.empty());
}

TEST(Instantiate, TablesOverTheCapFail) {
  StoreLimits limits;
  limits.max_table_elements = 4;
  auto store = make_store(limits);
  ModuleBuilder b;
  b.table(ValType::FuncRef, 5);
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted);
  EXPECT_NE(r.error().message.find("table 0 of 5 elements"), std::string::npos)
      << r.error().message;
}

// The caps were per memory and per table: 1000 tables of 10M elements fit in a 6 KB module
// and asked for 80 GB (std::bad_alloc, or the OOM killer). One budget covers everything an
// instance defines, charged before anything is allocated.
TEST(Instantiate, AllTheTablesOfAnInstanceShareOneBudget) {
  StoreLimits limits;
  limits.max_instance_bytes = 64 << 20;  // the default is 4 GiB + 64 MiB; this test is light
  auto store = make_store(limits);
  ModuleBuilder b;
  for (int i = 0; i < 1000; ++i) b.table(ValType::FuncRef, 1'000'000);  // 8 MB each
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhausted);
  EXPECT_NE(r.error().message.find("table 8: table of 1000000 elements (8000000 bytes) exceeds "
                                   "what is left of the instance's budget for memories and "
                                   "tables (3108864 of 67108864 bytes)"),
            std::string::npos)
      << r.error().message;
  EXPECT_TRUE(tier_of(*store).instantiated.empty());
}

TEST(Instantiate, MemoriesAndTablesGrowOnlyWithinTheInstanceBudget) {
  StoreLimits limits;
  limits.max_instance_bytes = 4 * kPageSize + 16 * sizeof(Ref);
  auto store = make_store(limits);
  ModuleBuilder b;
  b.memory(1);
  b.table(ValType::FuncRef, 8);
  auto r = store->instantiate(b.build(), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  Memory& memory = *(*r)->memories[0];
  Table& table = *(*r)->tables[0];
  EXPECT_EQ(memory.grow(3), 1);
  EXPECT_EQ(memory.grow(1), -1) << "a fifth page is over the budget";
  EXPECT_EQ(table.grow(8, Ref{}), 8);
  EXPECT_EQ(table.grow(1, Ref{}), -1);
  EXPECT_EQ(memory.pages(), 4u);
  EXPECT_EQ(table.elements.size(), 16u);
  // A second instance has a budget of its own.
  auto second = store->instantiate(b.build(), {});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ((*second)->memories[0]->grow(3), 1);
}

TEST(Instantiate, TheDefaultInstanceBudgetHoldsAFullMemory) {
  StoreLimits limits;
  EXPECT_GE(limits.max_instance_bytes, limits.max_memory_pages * kPageSize);
  EXPECT_LT(limits.max_instance_bytes, uint64_t{8} << 30);
}

TEST(Instantiate, AnInconsistentModuleIsAnErrorNotACrash) {
  auto store = make_store();
  ModuleBuilder b;
  b.table(ValType::FuncRef, 1);
  b.active_elem(3, 0, {});  // no table 3
  auto r = store->instantiate(b.build(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Internal);
  EXPECT_NE(r.error().message.find("element segment 0 names a missing table"), std::string::npos);

  ModuleBuilder data;
  data.memory(1);
  data.data(wasm::SegmentMode::Active, 0, 0, "ab");
  data.m->data[0].bytes_size = 1000;  // beyond the module bytes
  EXPECT_FALSE(store->instantiate(data.build(), {}).ok());
}

TEST(Instance, GetExportFindsEachKindAndNamesUnknownOnes) {
  auto store = make_store();
  ModuleBuilder b;
  b.func(b.type({}, {}));
  b.table(ValType::FuncRef, 1);
  b.memory(1);
  b.global(ValType::I32, false, i32_const(3));
  b.export_("f", wasm::ExternKind::Func, 0);
  b.export_("t", wasm::ExternKind::Table, 0);
  b.export_("m", wasm::ExternKind::Memory, 0);
  b.export_("g", wasm::ExternKind::Global, 0);
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->get_export("f")->func, inst->funcs[0]);
  EXPECT_EQ(inst->get_export("t")->table, inst->tables[0]);
  EXPECT_EQ(inst->get_export("m")->memory, inst->memories[0]);
  EXPECT_EQ(inst->get_export("g")->global, inst->globals[0]);
  EXPECT_EQ(inst->get_export("g")->kind, wasm::ExternKind::Global);
  auto missing = inst->get_export("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Usage);
  EXPECT_EQ(missing.error().message, "unknown export: nope");
}

TEST(HostContext, MemoryIsTheCallersFirstMemory) {
  auto store = make_store();
  ModuleBuilder b;
  b.memory(1);
  Instance* inst = must(store->instantiate(b.build(), {}));
  ASSERT_NE(inst, nullptr);
  HostContext from_wasm{*store, inst};
  EXPECT_EQ(from_wasm.memory(), inst->memories[0]);
  HostContext from_host{*store, nullptr};
  EXPECT_EQ(from_host.memory(), nullptr);
}

}  // namespace
}  // namespace ironclad::runtime
