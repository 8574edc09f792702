// A decoded and validated component: its definitions in binary order (each appends to one
// index space, as the spec builds them), the static type of every index, its imports and
// exports, and its nested core modules and components. Instantiation walks `definitions` in
// order; nothing here changes after loading.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "component/names.h"
#include "component/types.h"
#include "wasm/module.h"

namespace ironclad::component {

struct SortIndex {
  Sort sort = Sort::Func;
  CoreSort core = CoreSort::Func;  // when sort == Sort::Core
  uint32_t index = 0;
};

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };
const char* to_string(StringEncoding e);  // "utf8", "utf16", "latin1+utf16"

struct CanonOptions {
  StringEncoding encoding = StringEncoding::Utf8;
  std::optional<uint32_t> memory;       // core memory index
  std::optional<uint32_t> realloc;      // core func index
  std::optional<uint32_t> post_return;  // core func index
};

struct CoreModuleDef {
  std::shared_ptr<const wasm::Module> module;
  uint32_t offset = 0;  // of the module's first byte in the file
  uint32_t size = 0;
  std::string name;  // "core module 0" or its name section's module name
};

struct CoreInstanceDef {
  bool instantiate = false;
  uint32_t module = 0;  // instantiate
  struct Arg {
    std::string name;
    uint32_t instance = 0;
  };
  std::vector<Arg> args;  // instantiate
  struct InlineExport {
    std::string name;
    CoreSort sort = CoreSort::Func;
    uint32_t index = 0;
  };
  std::vector<InlineExport> exports;  // inline exports
};

struct InstanceDef {
  bool instantiate = false;
  uint32_t component = 0;
  struct Item {
    std::string name;
    SortIndex item;
  };
  std::vector<Item> args;     // instantiate
  std::vector<Item> exports;  // inline exports
};

struct AliasDef {
  enum class Kind : uint8_t { Export, CoreExport, Outer };
  Kind kind = Kind::Export;
  SortIndex sort;            // the sort of the new index (index unused)
  uint32_t instance = 0;     // Export, CoreExport
  std::string name;          // Export, CoreExport
  uint32_t outer_count = 0;  // Outer
  uint32_t outer_index = 0;  // Outer
};

struct CanonDef {
  enum class Kind : uint8_t { Lift, Lower, ResourceNew, ResourceDrop, ResourceRep };
  Kind kind = Kind::Lift;
  uint32_t func = 0;  // Lift: core func index; Lower: component func index
  CanonOptions options;
  const FuncType* type = nullptr;      // Lift, Lower: the component function's type
  const Resource* resource = nullptr;  // Resource*: its resource
  wasm::FuncType core_type;            // the core function's type (flattened)
};

struct ImportDef {
  ExternName name;
  ExternType type;
};

struct ExportDef {
  ExternName name;
  SortIndex item;
  ExternType type;  // the export's type (ascribed or inferred)
};

struct CustomSectionDef {
  std::string name;
  uint32_t offset = 0;  // of the payload in the file
  uint32_t size = 0;
  std::vector<uint8_t> data;
};

struct Component;

struct Definition {
  enum class Kind : uint8_t {
    CoreModule,
    CoreInstance,
    CoreType,
    Component,
    Instance,
    Alias,
    Type,
    Canon,
    Import,
    Export,
  };
  Kind kind = Kind::CoreModule;
  uint32_t index = 0;  // into the vector of this kind
};

// The static information validation derived for each index of each index space.
struct CoreFuncInfo {
  wasm::FuncType type;
};
struct CoreTypeInfo {
  const CoreModuleType* module = nullptr;  // a module type, else a function type
  wasm::FuncType func;
};
struct CoreInstanceInfo {
  std::vector<CoreExport> exports;
  const CoreExport* find(std::string_view name) const;
};

struct Component {
  std::shared_ptr<TypeArena> arena;  // shared with nested components
  uint32_t offset = 0;               // of the preamble in the file
  uint32_t size = 0;
  std::string path;  // "component", "component 1 > component 0" (for messages)

  std::vector<Definition> definitions;
  std::vector<CoreModuleDef> core_modules;
  std::vector<CoreInstanceDef> core_instances;
  std::vector<std::unique_ptr<Component>> components;
  std::vector<InstanceDef> instances;
  std::vector<AliasDef> aliases;
  std::vector<TypeDef> type_defs;  // one per type definition (Definition::Kind::Type)
  std::vector<CanonDef> canons;
  std::vector<ImportDef> imports;
  std::vector<ExportDef> exports;
  std::vector<CustomSectionDef> customs;
  bool has_start = false;

  // Index spaces (static types), as validation built them.
  struct {
    std::vector<CoreFuncInfo> funcs;
    std::vector<wasm::TableType> tables;
    std::vector<wasm::MemoryType> memories;
    std::vector<wasm::GlobalType> globals;
    std::vector<CoreTypeInfo> types;
    std::vector<const CoreModuleType*> modules;
    std::vector<CoreInstanceInfo> instances;
  } core;
  std::vector<const FuncType*> funcs;
  std::vector<TypeDef> types;
  std::vector<const ComponentType*> component_types;  // of the component index space
  std::vector<const InstanceType*> instance_types;    // of the instance index space

  // This component's own type (what a parent sees).
  const ComponentType* type = nullptr;
};

}  // namespace ironclad::component
