// Components, as an embedding application sees them: typed values (ComponentValue), host
// functions and resources registered per interface (ComponentLinker), and component instances
// whose exports are called by name with typed values (ComponentInstance). The canonical ABI
// between these values and a component's linear memory is Ironclad's job: every guest
// pointer, length, string, discriminant and handle is checked, and bad guest data is a trap
// naming what was wrong, never a fault of the application (docs/components.md).
//
// Nothing here throws, aborts or exits: errors are values (ironclad/error.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ironclad/error.h"

namespace ironclad {

enum class ComponentValueKind : uint8_t {
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
  List,
  Record,
  Tuple,
  Variant,
  Enum,
  Option,
  Result,
  Flags,
  Own,
  Borrow,
};
const char* to_string(ComponentValueKind kind);

// A resource type at run time: one the host defines (ComponentLinker::define_resource) or one
// a component instance defines. Handles (own, borrow) name it; each instance of a component
// that defines a resource makes a new one.
class ResourceType {
 public:
  ResourceType(std::string interface, std::string name)
      : interface_(std::move(interface)), name_(std::move(name)) {}
  virtual ~ResourceType() = default;
  ResourceType(const ResourceType&) = delete;
  ResourceType& operator=(const ResourceType&) = delete;
  const std::string& interface() const { return interface_; }  // "wasi:io/streams@0.2.6", or ""
  const std::string& name() const { return name_; }            // "output-stream"
  // "wasi:io/streams@0.2.6#output-stream", or the name alone.
  std::string describe() const { return interface_.empty() ? name_ : interface_ + "#" + name_; }
  virtual bool is_host() const = 0;

 private:
  std::string interface_, name_;
};

// A value of a component type. Scalars live in `bits` (integers sign- or zero-extended, floats
// as their bit patterns, char as its code point, the case of a variant, enum, option (0 none,
// 1 some) or result (0 ok, 1 error), the bits of flags, the representation of a handle);
// strings are UTF-8; lists, records and tuples keep their elements in `items`, a variant,
// option or result its payload (none or one item). Records are positional: field i is items[i].
struct ComponentValue {
  ComponentValueKind kind = ComponentValueKind::Bool;
  uint64_t bits = 0;
  std::string text;
  std::vector<ComponentValue> items;
  const ResourceType* resource = nullptr;  // Own, Borrow
  // Canonical ABI bookkeeping for a string lifted from a component: its encoding there and its
  // length in code units, so that transcoding into another component allocates as the spec
  // says. Zero for strings made by the host (UTF-8).
  uint8_t source_encoding = 0;
  uint32_t source_units = 0;

  static ComponentValue boolean(bool v) { return scalar(ComponentValueKind::Bool, v ? 1 : 0); }
  static ComponentValue s8(int8_t v) {
    return scalar(ComponentValueKind::S8, static_cast<uint64_t>(int64_t{v}));
  }
  static ComponentValue u8(uint8_t v) { return scalar(ComponentValueKind::U8, v); }
  static ComponentValue s16(int16_t v) {
    return scalar(ComponentValueKind::S16, static_cast<uint64_t>(int64_t{v}));
  }
  static ComponentValue u16(uint16_t v) { return scalar(ComponentValueKind::U16, v); }
  static ComponentValue s32(int32_t v) {
    return scalar(ComponentValueKind::S32, static_cast<uint64_t>(int64_t{v}));
  }
  static ComponentValue u32(uint32_t v) { return scalar(ComponentValueKind::U32, v); }
  static ComponentValue s64(int64_t v) {
    return scalar(ComponentValueKind::S64, static_cast<uint64_t>(v));
  }
  static ComponentValue u64(uint64_t v) { return scalar(ComponentValueKind::U64, v); }
  static ComponentValue f32(float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    return scalar(ComponentValueKind::F32, b);
  }
  static ComponentValue f64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return scalar(ComponentValueKind::F64, b);
  }
  static ComponentValue character(uint32_t code_point) {
    return scalar(ComponentValueKind::Char, code_point);
  }
  static ComponentValue string(std::string utf8) {
    ComponentValue v;
    v.kind = ComponentValueKind::String;
    v.text = std::move(utf8);
    return v;
  }
  static ComponentValue list(std::vector<ComponentValue> items) {
    return aggregate(ComponentValueKind::List, std::move(items));
  }
  static ComponentValue record(std::vector<ComponentValue> fields) {
    return aggregate(ComponentValueKind::Record, std::move(fields));
  }
  static ComponentValue tuple(std::vector<ComponentValue> items) {
    return aggregate(ComponentValueKind::Tuple, std::move(items));
  }
  static ComponentValue variant(uint32_t case_index,
                                std::optional<ComponentValue> payload = std::nullopt) {
    return with_case(ComponentValueKind::Variant, case_index, std::move(payload));
  }
  static ComponentValue enumeration(uint32_t case_index) {
    return scalar(ComponentValueKind::Enum, case_index);
  }
  static ComponentValue none() { return with_case(ComponentValueKind::Option, 0, std::nullopt); }
  static ComponentValue some(ComponentValue v) {
    return with_case(ComponentValueKind::Option, 1, std::move(v));
  }
  static ComponentValue ok(std::optional<ComponentValue> v = std::nullopt) {
    return with_case(ComponentValueKind::Result, 0, std::move(v));
  }
  static ComponentValue err(std::optional<ComponentValue> v = std::nullopt) {
    return with_case(ComponentValueKind::Result, 1, std::move(v));
  }
  static ComponentValue flags(uint32_t bits) { return scalar(ComponentValueKind::Flags, bits); }
  static ComponentValue own(const ResourceType* type, uint32_t rep) {
    return handle(ComponentValueKind::Own, type, rep);
  }
  static ComponentValue borrow(const ResourceType* type, uint32_t rep) {
    return handle(ComponentValueKind::Borrow, type, rep);
  }

