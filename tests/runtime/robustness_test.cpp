// Instantiation of modules that were never validated: indices out of range, wrong types,
// inconsistent counts. Every one must give a value or an error, never a crash (DESIGN.md
// invariant 1; the fuzzer reaches instantiate with whatever the validator lets through).
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"

namespace ironclad::runtime {
namespace {

using namespace testing;

// A small random module whose indices sometimes point one or two past the end.
std::shared_ptr<const wasm::Module> random_module(std::mt19937& rng) {
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % (n + 2)); };
  const ValType types[] = {ValType::I32,  ValType::I64,     ValType::F32,      ValType::F64,
                           ValType::V128, ValType::FuncRef, ValType::ExternRef};
  auto any_type = [&] { return types[rng() % 7]; };
  auto any_expr = [&](uint32_t funcs, uint32_t globals) {
    switch (rng() % 6) {
      case 0:
        return i32_const(static_cast<int32_t>(rng() % 70000) - 10);
      case 1:
        return i64_const(static_cast<int64_t>(rng()));
      case 2:
        return ref_func(pick(funcs));
      case 3:
        return ref_null(rng() % 2 ? ValType::FuncRef : ValType::ExternRef);
      case 4:
        return global_get(pick(globals));
      default: {
        wasm::ConstExpr e = i32_const(1);
        e.bytes.resize(rng() % 3);  // truncated or empty
        return e;
      }
    }
  };
  ModuleBuilder b;
  uint32_t ntypes = 1 + rng() % 3;
  for (uint32_t i = 0; i < ntypes; ++i) b.type({any_type()}, {});
  uint32_t nfuncs = rng() % 4;
  for (uint32_t i = 0; i < nfuncs; ++i) b.func(pick(ntypes));
  if (rng() % 2)
    b.table(ValType::FuncRef, rng() % 4, rng() % 2 ? std::optional<uint64_t>(5) : std::nullopt);
  if (rng() % 2) b.memory(rng() % 2);
  uint32_t nglobals = rng() % 4;
  for (uint32_t i = 0; i < nglobals; ++i) b.global(any_type(), rng() % 2, any_expr(nfuncs, i));
  for (uint32_t i = rng() % 3; i > 0; --i) {
    uint32_t seg = b.elem(static_cast<wasm::SegmentMode>(rng() % 3),
                          {any_expr(nfuncs, nglobals), any_expr(nfuncs, nglobals)});
    b.m->elements[seg].table_index = pick(static_cast<uint32_t>(b.m->tables.size()));
    b.m->elements[seg].offset = any_expr(nfuncs, nglobals);
  }
  for (uint32_t i = rng() % 3; i > 0; --i) {
    uint32_t seg = b.data(static_cast<wasm::SegmentMode>(rng() % 2),
                          pick(static_cast<uint32_t>(b.m->memories.size())), 0, "abc");
    b.m->data[seg].offset = any_expr(nfuncs, nglobals);
    if (rng() % 8 == 0) b.m->data[seg].bytes_size = 1000;
  }
  for (uint32_t i = rng() % 3; i > 0; --i) {
    b.export_("e" + std::to_string(i), static_cast<wasm::ExternKind>(rng() % 4), pick(2));
  }
  if (rng() % 3 == 0) b.m->start = pick(nfuncs);
  if (rng() % 10 == 0 && !b.m->bodies.empty()) b.m->bodies.pop_back();  // counts out of step
  if (rng() % 10 == 0) b.m->num_imported_funcs = 1;
  return b.build();
}

TEST(Robustness, UnvalidatedModulesGiveAnInstanceOrAnErrorNeverACrash) {
  std::mt19937 rng(20261124);
  int ok = 0, failed = 0;
  for (int i = 0; i < 3000; ++i) {
    auto store = make_store();
    auto module = random_module(rng);
    auto r = store->instantiate(module, {});
    if (r.ok()) {
      ++ok;
      for (const wasm::Export& e : module->exports) (void)(*r)->get_export(e.name);
    } else {
      ++failed;
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  // Both outcomes occur, so the generator exercises the success and the failure paths.
  EXPECT_GT(ok, 20);
  EXPECT_GT(failed, 100);
}

TEST(Robustness, ImportsOfTheWrongShapeAreErrors) {
  std::mt19937 rng(7);
  auto store = make_store();
  FunctionInstance* f = store->create_host_function({{}, {}}, nullptr);
  Table* t = store->create_table({ValType::FuncRef, {1, std::nullopt}}, Ref{});
  Memory* m = *store->create_memory({{1, std::nullopt}});
  Global* g = store->create_global({ValType::I32, false}, Value::from_i32(0));
  for (int i = 0; i < 500; ++i) {
    ModuleBuilder b;
    uint32_t ty = b.type({}, {});
    switch (rng() % 4) {
      case 0:
        b.import_func("m", "f", ty);
        break;
      case 1:
        b.import_table("m", "t", {ValType::FuncRef, {rng() % 3, std::nullopt}});
        break;
      case 2:
        b.import_memory("m", "m", {{rng() % 3, std::nullopt}});
        break;
      default:
        b.import_global("m", "g", {ValType::I32, rng() % 2 == 0});
        break;
    }
    if (rng() % 8 == 0) b.m->imports[0].func_type_index = 9;  // no such type
    Extern x;
    x.kind = static_cast<wasm::ExternKind>(rng() % 4);
    if (rng() % 5) {  // sometimes all pointers stay null
      x.func = f;
      x.table = t;
      x.memory = m;
      x.global = g;
    }
    auto r = store->instantiate(b.build(), {x});
    if (!r.ok()) EXPECT_FALSE(r.error().message.empty());
  }
}

}  // namespace
}  // namespace ironclad::runtime
