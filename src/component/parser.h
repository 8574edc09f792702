// The one-pass decoder and validator behind load_component (loader.h). Split over
// parse_*.cpp by section kind; this header is private to src/component.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "component/model.h"
#include "ironclad/error.h"
#include "wasm/reader.h"

namespace ironclad::component {

// What an outer alias can reach: a component definition, or a component or instance type
// being declared (each has its own type index spaces).
struct Scope {
  Component* component = nullptr;  // set for a component definition
  std::vector<TypeDef>* types = nullptr;
  std::vector<CoreTypeInfo>* core_types = nullptr;
};

// A component or instance type under declaration.
struct DeclScope {
  std::vector<TypeDef> types;
  std::vector<CoreTypeInfo> core_types;
  std::vector<NamedExtern> imports;  // component types only
  std::vector<NamedExtern> exports;
  std::vector<const Resource*> import_resources;
  std::vector<const Resource*> export_resources;
  std::vector<std::string> import_keys, export_keys;  // strongly-unique names
  std::vector<const InstanceType*> instances;         // the instance index space, in order
};

class Parser {
 public:
  Parser(std::span<const uint8_t> file, std::string file_name);
  Result<std::unique_ptr<Component>> parse(uint32_t begin, uint32_t end, std::string path,
                                           uint32_t depth);

 private:
  using R = wasm::Reader;

  // Errors: the file, the component path, the current item, then what.
  Error invalid(const std::string& what) const;
  Error malformed(const std::string& what) const;
  Error wrap(Error inner) const;  // prefixes a Reader or nested error with the location
  void set_item(const char* section, const char* item, uint32_t index, uint32_t offset);

  // Sections.
  Result<void> parse_section(R& r, uint8_t id, uint32_t size, uint32_t depth);
  Result<void> core_module_section(uint32_t begin, uint32_t end);
  Result<void> core_instance_section(R& r);
  Result<void> core_type_section(R& r);
  Result<void> component_section(uint32_t begin, uint32_t end, uint32_t depth);
  Result<void> instance_section(R& r);
  Result<void> alias_section(R& r);
  Result<void> type_section(R& r);
  Result<void> canon_section(R& r);
  Result<void> import_section(R& r);
  Result<void> export_section(R& r);

  // Items.
  Result<void> core_instance(R& r);
  Result<void> instance(R& r);
  Result<AliasDef> read_alias(R& r);
  Result<void> alias(R& r);
  Result<void> canon(R& r);
  Result<void> import(R& r);
  Result<void> export_(R& r);

  // Types (parse_types.cpp). `scope` is where indices resolve; `in_decl` forbids resource
  // definitions (only component definitions may define resources).
  Result<const ValType*> read_valtype(R& r, Scope& scope);
  Result<TypeDef> read_deftype(R& r, Scope& scope, bool in_decl, uint32_t depth);
  Result<const ValType*> read_defvaltype(R& r, uint8_t code, Scope& scope);
  Result<const FuncType*> read_functype(R& r, Scope& scope);
  Result<const InstanceType*> read_instancetype(R& r, uint32_t depth);
  Result<const ComponentType*> read_componenttype(R& r, uint32_t depth);
  Result<void> read_decl(R& r, DeclScope& decl, Scope& scope, bool component_type, uint32_t depth);
  Result<ExternType> read_externtype(R& r, Scope& scope, const std::string& name,
                                     const std::string& interface,
                                     std::vector<const Resource*>* fresh);
  Result<std::string> read_extern_name(R& r);
  Result<CoreTypeInfo> read_core_type(R& r, Scope& scope, bool in_module_type);
  Result<const CoreModuleType*> read_core_moduletype(R& r, Scope& scope);
  Result<CoreExternType> read_core_externtype(R& r, const std::vector<CoreTypeInfo>& types);
  Result<wasm::FuncType> read_core_functype(R& r);
  Result<TypeDef> outer_type(uint32_t count, uint32_t index, bool core, CoreTypeInfo* core_out);

  // Index space helpers (the current component).
  Result<const ValType*> value_type_at(Scope& scope, uint32_t index);
  Result<TypeDef> type_at(Scope& scope, uint32_t index);
  Result<const Resource*> resource_at(Scope& scope, uint32_t index);
  Result<ExternType> extern_of(const SortIndex& item);
  Result<CoreExternType> core_extern_of(CoreSort sort, uint32_t index);
  Result<void> push_extern(const ExternType& type, const std::string& name);
  Result<void> check_index(uint32_t index, size_t size, const char* what);

  // Canonical ABI requirements (parse_canon.cpp).
  Result<CanonOptions> read_canon_options(R& r);
  Result<void> check_lift_lower_options(const CanonOptions& o, const FuncType& f, bool lift,
                                        const wasm::FuncType& core_type);

  std::span<const uint8_t> file_;
  std::string file_name_;
  std::shared_ptr<TypeArena> arena_;
  Component* current_ = nullptr;  // the component being parsed
  std::vector<Scope> scopes_;     // innermost last
  std::string where_;             // "component > component 0, type section, type 5 at offset 0x12"
  std::string path_;              // "component > component 0"
};

// The canonical ABI's flattened core signature of a component function: `lift` is what a
// lifted core function has, `lower` what a lowered one gets.
wasm::FuncType flat_signature(const FuncType& f, bool lift);
// Whether lifting/lowering values of the type touches linear memory, and whether it needs
// the guest's realloc (strings and lists go through memory).
bool needs_memory(const ValType* t);

}  // namespace ironclad::component
