// A component instance: instantiation (walking a component's definitions in order against a
// host ComponentLinker, recursively for nested components), the calls across the canonical
// ABI in both directions, and the resource built-ins. It owns the Store that holds every core
// instance of the tree, so the Store's tier runs all of its inner modules.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/instance_state.h"
#include "component/model.h"
#include "ironclad/component.h"
#include "runtime/runtime.h"

namespace ironclad::component {

class ComponentInstanceImpl final : public ComponentInstance {
 public:
  // Instantiates `component` in `store` (which the instance keeps). Errors: Link (an import
  // the linker does not provide, all of them named at once), Trap/Exit (a core module's start
  // function), Exhausted, Internal.
  static Result<std::unique_ptr<ComponentInstanceImpl>> create(
      std::shared_ptr<const Component> component, const ComponentLinker& linker,
      std::unique_ptr<runtime::Store> store);
  ~ComponentInstanceImpl() override;

  Result<std::optional<ComponentValue>> call(std::string_view export_name,
                                             std::vector<ComponentValue> args) override;
  Result<void> drop(const ComponentValue& own) override;
  std::vector<std::string> function_names() const override;

  // The exported function `name` ("f" or "iface#f"), or a Usage error naming it.
  Result<std::shared_ptr<ComponentFunc>> find_function(std::string_view name) const;
  runtime::Store& store() { return *store_; }
  InstanceState& root() { return *states_.front(); }
  const Component& component() const { return *component_; }

  // Calls a component function (lifted or the host's) from `caller` (null: the host).
  Result<std::optional<ComponentValue>> call_function(ComponentFunc& f,
                                                      std::vector<ComponentValue>& args,
                                                      InstanceState* caller);

 private:
  ComponentInstanceImpl() = default;
  struct Instantiator;
  friend struct Instantiator;

  Result<std::optional<ComponentValue>> call_lifted(ComponentFunc& f,
                                                    std::vector<ComponentValue>& args,
                                                    InstanceState* caller);
  Result<void> run_destructor(const RuntimeResource& r, uint32_t rep, InstanceState* caller);

  // Core functions the canonical definitions become (host functions of the Store).
  runtime::FunctionInstance* make_lowered(InstanceState& s, std::shared_ptr<ComponentFunc> callee,
                                          const CanonDef& def, RtOptions options);
  runtime::FunctionInstance* make_resource_builtin(InstanceState& s, const CanonDef& def);

  // The host's handle table for this component's resources: the own handles the host holds
  // (from export results and host-function arguments), counted by type and representation.
  // A handle the host passes back (moved as own, lent as borrow) or drops must be one of
  // them, as a component's handle table would require; a stale one is a Usage error, never a
  // dangling representation handed to the guest.
  void host_receives(const ComponentValue& v);
  Result<void> host_gives(std::span<const ComponentValue> values, const std::string& what,
                          bool commit);

  std::map<std::pair<const ResourceType*, uint32_t>, uint32_t> host_owned_;
  std::shared_ptr<const Component> component_;
  const ComponentLinker* linker_ = nullptr;
  std::deque<std::unique_ptr<InstanceState>> states_;       // the root first
  std::deque<std::unique_ptr<RuntimeResource>> resources_;  // resources the instances define
  // Declared last: destroyed first, before the states its host functions point into.
  std::unique_ptr<runtime::Store> store_;
};

// Where in a component a CPU or engine fault happened, from its innermost backtrace frame:
// "core module 1 `name`, function 12 `mul_loop`" ("" without a backtrace).
std::string locate_fault(const Component& c, const Error& fault);

}  // namespace ironclad::component
