// Instantiation of real binaries (wat2wasm fixtures through decode_module and
// validate_module): the runtime against the decoder's view of a module.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "runtime/typed_host.h"
#include "test_support.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"
#include "support/fixture_dir.h"

namespace ironclad::runtime {
namespace {

using namespace testing;

std::shared_ptr<const wasm::Module> load_fixture(const std::string& stem) {
  std::string path = ironclad::testing::fixture_dir() + "/" + stem + ".wasm";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << path;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto decoded = wasm::decode_module(std::move(bytes), path);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.error().describe());
  if (!decoded.ok()) return nullptr;
  auto valid = wasm::validate_module(**decoded, path);
  EXPECT_TRUE(valid.ok()) << (valid.ok() ? "" : valid.error().describe());
  if (!valid.ok()) return nullptr;
  return std::shared_ptr<const wasm::Module>(std::move(*decoded));
}

struct LinkingFixture {
  std::unique_ptr<Store> store = make_store();
  Linker linker;
  Table* table = nullptr;
  Memory* memory = nullptr;
  int starts = 0;

  LinkingFixture() {
    table = store->create_table(wasm::TableType{ValType::FuncRef, {4, std::nullopt}}, Ref{});
    memory = *store->create_memory(wasm::MemoryType{{1, std::nullopt}});
    linker.define("env", "tab", table_extern(table));
    linker.define("env", "mem", memory_extern(memory));
    linker.define("env", "base",
                  global_extern(store->create_global({ValType::I32, false}, Value::from_i32(1))));
    linker.define_typed(*store, "env", "on_start", [this] { ++starts; });
  }
};

TEST(FixtureModule, InstantiatesEveryKindOfImportAndSegment) {
  auto module = load_fixture("runtime_linking");
  ASSERT_TRUE(module);
  LinkingFixture fx;
  auto r = fx.linker.instantiate(*fx.store, module);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  Instance* inst = *r;

  EXPECT_EQ(fx.starts, 1);  // the imported start function ran once
  // Globals: from the imported global, and a constant.
  EXPECT_EQ(inst->get_export("copy")->global->value.i32, 1u);
  EXPECT_EQ(static_cast<int64_t>(inst->get_export("counter")->global->value.i64), -7);
  // The active element segment at offset global.get $base = 1.
  EXPECT_TRUE(fx.table->elements[0].is_null());
  EXPECT_EQ(FunctionInstance::from_ref(fx.table->elements[1]), inst->get_export("answer")->func);
  EXPECT_EQ(FunctionInstance::from_ref(fx.table->elements[2]),
            fx.linker.find("env", "on_start")->func);
  EXPECT_TRUE(fx.table->elements[3].is_null());
  EXPECT_EQ(inst->elem_dropped, (std::vector<bool>{true, true, false}));
  ASSERT_EQ(inst->elem_refs[2].size(), 2u);
  EXPECT_TRUE(inst->elem_refs[2][1].is_null());
  // The active data segment in the imported memory; the passive one kept.
  EXPECT_EQ(inst->get_export("mem")->memory, fx.memory);
  EXPECT_EQ(std::memcmp(fx.memory->base + 8, "hello", 5), 0);
  EXPECT_EQ(inst->data_dropped, (std::vector<bool>{true, false}));
}

TEST(FixtureModule, APartlyFailingInitialisationKeepsEarlierSegments) {
  auto module = load_fixture("runtime_partial_init");
  ASSERT_TRUE(module);
  auto store = make_store();
  Memory* mem = *store->create_memory(wasm::MemoryType{{1, std::nullopt}});
  Linker linker;
  linker.define("env", "mem", memory_extern(mem));
  auto r = linker.instantiate(*store, module);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(std::memcmp(mem->base, "kept", 4), 0);
  EXPECT_EQ(mem->base[65534], 0);
  EXPECT_EQ(mem->base[100], 0);
}

class Unlinkable : public ::testing::Test {
 protected:
  void SetUp() override {
    module = load_fixture("runtime_unlinkable");
    ASSERT_TRUE(module);
    linker.define_typed(*store, "env", "f", [](int32_t x) { return x; });
    define_table(2, 5, ValType::ExternRef);
    define_memory(1, 2);
    define_global(ValType::F32, true);
    ASSERT_TRUE(linker.instantiate(*store, module).ok());  // the baseline links
  }
  void define_table(uint64_t min, std::optional<uint64_t> max, ValType elem) {
    linker.define("env", "t",
                  table_extern(store->create_table(wasm::TableType{elem, {min, max}}, Ref{})));
  }
  void define_memory(uint64_t min, std::optional<uint64_t> max) {
    linker.define("env", "m", memory_extern(*store->create_memory(wasm::MemoryType{{min, max}})));
  }
  void define_global(ValType t, bool mut) {
    linker.define("env", "g", global_extern(store->create_global({t, mut}, Value::zero(t))));
  }
  void expect_unlinkable(const std::string& import) {
    auto r = linker.instantiate(*store, module);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Link);
    EXPECT_NE(r.error().message.find("incompatible import type"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find(import), std::string::npos) << r.error().message;
  }

  std::shared_ptr<const wasm::Module> module;
  std::unique_ptr<Store> store = make_store();
  Linker linker;
};

TEST_F(Unlinkable, AFunctionOfAnotherType) {
  linker.define_typed(*store, "env", "f", [](int64_t x) { return x; });
  expect_unlinkable("\"env\" \"f\"");
}
TEST_F(Unlinkable, ATableTooSmall) {
  define_table(1, 5, ValType::ExternRef);
  expect_unlinkable("\"env\" \"t\"");
}
TEST_F(Unlinkable, ATableWithALargerMax) {
  define_table(2, 6, ValType::ExternRef);
  expect_unlinkable("\"env\" \"t\"");
}
TEST_F(Unlinkable, ATableOfFuncrefs) {
  define_table(2, 5, ValType::FuncRef);
  expect_unlinkable("\"env\" \"t\"");
}
TEST_F(Unlinkable, AMemoryWithoutAMax) {
  define_memory(1, std::nullopt);
  expect_unlinkable("\"env\" \"m\"");
}
TEST_F(Unlinkable, AnImmutableGlobal) {
  define_global(ValType::F32, false);
  expect_unlinkable("\"env\" \"g\"");
}
TEST_F(Unlinkable, AGlobalOfAnotherType) {
  define_global(ValType::F64, true);
  expect_unlinkable("\"env\" \"g\"");
}
TEST_F(Unlinkable, AMissingDefinitionIsAnUnknownImport) {
  Linker empty;
  auto r = empty.instantiate(*store, module);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown import: \"env\" \"f\""), std::string::npos);
}

}  // namespace
}  // namespace ironclad::runtime
