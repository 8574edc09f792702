// What a ComponentLinker holds (include/ironclad/component.h): host functions and resource
// types by interface, and the semver-compatible lookup that links an import to them.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "component/instance_state.h"
#include "component/names.h"
#include "ironclad/component.h"

namespace ironclad {

struct ComponentLinker::Impl {
  struct Interface {
    std::string name;         // as defined: "wasi:io/streams@0.2.6", or "" (top level)
    std::string unversioned;  // "wasi:io/streams"
    std::optional<component::SemVer> version;
    std::unordered_map<std::string, ComponentHostFunction> functions;
    std::unordered_map<std::string, std::unique_ptr<component::RuntimeResource>> resources;
  };
  std::vector<std::unique_ptr<Interface>> interfaces;
  std::set<std::string> allowed_missing;  // interface names as given (unversioned matches all)

  Interface& get_or_create(std::string_view name);
  // The interface an import named `import_name` links to: the same name, else the newest
  // defined version semver-compatible with the import's. Null when there is none.
  const Interface* find(std::string_view import_name) const;
  bool missing_allowed(std::string_view import_name) const;
};

}  // namespace ironclad
