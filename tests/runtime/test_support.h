// Shared helpers for the runtime tests: a tier that runs only host functions (so the
// runtime is testable without the interpreter), and builders for in-memory modules.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "runtime/runtime.h"
#include "wasm/module.h"

namespace ironclad::runtime::testing {

// Calls host functions directly; a wasm function is an error, which tests can observe.
class HostOnlyTier : public Tier {
 public:
  const char* name() const override { return "host-only"; }
  Result<void> call(Store& store, FunctionInstance& func, const Value* args,
                    Value* results) override {
    ++calls;
    if (!func.is_host()) {
      return Error::make(ErrorKind::Internal, "host-only test tier cannot run wasm function " +
                                                  std::to_string(func.func_index));
    }
    HostContext ctx{store, nullptr};
    return func.host(ctx, args, results);
  }
  Result<void> on_instantiate(Store&, Instance& instance) override {
    instantiated.push_back(&instance);
    return {};
  }
  void on_destroy(Instance&) override {
    if (destroyed) ++*destroyed;
  }
  int calls = 0;
  std::vector<Instance*> instantiated;
  int* destroyed = nullptr;  // outlives the store, which owns this tier
};

inline std::unique_ptr<Store> make_store(StoreLimits limits = {}) {
  return std::make_unique<Store>(std::make_unique<HostOnlyTier>(), limits);
}
inline HostOnlyTier& tier_of(Store& store) {
  return static_cast<HostOnlyTier&>(store.tier());
}

// Constant expressions, as the binary format encodes them (without the final `end`).
inline void append_sleb(std::vector<uint8_t>& out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    more = !((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)));
    out.push_back(more ? (byte | 0x80) : byte);
  }
}
inline void append_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    out.push_back(v ? (byte | 0x80) : byte);
  } while (v);
}
inline wasm::ConstExpr i32_const(int32_t v) {
  wasm::ConstExpr e;
  e.bytes.push_back(0x41);
  append_sleb(e.bytes, v);
  return e;
}
inline wasm::ConstExpr i64_const(int64_t v) {
  wasm::ConstExpr e;
  e.bytes.push_back(0x42);
  append_sleb(e.bytes, v);
  return e;
}
inline wasm::ConstExpr f64_const(double v) {
  wasm::ConstExpr e;
  e.bytes.push_back(0x44);
  uint8_t raw[8];
  std::memcpy(raw, &v, 8);
  e.bytes.insert(e.bytes.end(), raw, raw + 8);
  return e;
}
inline wasm::ConstExpr ref_func(uint32_t index) {
  wasm::ConstExpr e;
  e.bytes.push_back(0xD2);
  append_uleb(e.bytes, index);
  return e;
}
inline wasm::ConstExpr ref_null(ValType t) {
  wasm::ConstExpr e;
  e.bytes = {0xD0, static_cast<uint8_t>(t)};
  return e;
}
inline wasm::ConstExpr global_get(uint32_t index) {
  wasm::ConstExpr e;
  e.bytes.push_back(0x23);
  append_uleb(e.bytes, index);
  return e;
}

