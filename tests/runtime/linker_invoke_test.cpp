// Linker resolution by (module, field) and Store::invoke's argument checking.
#include <gtest/gtest.h>

#include "test_support.h"

namespace ironclad::runtime {
namespace {

using namespace testing;

HostFunction returns(uint32_t v) {
  return [v](HostContext&, const Value*, Value* results) -> Result<void> {
    results[0] = Value::from_i32(v);
    return {};
  };
}

TEST(Linker, FindsDefinitionsByModuleAndField) {
  auto store = make_store();
  Linker linker;
  wasm::FuncType t{{}, {ValType::I32}};
  linker.define_function(*store, "env", "one", t, returns(1));
  linker.define_function(*store, "other", "one", t, returns(2));
  ASSERT_NE(linker.find("env", "one"), nullptr);
  ASSERT_NE(linker.find("other", "one"), nullptr);
  EXPECT_NE(linker.find("env", "one")->func, linker.find("other", "one")->func);
  EXPECT_EQ(linker.find("env", "two"), nullptr);
  EXPECT_EQ(linker.find("", "envone"), nullptr);
  EXPECT_EQ(linker.find("envone", ""), nullptr);
}

TEST(Linker, NamesMayHoldAnyCharacterWithoutCollisions) {
  Linker linker;
  Extern a, b;
  a.kind = b.kind = wasm::ExternKind::Global;
  Global ga{{ValType::I32, false}, {}}, gb{{ValType::I32, false}, {}};
  a.global = &ga;
  b.global = &gb;
  linker.define(std::string("a\0", 2), "b", a);
  linker.define("a", std::string("\0b", 2), b);
  EXPECT_EQ(linker.find(std::string("a\0", 2), "b")->global, &ga);
  EXPECT_EQ(linker.find("a", std::string("\0b", 2))->global, &gb);
}

TEST(Linker, ALaterDefinitionReplacesAnEarlierOne) {
  auto store = make_store();
  Linker linker;
  wasm::FuncType t{{}, {ValType::I32}};
  linker.define_function(*store, "env", "f", t, returns(1));
  linker.define_function(*store, "env", "f", t, returns(2));
  auto r = store->invoke(*linker.find("env", "f")->func, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 2u);
}

TEST(Linker, InstantiateResolvesImportsInOrder) {
  auto store = make_store();
  Linker linker;
  linker.define_function(*store, "env", "f", {{}, {}}, nullptr);
  Memory* mem = *store->create_memory(wasm::MemoryType{{1, std::nullopt}});
  linker.define("env", "mem", memory_extern(mem));
  ModuleBuilder b;
  b.import_memory("env", "mem", wasm::MemoryType{{1, std::nullopt}});
  b.import_func("env", "f", b.type({}, {}));
  auto r = linker.instantiate(*store, b.build());
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)->memories[0], mem);
  EXPECT_EQ((*r)->funcs[0], linker.find("env", "f")->func);
}

TEST(Linker, AMissingImportIsAnUnknownImportLinkError) {
  auto store = make_store();
  Linker linker;
  linker.define_function(*store, "env", "f", {{}, {}}, nullptr);
  ModuleBuilder b;
  b.import_func("env", "f", b.type({}, {}));
  b.import_global("wasi", "g", {ValType::I32, false});
  auto r = linker.instantiate(*store, b.build());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Link);
  EXPECT_EQ(r.error().message.rfind("unknown import: \"wasi\" \"g\"", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("import 1, a global"), std::string::npos) << r.error().message;
}

