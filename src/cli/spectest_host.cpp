#include "cli/spectest_host.h"

#include <string>
#include <vector>

namespace ironclad::cli::spectest {
namespace {

constexpr const char* kModule = "spectest";

void define_print(runtime::Store& store, runtime::Linker& linker, const char* field,
                  std::vector<ValType> params) {
  wasm::FuncType type;
  type.params = std::move(params);
  linker.define_function(store, kModule, field, type,
                         [](runtime::HostContext&, const Value*, Value*) -> Result<void> {
                           return {};
                         });
}

void define_global(runtime::Store& store, runtime::Linker& linker, const char* field,
                   Value value) {
  runtime::Extern x;
  x.kind = wasm::ExternKind::Global;
  x.global = store.create_global(wasm::GlobalType{value.type, false}, value);
  linker.define(kModule, field, x);
}

}  // namespace

Result<void> define_spectest_module(runtime::Store& store, runtime::Linker& linker) {
  define_print(store, linker, "print", {});
  define_print(store, linker, "print_i32", {ValType::I32});
  define_print(store, linker, "print_i64", {ValType::I64});
  define_print(store, linker, "print_f32", {ValType::F32});
  define_print(store, linker, "print_f64", {ValType::F64});
  define_print(store, linker, "print_i32_f32", {ValType::I32, ValType::F32});
  define_print(store, linker, "print_f64_f64", {ValType::F64, ValType::F64});

  define_global(store, linker, "global_i32", Value::from_i32(666));
  define_global(store, linker, "global_i64", Value::from_i64(666));
  define_global(store, linker, "global_f32", Value::from_f32(666.6f));
  define_global(store, linker, "global_f64", Value::from_f64(666.6));

  runtime::Extern table;
  table.kind = wasm::ExternKind::Table;
  table.table = store.create_table(wasm::TableType{ValType::FuncRef, wasm::Limits{10, 20}}, Ref{});
  linker.define(kModule, "table", table);

  runtime::Extern memory;
  memory.kind = wasm::ExternKind::Memory;
  IRONCLAD_TRY_ASSIGN(memory.memory, store.create_memory(wasm::MemoryType{wasm::Limits{1, 2}}));
  linker.define(kModule, "memory", memory);
  return {};
}

}  // namespace ironclad::cli::spectest
