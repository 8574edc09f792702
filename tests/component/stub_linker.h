// A ComponentLinker that provides everything a component imports, generically: each host
// function returns the default value of its result type (zero, "", empty list, the first
// case, `ok` of a default), each resource is a host resource. Calls are counted by name.
// Enough to instantiate any component and run code that only needs imports to answer.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "component/model.h"
#include "ironclad/component.h"

namespace ironclad::component::testing {

struct StubLinker {
  ComponentLinker linker;
  std::map<std::string, int> calls;
  // What the component wrote to any output stream (WASI's blocking-write-and-flush and write).
  std::string output;
  // What wasi:cli/environment's get-environment answers.
  std::vector<std::pair<std::string, std::string>> environment{{"PWD", "/"}};
  std::map<std::string, const ResourceType*> resources;  // "interface#name" or "name"

  ComponentValue default_value(const ValType* t) {
    switch (t->kind) {
      case TypeKind::Bool:
        return ComponentValue::boolean(false);
      case TypeKind::S8:
        return ComponentValue::s8(0);
      case TypeKind::U8:
        return ComponentValue::u8(0);
      case TypeKind::S16:
        return ComponentValue::s16(0);
      case TypeKind::U16:
        return ComponentValue::u16(0);
      case TypeKind::S32:
        return ComponentValue::s32(0);
      case TypeKind::U32:
        return ComponentValue::u32(0);
      case TypeKind::S64:
        return ComponentValue::s64(0);
      case TypeKind::U64:
        return ComponentValue::u64(0);
      case TypeKind::F32:
        return ComponentValue::f32(0);
      case TypeKind::F64:
        return ComponentValue::f64(0);
      case TypeKind::Char:
        return ComponentValue::character('a');
      case TypeKind::String:
        return ComponentValue::string("");
      case TypeKind::List:
        return ComponentValue::list({});
      case TypeKind::Record:
      case TypeKind::Tuple: {
        std::vector<ComponentValue> items;
        for (const Field& f : t->fields) items.push_back(default_value(f.type));
        return t->kind == TypeKind::Record ? ComponentValue::record(std::move(items))
                                           : ComponentValue::tuple(std::move(items));
      }
      case TypeKind::Variant:
        if (t->cases[0].type) return ComponentValue::variant(0, default_value(t->cases[0].type));
        return ComponentValue::variant(0);
      case TypeKind::Enum:
        return ComponentValue::enumeration(0);
      case TypeKind::Option:
        return ComponentValue::none();
      case TypeKind::Result:
        if (t->elem) return ComponentValue::ok(default_value(t->elem));
        return ComponentValue::ok();
      case TypeKind::Flags:
        return ComponentValue::flags(0);
      case TypeKind::Own:
      case TypeKind::Borrow: {
        std::string key = t->resource->interface.empty()
                              ? t->resource->name
                              : t->resource->interface + "#" + t->resource->name;
        auto it = resources.find(key);
        return ComponentValue::own(it == resources.end() ? nullptr : it->second, 1);
      }
    }
    return ComponentValue::boolean(false);
  }

  void stub_function(const std::string& iface, const std::string& name, const FuncType* type) {
    std::string key = iface.empty() ? name : iface + "#" + name;
    bool is_write = name == "[method]output-stream.blocking-write-and-flush" ||
                    name == "[method]output-stream.write";
    bool is_check_write = name == "[method]output-stream.check-write";
    bool is_environment = name == "get-environment";
    linker.define_function(
        iface, name,
        [this, key, type, is_write, is_check_write, is_environment](
            std::vector<ComponentValue>& args) -> Result<std::optional<ComponentValue>> {
          ++calls[key];
          if (is_write && args.size() == 2) {
            for (const ComponentValue& b : args[1].items) output += static_cast<char>(b.bits);
          }
          if (is_check_write)
            return std::optional<ComponentValue>{ComponentValue::ok(ComponentValue::u64(4096))};
          if (is_environment) {
            std::vector<ComponentValue> vars;
            for (const auto& [k, v] : environment) {
              vars.push_back(
                  ComponentValue::tuple({ComponentValue::string(k), ComponentValue::string(v)}));
            }
            return std::optional<ComponentValue>{ComponentValue::list(std::move(vars))};
          }
          if (!type->result) return std::optional<ComponentValue>{};
          return std::optional<ComponentValue>{default_value(type->result)};
        });
  }

  // `skip_prefix`: imports whose name starts with it are left to someone else (e.g. "wasi:",
  // for a real WASI host defined in the same linker).
  explicit StubLinker(const Component& c, const std::string& skip_prefix = "") {
    auto skipped = [&](const std::string& name) {
      return !skip_prefix.empty() && name.rfind(skip_prefix, 0) == 0;
    };
    // Resources first: function results may name them.
    for (const ImportDef& imp : c.imports) {
      if (imp.type.sort == Sort::Type && imp.type.type_is_sub_resource) {
        resources[imp.name.text] = linker.define_resource("", imp.name.text);
      }
      if (imp.type.sort == Sort::Instance && !skipped(imp.name.text)) {
        for (const NamedExtern& e : imp.type.instance->exports) {
          if (e.type.sort == Sort::Type && e.type.type_is_sub_resource) {
            resources[imp.name.text + "#" + e.name] = linker.define_resource(imp.name.text, e.name);
          }
        }
      }
    }
    for (const ImportDef& imp : c.imports) {
      if (imp.type.sort == Sort::Func) stub_function("", imp.name.text, imp.type.func);
      if (imp.type.sort == Sort::Instance && !skipped(imp.name.text)) {
        for (const NamedExtern& e : imp.type.instance->exports) {
          if (e.type.sort == Sort::Func) stub_function(imp.name.text, e.name, e.type.func);
        }
      }
    }
  }
};

}  // namespace ironclad::component::testing
