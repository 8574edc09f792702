// The Linker: a registry of external values by (module, field) that resolves a module's
// imports by name before handing them to Store::instantiate.
#include "runtime/runtime.h"

namespace ironclad::runtime {
namespace {

// Wasm names are any UTF-8, NUL included, so a separator alone could be ambiguous;
// prefixing the module name's length makes the key unique.
std::string key_of(std::string_view module, std::string_view field) {
  std::string key = std::to_string(module.size());
  key.push_back(':');
  key.append(module);
  key.append(field);
  return key;
}

std::string quoted(std::string_view module, std::string_view field) {
  return "\"" + std::string(module) + "\" \"" + std::string(field) + "\"";
}

}  // namespace

void Linker::define(std::string module, std::string field, Extern value) {
  defs_[key_of(module, field)] = value;
}

void Linker::define_function(Store& store, std::string module, std::string field,
                             const wasm::FuncType& type, HostFunction fn) {
  define(std::move(module), std::move(field),
         Extern{wasm::ExternKind::Func, store.create_host_function(type, std::move(fn)), nullptr,
                nullptr, nullptr});
}

void Linker::define_instance(std::string module, const Instance& instance) {
  if (!instance.module) return;
  for (const wasm::Export& e : instance.module->exports) {
    auto value = instance.get_export(e.name);
    if (value.ok()) define(module, e.name, *value);
  }
}

const Extern* Linker::find(std::string_view module, std::string_view field) const {
  auto it = defs_.find(key_of(module, field));
  return it == defs_.end() ? nullptr : &it->second;
}

Result<Instance*> Linker::instantiate(Store& store, std::shared_ptr<const wasm::Module> module) {
  if (!module) return Error::make(ErrorKind::Usage, "instantiate: no module");
  std::vector<Extern> imports;
  imports.reserve(module->imports.size());
  for (size_t i = 0; i < module->imports.size(); ++i) {
    const wasm::Import& imp = module->imports[i];
    const Extern* value = find(imp.module, imp.field);
    if (value == nullptr) {
      return Error::make(ErrorKind::Link, "unknown import: " + quoted(imp.module, imp.field) +
                                              " (import " + std::to_string(i) + ", a " +
                                              wasm::to_string(imp.kind) + ")");
    }
    imports.push_back(*value);
  }
  return store.instantiate(std::move(module), imports);
}

}  // namespace ironclad::runtime