// Builds a wasm::Module directly (no decoder involved). Defined functions get bodies of
// zero size: the host-only tier never runs them.
struct ModuleBuilder {
  std::shared_ptr<wasm::Module> m = std::make_shared<wasm::Module>();

  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    m->types.push_back(wasm::FuncType{std::move(params), std::move(results)});
    return static_cast<uint32_t>(m->types.size() - 1);
  }
  uint32_t import_func(std::string module, std::string field, uint32_t type_index) {
    wasm::Import imp;
    imp.module = std::move(module);
    imp.field = std::move(field);
    imp.kind = wasm::ExternKind::Func;
    imp.func_type_index = type_index;
    m->imports.push_back(imp);
    m->func_types.insert(m->func_types.begin() + m->num_imported_funcs, type_index);
    return m->num_imported_funcs++;
  }
  uint32_t import_table(std::string module, std::string field, wasm::TableType t) {
    wasm::Import imp;
    imp.module = std::move(module);
    imp.field = std::move(field);
    imp.kind = wasm::ExternKind::Table;
    imp.table = t;
    m->imports.push_back(imp);
    m->tables.insert(m->tables.begin() + m->num_imported_tables, t);
    return m->num_imported_tables++;
  }
  uint32_t import_memory(std::string module, std::string field, wasm::MemoryType t) {
    wasm::Import imp;
    imp.module = std::move(module);
    imp.field = std::move(field);
    imp.kind = wasm::ExternKind::Memory;
    imp.memory = t;
    m->imports.push_back(imp);
    m->memories.insert(m->memories.begin() + m->num_imported_memories, t);
    return m->num_imported_memories++;
  }
  uint32_t import_global(std::string module, std::string field, wasm::GlobalType t) {
    wasm::Import imp;
    imp.module = std::move(module);
    imp.field = std::move(field);
    imp.kind = wasm::ExternKind::Global;
    imp.global = t;
    m->imports.push_back(imp);
    m->globals.insert(m->globals.begin() + m->num_imported_globals, wasm::Global{t, {}});
    return m->num_imported_globals++;
  }
  uint32_t func(uint32_t type_index) {
    m->func_types.push_back(type_index);
    m->bodies.push_back(wasm::FunctionBody{});
    return static_cast<uint32_t>(m->func_types.size() - 1);
  }
  uint32_t table(ValType elem, uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m->tables.push_back(wasm::TableType{elem, {min, max}});
    return static_cast<uint32_t>(m->tables.size() - 1);
  }
  uint32_t memory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m->memories.push_back(wasm::MemoryType{{min, max}});
    return static_cast<uint32_t>(m->memories.size() - 1);
  }
  uint32_t global(ValType t, bool mut, wasm::ConstExpr init) {
    m->globals.push_back(wasm::Global{{t, mut}, std::move(init)});
    return static_cast<uint32_t>(m->globals.size() - 1);
  }
  void export_(std::string name, wasm::ExternKind kind, uint32_t index) {
    m->exports.push_back(wasm::Export{std::move(name), kind, index});
  }
  // An active element segment of ref.func items.
  uint32_t active_elem(uint32_t table, int32_t offset, std::vector<uint32_t> funcs) {
    wasm::ElementSegment s;
    s.mode = wasm::SegmentMode::Active;
    s.table_index = table;
    s.offset = i32_const(offset);
    for (uint32_t f : funcs) s.items.push_back(ref_func(f));
    m->elements.push_back(std::move(s));
    return static_cast<uint32_t>(m->elements.size() - 1);
  }
  uint32_t elem(wasm::SegmentMode mode, std::vector<wasm::ConstExpr> items) {
    wasm::ElementSegment s;
    s.mode = mode;
    s.items = std::move(items);
    m->elements.push_back(std::move(s));
    return static_cast<uint32_t>(m->elements.size() - 1);
  }
  // A data segment whose bytes are appended to the module's bytes.
  uint32_t data(wasm::SegmentMode mode, uint32_t memory, int32_t offset, std::string bytes) {
    wasm::DataSegment d;
    d.mode = mode;
    d.memory_index = memory;
    d.offset = i32_const(offset);
    d.bytes_offset = static_cast<uint32_t>(m->bytes.size());
    d.bytes_size = static_cast<uint32_t>(bytes.size());
    m->bytes.insert(m->bytes.end(), bytes.begin(), bytes.end());
    m->data.push_back(std::move(d));
    return static_cast<uint32_t>(m->data.size() - 1);
  }
  std::shared_ptr<const wasm::Module> build() { return m; }
};

inline Extern func_extern(FunctionInstance* f) {
  Extern x;
  x.kind = wasm::ExternKind::Func;
  x.func = f;
  return x;
}
inline Extern table_extern(Table* t) {
  Extern x;
  x.kind = wasm::ExternKind::Table;
  x.table = t;
  return x;
}
inline Extern memory_extern(Memory* m) {
  Extern x;
  x.kind = wasm::ExternKind::Memory;
  x.memory = m;
  return x;
}
inline Extern global_extern(Global* g) {
  Extern x;
  x.kind = wasm::ExternKind::Global;
  x.global = g;
  return x;
}

}  // namespace ironclad::runtime::testing