TEST(Linker, DefineInstanceRegistersEveryExport) {
  auto store = make_store();
  ModuleBuilder producer;
  producer.func(producer.type({}, {}));
  producer.memory(1);
  producer.global(ValType::I32, false, i32_const(9));
  producer.export_("run", wasm::ExternKind::Func, 0);
  producer.export_("memory", wasm::ExternKind::Memory, 0);
  producer.export_("g", wasm::ExternKind::Global, 0);
  auto made = store->instantiate(producer.build(), {});
  ASSERT_TRUE(made.ok());
  Linker linker;
  linker.define_instance("lib", **made);
  ASSERT_NE(linker.find("lib", "run"), nullptr);
  EXPECT_EQ(linker.find("lib", "run")->func, (*made)->funcs[0]);
  EXPECT_EQ(linker.find("lib", "memory")->memory, (*made)->memories[0]);
  EXPECT_EQ(linker.find("lib", "g")->global->value.i32, 9u);

  ModuleBuilder consumer;
  consumer.import_global("lib", "g", {ValType::I32, false});
  consumer.import_memory("lib", "memory", wasm::MemoryType{{1, std::nullopt}});
  consumer.global(ValType::I32, false, global_get(0));
  auto used = linker.instantiate(*store, consumer.build());
  ASSERT_TRUE(used.ok()) << used.error().describe();
  EXPECT_EQ((*used)->globals[1]->value.i32, 9u);
  EXPECT_EQ((*used)->memories[0], (*made)->memories[0]);
}

TEST(Invoke, PassesArgumentsAndReturnsTypedResults) {
  auto store = make_store();
  FunctionInstance* f = store->create_host_function(
      {{ValType::I32, ValType::I64}, {ValType::I64, ValType::F32}},
      [](HostContext&, const Value* args, Value* results) -> Result<void> {
        results[0].i64 = args[0].i32 + args[1].i64;
        results[1].f32 = 0.5f;
        return {};
      });
  auto r = store->invoke(*f, std::vector<Value>{Value::from_i32(2), Value::from_i64(40)});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].type, ValType::I64);  // results come typed even if the function
  EXPECT_EQ((*r)[0].i64, 42u);            // only wrote the payload
  EXPECT_EQ((*r)[1].type, ValType::F32);
  EXPECT_EQ((*r)[1].f32, 0.5f);
}

TEST(Invoke, RejectsAWrongArgumentCountBeforeCalling) {
  auto store = make_store();
  FunctionInstance* f = store->create_host_function({{ValType::I32, ValType::F64}, {}}, nullptr);
  auto r = store->invoke(*f, std::vector<Value>{Value::from_i32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_NE(r.error().message.find("expected arguments (i32, f64), got (i32)"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(tier_of(*store).calls, 0);
}

TEST(Invoke, RejectsAWrongArgumentTypeBeforeCalling) {
  auto store = make_store();
  FunctionInstance* f = store->create_host_function({{ValType::I32, ValType::F64}, {}}, nullptr);
  auto r = store->invoke(*f, std::vector<Value>{Value::from_i32(1), Value::from_f32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_NE(r.error().message.find("got (i32, f32)"), std::string::npos) << r.error().message;
  EXPECT_EQ(tier_of(*store).calls, 0);
}

TEST(Invoke, NamesAWasmFunctionByItsExport) {
  auto store = make_store();
  ModuleBuilder b;
  b.func(b.type({ValType::I32}, {}));
  b.export_("main", wasm::ExternKind::Func, 0);
  auto inst = store->instantiate(b.build(), {});
  ASSERT_TRUE(inst.ok());
  auto r = store->invoke(*(*inst)->funcs[0], {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("func[0] (export \"main\")"), std::string::npos)
      << r.error().message;
}

TEST(Invoke, AHostFunctionWithoutABodyFailsInsteadOfThrowing) {
  auto store = make_store();
  FunctionInstance* f = store->create_host_function({{}, {}}, nullptr);
  auto r = store->invoke(*f, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_NE(r.error().message.find("without an implementation"), std::string::npos);
}

TEST(Invoke, AStoreWithoutATierRefusesToRunCode) {
  Store store(nullptr);
  FunctionInstance* f = store.create_host_function({{}, {}}, nullptr);
  auto r = store.invoke(*f, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no tier"), std::string::npos);
  ModuleBuilder b;
  auto i = store.instantiate(b.build(), {});
  ASSERT_FALSE(i.ok());
  EXPECT_NE(i.error().message.find("no tier"), std::string::npos);
}

TEST(Invoke, ErrorsFromTheCalleeComeBackUnchanged) {
  auto store = make_store();
  FunctionInstance* f =
      store->create_host_function({{}, {}}, [](HostContext&, const Value*, Value*) -> Result<void> {
        return Error::make_trap(TrapKind::IntegerDivideByZero);
      });
  auto r = store->invoke(*f, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(r.error().message, "integer divide by zero");
}

}  // namespace
}  // namespace ironclad::runtime
