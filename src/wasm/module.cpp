#include "wasm/module.h"

#include <algorithm>

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

std::optional<std::string_view> Module::function_name(uint32_t func_index) const {
  auto it = std::lower_bound(
      function_names.begin(), function_names.end(), func_index,
      [](const FunctionName& n, uint32_t index) { return n.func_index < index; });
  if (it == function_names.end() || it->func_index != func_index ||
      uint64_t{it->offset} + it->size > bytes.size())
    return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(bytes.data()) + it->offset, it->size);
}

std::string Module::function_display_name(uint32_t func_index) const {
  if (std::optional<std::string_view> name = function_name(func_index))
    return std::string(*name);
  return "func[" + std::to_string(func_index) + "]";
}

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace ironclad::wasm
