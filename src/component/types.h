// The Component Model's types as validation and the canonical ABI see them: value types
// (records, variants, lists, handles...), function types, resource types, instance and
// component types, and the core types a component mentions.
//
// Every type lives in a TypeArena and is immutable once made. Value types are hash-consed:
// each node points at its `canonical` node (the same structure without names), so type
// equality is a pointer comparison however large the types (a hostile component can build a
// type whose tree is exponential in its size). Resource types are compared by identity.
// Each value type carries its canonical ABI layout (size, alignment, flat core types),
// computed once when it is made.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ironclad/value.h"
#include "wasm/module.h"

namespace ironclad::component {

enum class TypeKind : uint8_t {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  Record,
  Variant,
  List,
  Tuple,
  Flags,
  Enum,
  Option,
  Result,
  Own,
  Borrow,
};
const char* to_string(TypeKind kind);  // "bool", "record", ...
inline bool is_primitive(TypeKind k) {
  return k <= TypeKind::String;
}

struct ValType;
struct Resource;

struct Field {
  std::string name;  // empty for tuple elements
  const ValType* type = nullptr;
};

struct Case {
  std::string name;
  const ValType* type = nullptr;  // null: no payload
};

// The limits validation enforces on every value type (the spec's elem_size bound, and ours
// on depth and size so that no recursion over a type can exhaust the stack or take forever).
inline constexpr uint32_t kMaxTypeDepth = 100;
inline constexpr uint64_t kMaxTypeSize = 1'000'000;  // nodes of the type's tree
inline constexpr uint64_t kMaxElemSize = (uint64_t{1} << 28) - 1;
inline constexpr uint32_t kMaxFlags = 32;

struct ValType {
  TypeKind kind = TypeKind::Bool;
  std::vector<Field> fields;           // Record, Tuple
  std::vector<Case> cases;             // Variant
  std::vector<std::string> labels;     // Flags, Enum
  const ValType* elem = nullptr;       // List, Option, Result's ok type (may be null)
  const ValType* err = nullptr;        // Result's error type (may be null)
  const Resource* resource = nullptr;  // Own, Borrow

  // The name this node was given by a type import or export (`(eq T)`), e.g. "command", and
  // the interface that exports it ("zed:extension/lsp"; empty at component level). Names do
  // not take part in equality; WIT printing uses them.
  std::string name;
  std::string interface;

  // Filled by the arena.
  const ValType* canonical = nullptr;   // the unnamed structural representative
  uint32_t size = 0;                    // canonical ABI elem_size
  uint32_t align = 1;                   // canonical ABI alignment
  std::vector<ironclad::ValType> flat;  // flattened core types (capped at kMaxFlatKept)
  bool flat_overflow = false;           // more than kMaxFlatKept flat values
  uint32_t depth = 1;
  uint64_t tree_size = 1;
  bool has_borrow = false;    // transitively contains a borrow handle
  bool has_resource = false;  // transitively contains a handle
  bool has_memory = false;    // transitively contains a string or a list (goes through memory)

