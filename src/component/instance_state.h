// The run-time state of component instances: per instance (the spec's ComponentInstance) its
// handle table, its may_enter / may_leave flags, the run-time resource each static resource
// type stands for, and the run-time contents of its index spaces. One Store holds the core
// instances of a whole component instance tree, so one tier runs them all.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "component/model.h"
#include "ironclad/component.h"
#include "runtime/runtime.h"

namespace ironclad::component {

struct InstanceState;
struct ComponentFunc;
struct RtInstance;

// A resource type at run time (include/ironclad/component.h): a host's, or one a component
// instance defines (`impl`, with its destructor, a core function of that instance).
class RuntimeResource : public ResourceType {
 public:
  RuntimeResource(std::string interface, std::string name)
      : ResourceType(std::move(interface), std::move(name)) {}
  bool is_host() const override { return impl == nullptr; }

  InstanceState* impl = nullptr;
  runtime::FunctionInstance* dtor = nullptr;
  std::function<void(uint32_t)> host_dtor;
};

// What a borrow handle given to a callee is scoped to: the callee's task, which must drop
// every such handle before it returns.
struct Task {
  uint32_t num_borrows = 0;
};

struct HandleEntry {
  const RuntimeResource* type = nullptr;  // null: a free slot
  uint32_t rep = 0;
  bool own = false;
  Task* borrow_scope = nullptr;  // borrow handles: the task they were lent to
  uint32_t num_lends = 0;        // own handles: borrows of it in flight
};

// The spec's per-instance table: index 0 is never used; freed slots are reused.
class HandleTable {
 public:
  static constexpr uint32_t kMaxLength = (uint32_t{1} << 28) - 1;
  // Errors are canonical ABI traps naming the index.
  Result<HandleEntry*> get(uint32_t index);
  Result<uint32_t> add(HandleEntry entry);
  Result<HandleEntry> remove(uint32_t index);
  size_t live() const;

 private:
  std::vector<HandleEntry> entries_{HandleEntry{}};
  std::vector<uint32_t> free_;
};

// Canonical options at run time.
struct RtOptions {
  StringEncoding encoding = StringEncoding::Utf8;
  runtime::Memory* memory = nullptr;
  runtime::FunctionInstance* realloc = nullptr;
  runtime::FunctionInstance* post_return = nullptr;
};

// A component-level function: lifted from a core function of some instance, or the host's.
struct ComponentFunc {
  const FuncType* type = nullptr;  // as its defining instance sees it
  std::string name;                // for messages
  // Lifted:
  InstanceState* instance = nullptr;
  runtime::FunctionInstance* core = nullptr;
  RtOptions options;
  // Host:
  const ComponentHostFunction* host = nullptr;
  bool missing = false;  // an allowed-missing host import: traps when called
  bool is_host() const { return instance == nullptr; }
};

// One item of an instance's exports (or any index space) at run time.
struct RtItem {
  Sort sort = Sort::Func;
  std::shared_ptr<ComponentFunc> func;
  std::shared_ptr<RtInstance> instance;
  const RuntimeResource* resource = nullptr;   // Sort::Type naming a resource
  std::shared_ptr<const wasm::Module> module;  // Sort::Core (a core module)
  const Component* component = nullptr;        // Sort::Component
  InstanceState* component_env = nullptr;      // where that component was defined
};

struct RtInstance {
  std::vector<std::pair<std::string, RtItem>> exports;
  const RtItem* find(std::string_view name) const {
    for (const auto& [n, item] : exports) {
      if (n == name) return &item;
    }
    return nullptr;
  }
};

struct CoreInstanceRt {
  runtime::Instance* instance = nullptr;                         // instantiated
  std::vector<std::pair<std::string, runtime::Extern>> exports;  // inline exports
  std::optional<runtime::Extern> find(std::string_view name) const;
};

struct InstanceState {
  const Component* def = nullptr;
  InstanceState* parent = nullptr;  // the instance that instantiated it (null: the root)
  InstanceState* env = nullptr;     // where its definition sits (outer aliases resolve there)
  std::string path;                 // "component", "component > instance 2" (messages)
  HandleTable handles;
  bool may_enter = true;
  bool may_leave = true;
  std::unordered_map<const Resource*, const RuntimeResource*> resources;

  // Index spaces.
  std::vector<std::shared_ptr<const wasm::Module>> core_modules;
  std::vector<CoreInstanceRt> core_instances;
  std::vector<runtime::FunctionInstance*> core_funcs;
  std::vector<runtime::Table*> core_tables;
  std::vector<runtime::Memory*> core_memories;
  std::vector<runtime::Global*> core_globals;
  std::vector<std::shared_ptr<ComponentFunc>> funcs;
  std::vector<std::shared_ptr<RtInstance>> instances;
  std::vector<RtItem> components;
  std::vector<const RuntimeResource*> types;  // per type index: its resource, or null

  // Export items of this instance (what a parent's alias sees).
  RtInstance exports;

  // The run-time resource of a static one, or null (a bug: every resource is bound when its
  // type index is made).
  const RuntimeResource* resource(const Resource* r) const {
    auto it = resources.find(r);
    return it == resources.end() ? nullptr : it->second;
  }
};

// A canonical-ABI trap: TrapKind::CanonicalAbi with the message.
inline Error abi_trap(std::string message) {
  return Error::make_trap(TrapKind::CanonicalAbi, std::move(message));
}

}  // namespace ironclad::component
