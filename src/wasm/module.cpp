#include "wasm/module.h"

namespace ironclad::wasm {

std::string FuncType::to_string() const {
  auto list = [](const std::vector<ValType>& types) {
    std::string s = "(";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) s += ", ";
      s += ironclad::to_string(types[i]);
    }
    return s + ")";
  };
  return list(params) + " -> " + list(results);
}

const char* to_string(ExternKind kind) {
  switch (kind) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

std::string Module::function_display_name(uint32_t func_index) const {
  auto it = function_names.find(func_index);
  if (it != function_names.end()) return it->second;
  return "func[" + std::to_string(func_index) + "]";
}

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace ironclad::wasm