  // Despecialised views: a tuple is a record, enum/option/result are variants.
  size_t num_cases() const;
  const ValType* case_type(size_t i) const;  // null: no payload
  // The discriminant's byte size for a variant-like type with n cases.
  static uint32_t discriminant_size(size_t n);
};

// Flat values kept per type: more than this many never fit in a flat signature anyway.
inline constexpr size_t kMaxFlatKept = 17;

// A resource type. Defined resources are generative: each instance of the defining component
// makes a new one at run time; this object is the static identity validation works with.
struct Resource {
  uint32_t id = 0;
  std::string name;              // for messages and WIT: the import/export name ("output-stream")
  std::string interface;         // the interface it belongs to, "" at component level
  bool defined = false;          // (type (resource (rep i32) ...)) in a component
  std::optional<uint32_t> dtor;  // core function index in the defining component
  const void* owner = nullptr;   // the defining Component (model.h), for defined resources
};

struct FuncType {
  std::vector<Field> params;
  const ValType* result = nullptr;  // null: no result
  // Canonical ABI, computed by the arena.
  std::vector<ironclad::ValType> flat_params;  // before the 16-value limit applies
  bool params_overflow = false;                // more than 16: passed through memory
  bool result_overflow = false;                // more than 1: returned through memory
  bool has_borrow_result = false;
};

struct InstanceType;
struct ComponentType;
struct CoreModuleType;

// What a type index names.
struct TypeDef {
  enum class Kind : uint8_t { None, Value, Func, Component, Instance, Resource };
  Kind kind = Kind::None;
  const ValType* value = nullptr;
  const FuncType* func = nullptr;
  const ComponentType* component = nullptr;
  const InstanceType* instance = nullptr;
  const Resource* resource = nullptr;
};
const char* to_string(TypeDef::Kind kind);

// Sorts of the component level; the core sorts are those of core:sort.
enum class CoreSort : uint8_t {
  Func = 0x00,
  Table = 0x01,
  Memory = 0x02,
  Global = 0x03,
  Tag = 0x04,
  Type = 0x10,
  Module = 0x11,
  Instance = 0x12,
};
enum class Sort : uint8_t {
  Core = 0x00,
  Func = 0x01,
  Value = 0x02,
  Type = 0x03,
  Component = 0x04,
  Instance = 0x05
};
const char* to_string(CoreSort sort);
const char* to_string(Sort sort);

// The type of an import or export.
struct ExternType {
  Sort sort = Sort::Func;  // Core means `core module`
  const CoreModuleType* module = nullptr;
  const FuncType* func = nullptr;
  const ValType* value = nullptr;     // Sort::Value
  TypeDef type;                       // Sort::Type: what the new type index names
  bool type_is_sub_resource = false;  // Sort::Type: bound (sub resource), else (eq ...)
  uint32_t eq_index = 0;              // Sort::Type with an (eq i) bound: i, in its scope
  const ComponentType* component = nullptr;
  const InstanceType* instance = nullptr;
};

struct NamedExtern {
  std::string name;
  ExternType type;
};

struct InstanceType {
  std::vector<NamedExtern> exports;
  // The abstract resources its `(export "r" (type (sub resource)))` declarations introduce:
  // each import of the type binds them afresh.
  std::vector<const Resource*> abstract_resources;
  const NamedExtern* find(std::string_view name) const;
};

struct ComponentType {
  std::vector<NamedExtern> imports;
  std::vector<NamedExtern> exports;
  // The resources this type's imports introduce (bound by instantiation arguments), and
  // those its exports introduce (fresh for every instance).
  std::vector<const Resource*> import_resources;
  std::vector<const Resource*> export_resources;
};

// Core extern types, for core modules and instances.
struct CoreExternType {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  wasm::FuncType func;
  wasm::TableType table;
  wasm::MemoryType memory;
  wasm::GlobalType global;
};
std::string describe(const CoreExternType& t);  // "func (i32) -> ()", "memory 1..2"

struct CoreImport {
  std::string module, field;
  CoreExternType type;
};
struct CoreExport {
  std::string name;
  CoreExternType type;
};
struct CoreModuleType {
  std::vector<CoreImport> imports;
  std::vector<CoreExport> exports;
  const CoreExport* find_export(std::string_view name) const;
};

// Owns every type of one component file (nested components share their parent's arena, so
// outer aliases are plain pointers).
class TypeArena {
 public:
  TypeArena();
  TypeArena(const TypeArena&) = delete;
  TypeArena& operator=(const TypeArena&) = delete;

  const ValType* primitive(TypeKind kind) const { return primitives_[static_cast<size_t>(kind)]; }
  // Finishes a node (layout, canonical form, limits) and takes it. Errors (as text) when the
  // type breaks a limit: "type nesting deeper than 100", "type too large", ...
  const ValType* make(ValType node, std::string* error);
  // The same type under a name (a type import or export with an `eq` bound).
  const ValType* named(const ValType* type, std::string name, std::string interface);
  const FuncType* make_func(FuncType type);
  Resource* make_resource(std::string name, bool defined);
  const InstanceType* make_instance(InstanceType type);
  const ComponentType* make_component(ComponentType type);
  const CoreModuleType* make_core_module(CoreModuleType type);

  // The types with every resource in `map` replaced by its image (unchanged when none occurs).
  using ResourceMap = std::unordered_map<const Resource*, const Resource*>;
  const ValType* substitute(const ValType* t, const ResourceMap& map);
  const FuncType* substitute(const FuncType* t, const ResourceMap& map);
  const InstanceType* substitute(const InstanceType* t, const ResourceMap& map);
  const ComponentType* substitute(const ComponentType* t, const ResourceMap& map);
  TypeDef substitute(const TypeDef& t, const ResourceMap& map);
  ExternType substitute(const ExternType& t, const ResourceMap& map);

 private:
  std::deque<ValType> values_;
  std::deque<FuncType> funcs_;
  std::deque<Resource> resources_;
  std::deque<InstanceType> instances_;
  std::deque<ComponentType> components_;
  std::deque<CoreModuleType> modules_;
  std::unordered_map<std::string, const ValType*> canonical_;  // structural key -> node
  const ValType* primitives_[static_cast<size_t>(TypeKind::String) + 1] = {};
  uint32_t next_resource_id_ = 1;
};

// Type equality: structural, resources by identity (value types are hash-consed, so this
// is a pointer comparison).
inline bool same_type(const ValType* a, const ValType* b) {
  return a == b || (a && b && a->canonical == b->canonical);
}
bool same_func(const FuncType& a, const FuncType& b);
bool same_typedef(const TypeDef& a, const TypeDef& b);
// Whether a core item of type `actual` may be given where `expected` is imported (limits
// may be narrower, function and global types must be equal).
bool core_extern_matches(const CoreExternType& actual, const CoreExternType& expected);

// WIT-like text for messages: "list<tuple<string, u32>>", "own<descriptor>", named types by
// name.
std::string describe(const ValType* t);
std::string describe(const FuncType& f);
std::string describe(const ExternType& t);

}  // namespace ironclad::component
