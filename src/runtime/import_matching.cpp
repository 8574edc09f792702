#include "runtime/import_matching.h"

namespace ironclad::runtime {

bool limits_match(const wasm::Limits& actual, const wasm::Limits& declared) {
  if (actual.min < declared.min) return false;
  if (!declared.max) return true;
  return actual.max && *actual.max <= *declared.max;
}

std::string describe(const wasm::Limits& limits) {
  std::string s = "{min " + std::to_string(limits.min);
  if (limits.max) s += ", max " + std::to_string(*limits.max);
  return s + "}";
}

std::string describe(const wasm::GlobalType& type) {
  std::string t = to_string(type.type);
  return type.mutable_ ? "(mut " + t + ")" : t;
}

std::string describe(const wasm::TableType& type) {
  return std::string(to_string(type.elem_type)) + " " + describe(type.limits);
}

namespace {

std::string import_name(const wasm::Module& module, uint32_t index) {
  const wasm::Import& imp = module.imports[index];
  return "import " + std::to_string(index) + " \"" + imp.module + "\" \"" + imp.field + "\" (" +
         wasm::to_string(imp.kind) + ")";
}

Error incompatible(const wasm::Module& module, uint32_t index, const std::string& expected,
                   const std::string& got) {
  return Error::make(ErrorKind::Link, "incompatible import type: " + import_name(module, index) +
                                          ": expected " + expected + ", got " + got);
}

const char* extern_kind_name(const Extern& value) {
  return wasm::to_string(value.kind);
}

}  // namespace

Result<void> check_import(const wasm::Module& module, uint32_t index, const Extern& value) {
  const wasm::Import& imp = module.imports[index];
  if (value.kind != imp.kind) {
    return incompatible(module, index, wasm::to_string(imp.kind),
                        std::string("a ") + extern_kind_name(value));
  }
  switch (imp.kind) {
    case wasm::ExternKind::Func: {
      if (value.func == nullptr || value.func->type == nullptr) break;
      if (imp.func_type_index >= module.types.size()) {
        return Error::make(ErrorKind::Internal, import_name(module, index) + " has type index " +
                                                    std::to_string(imp.func_type_index) +
                                                    " outside the type section");
      }
      const wasm::FuncType& expected = module.types[imp.func_type_index];
      if (!(*value.func->type == expected)) {
        return incompatible(module, index, expected.to_string(), value.func->type->to_string());
      }
      return {};
    }
    case wasm::ExternKind::Table: {
      if (value.table == nullptr) break;
      wasm::TableType actual = value.table->current_type();
      if (actual.elem_type != imp.table.elem_type ||
          !limits_match(actual.limits, imp.table.limits)) {
        return incompatible(module, index, "table " + describe(imp.table),
                            "table " + describe(actual));
      }
      return {};
    }
    case wasm::ExternKind::Memory: {
      if (value.memory == nullptr) break;
      wasm::MemoryType actual = value.memory->current_type();
      if (!limits_match(actual.limits, imp.memory.limits)) {
        return incompatible(module, index, "memory " + describe(imp.memory.limits),
                            "memory " + describe(actual.limits));
      }
      return {};
    }
    case wasm::ExternKind::Global: {
      if (value.global == nullptr) break;
      const wasm::GlobalType& actual = value.global->type;
      if (actual.type != imp.global.type || actual.mutable_ != imp.global.mutable_) {
        return incompatible(module, index, "global " + describe(imp.global),
                            "global " + describe(actual));
      }
      return {};
    }
  }
  return Error::make(ErrorKind::Usage,
                     import_name(module, index) + " was given a null " + extern_kind_name(value));
}

}  // namespace ironclad::runtime