  bool as_bool() const { return bits != 0; }
  int64_t as_s64() const { return static_cast<int64_t>(bits); }
  uint64_t as_u64() const { return bits; }
  uint32_t as_u32() const { return static_cast<uint32_t>(bits); }
  float as_f32() const {
    uint32_t b = static_cast<uint32_t>(bits);
    float v;
    std::memcpy(&v, &b, 4);
    return v;
  }
  double as_f64() const {
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  uint32_t discriminant() const {
    return static_cast<uint32_t>(bits);
  }  // variant, enum, option, result
  const ComponentValue* payload() const { return items.empty() ? nullptr : &items[0]; }
  uint32_t rep() const { return static_cast<uint32_t>(bits); }  // own, borrow

  // WAST-like text, e.g. `(record (u32.const 1) (str.const "a"))`, for messages and tests.
  std::string to_string() const;
  // Structural equality (floats by bits, handles by type and rep).
  bool operator==(const ComponentValue& o) const;

 private:
  static ComponentValue scalar(ComponentValueKind k, uint64_t b) {
    ComponentValue v;
    v.kind = k;
    v.bits = b;
    return v;
  }
  static ComponentValue aggregate(ComponentValueKind k, std::vector<ComponentValue> items) {
    ComponentValue v;
    v.kind = k;
    v.items = std::move(items);
    return v;
  }
  static ComponentValue with_case(ComponentValueKind k, uint32_t c,
                                  std::optional<ComponentValue> payload) {
    ComponentValue v;
    v.kind = k;
    v.bits = c;
    if (payload) v.items.push_back(std::move(*payload));
    return v;
  }
  static ComponentValue handle(ComponentValueKind k, const ResourceType* type, uint32_t rep) {
    ComponentValue v;
    v.kind = k;
    v.resource = type;
    v.bits = rep;
    return v;
  }
};

// A host function. It receives the arguments (already lifted and checked against the
// function's type, which the importing component declares) and returns its result, if the
// type has one; the result is checked against the type before it enters the component. An
// own handle argument of a host resource passes ownership to the host; a borrow is valid
// for the call only. An Error return traps the calling component (an Exit error, like WASI's
// exit, ends the call with that status).
using ComponentHostFunction =
    std::function<Result<std::optional<ComponentValue>>(std::vector<ComponentValue>& args)>;

// What the host provides to components, by interface: functions and resource types under an
// interface name ("wasi:io/streams@0.2.6") or at the top level (""). A versioned interface
// also links imports of any semver-compatible version (an extension built against
// `wasi:io/streams@0.2.3` links to a host defining 0.2.6; the newest compatible wins).
// The linker must outlive the instances made with it.
class ComponentLinker {
 public:
  ComponentLinker();
  ~ComponentLinker();
  ComponentLinker(const ComponentLinker&) = delete;
  ComponentLinker& operator=(const ComponentLinker&) = delete;

  void define_function(std::string_view interface, std::string_view name, ComponentHostFunction fn);
  // A host resource type. `destructor` runs with the representation when a component drops
  // the last own handle it was given (not when the host gets the handle back).
  const ResourceType* define_resource(std::string_view interface, std::string_view name,
                                      std::function<void(uint32_t rep)> destructor = {});
  // Allows importing `interface` without defining it: every function it imports traps when
  // called (with "not provided by the host"). For tests and for hosts that deny a capability.
  void allow_missing(std::string_view interface);

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// A component instance: call its exports by name.
class ComponentInstance {
 public:
  virtual ~ComponentInstance() = default;
  // Calls an exported function: "name" at the top level, "interface#name" in an exported
  // instance ("wasi:cli/run@0.2.0#run"). Arguments must match the function's type (a Usage
  // error says which does not). Errors: Usage, Trap (a wasm trap, or a canonical ABI
  // violation: TrapKind::CanonicalAbi), Exit, CpuIncompatibility, EngineFault.
  virtual Result<std::optional<ComponentValue>> call(std::string_view export_name,
                                                     std::vector<ComponentValue> args) = 0;
  // Drops an own handle the host received of a resource this component defines (runs its
  // destructor in the component).
  virtual Result<void> drop(const ComponentValue& own) = 0;
  // Every callable export, as call() names it.
  virtual std::vector<std::string> function_names() const = 0;
};

}  // namespace ironclad
