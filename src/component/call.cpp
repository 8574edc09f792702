// Calls across the canonical ABI: into a lifted function (lower the arguments into the
// callee, call its core function, lift the result, post-return), out of a lowered one (lift
// the arguments out of the caller, call the callee, lower the result back), and the
// resource built-ins. The may_enter / may_leave flags of CanonicalABI.md forbid reentering an
// instance that is on the stack and leaving one while it runs realloc or post-return.
#include <cstdio>
#include <functional>

#include "component/abi.h"
#include "component/instance.h"

namespace ironclad::component {

namespace {

constexpr size_t kMaxFlatParams = 16;
constexpr size_t kMaxFlatResults = 1;

std::vector<const ValType*> param_types(const FuncType& f) {
  std::vector<const ValType*> out;
  out.reserve(f.params.size());
  for (const Field& p : f.params) out.push_back(p.type);
  return out;
}

// The spec's entering set: the callee and its ancestors, less the caller's.
std::vector<InstanceState*> entering_set(InstanceState* callee, InstanceState* caller) {
  std::vector<InstanceState*> caller_chain;
  for (InstanceState* i = caller; i; i = i->parent) caller_chain.push_back(i);
  std::vector<InstanceState*> out;
  for (InstanceState* i = callee; i; i = i->parent) {
    bool shared = false;
    for (InstanceState* c : caller_chain) shared |= c == i;
    if (!shared) out.push_back(i);
  }
  return out;
}

// Clears may_enter on the entering set for the duration of a call.
class Entered {
 public:
  static Result<Entered> enter(InstanceState* callee, InstanceState* caller,
                               const std::string& what) {
    Entered e;
    e.set_ = entering_set(callee, caller);
    for (InstanceState* i : e.set_) {
      if (!i->may_enter) {
        e.set_.clear();
        return abi_trap("cannot enter component instance: " + i->path + " is already running (" +
                        what + " would reenter it)");
      }
    }
    for (InstanceState* i : e.set_) i->may_enter = false;
    return e;
  }
  Entered() = default;
  Entered(Entered&& o) noexcept : set_(std::move(o.set_)) { o.set_.clear(); }
  Entered& operator=(Entered&&) = delete;
  ~Entered() {
    for (InstanceState* i : set_) i->may_enter = true;
  }

 private:
  std::vector<InstanceState*> set_;
};

// A host function's error becomes a trap of the calling component, except those that must
// keep their kind (exit, traps, CPU and engine faults of a component the host called).
Error from_host(const std::string& name, Error e) {
  switch (e.kind) {
    case ErrorKind::Exit:
    case ErrorKind::Trap:
    case ErrorKind::CpuIncompatibility:
    case ErrorKind::EngineFault:
    case ErrorKind::Exhausted:
    case ErrorKind::Timeout:
      return e;
    default: {
      Error t = Error::make_trap(TrapKind::HostTrap,
                                 "host function `" + name + "` failed: " + e.describe());
      return t;
    }
  }
}

// Calls `fn` on every own and borrow handle inside `v`, outermost first.
template <typename Fn>
void for_each_handle(const ComponentValue& v, Fn&& fn) {
  if (v.kind == ComponentValueKind::Own || v.kind == ComponentValueKind::Borrow) fn(v);
  for (const ComponentValue& item : v.items) for_each_handle(item, fn);
}

bool guest_resource(const ComponentValue& v) {
  return v.resource && !static_cast<const RuntimeResource*>(v.resource)->is_host();
}

}  // namespace

void ComponentInstanceImpl::host_receives(const ComponentValue& v) {
  for_each_handle(v, [&](const ComponentValue& h) {
    if (h.kind == ComponentValueKind::Own && guest_resource(h))
      ++host_owned_[{h.resource, h.rep()}];
  });
}

Result<void> ComponentInstanceImpl::host_gives(std::span<const ComponentValue> values,
                                               const std::string& what, bool commit) {
  auto owned = host_owned_;
  std::string stale;
  for (const ComponentValue& v : values) {
    for_each_handle(v, [&](const ComponentValue& h) {
      if (!guest_resource(h) || !stale.empty()) return;
      auto it = owned.find({h.resource, h.rep()});
      if (it == owned.end() || it->second == 0) {
        stale = std::string(h.kind == ComponentValueKind::Own ? "an own" : "a borrow") +
                " handle of `" + h.resource->describe() + "` (representation " +
                std::to_string(h.rep()) + ") that the host does not hold: it was dropped, " +
                "moved into the component, or never received";
        return;
      }
      if (h.kind == ComponentValueKind::Own && --it->second == 0) owned.erase(it);
    });
  }
  if (!stale.empty()) return Error::make(ErrorKind::Usage, what + ": " + stale);
  if (commit) host_owned_ = std::move(owned);
  return {};
}

Result<std::optional<ComponentValue>> ComponentInstanceImpl::call_function(
    ComponentFunc& f, std::vector<ComponentValue>& args, InstanceState* caller) {
  if (f.missing)
    return Error::make_trap(TrapKind::HostTrap, "`" + f.name + "` is not provided by the host");
  if (!f.is_host()) return call_lifted(f, args, caller);
  auto result = (*f.host)(args);
  if (!result.ok()) return from_host(f.name, std::move(result).error());
  if (f.type->result && !*result) {
    return Error::make_trap(TrapKind::HostTrap, "host function `" + f.name +
                                                    "` returned no value, its type returns " +
                                                    describe(f.type->result));
  }
  if (!f.type->result && *result) {
    return Error::make_trap(TrapKind::HostTrap, "host function `" + f.name +
                                                    "` returned a value, its type returns none");
  }
  return result;
}

Result<std::optional<ComponentValue>> ComponentInstanceImpl::call_lifted(
    ComponentFunc& f, std::vector<ComponentValue>& args, InstanceState* caller) {
  const FuncType& type = *f.type;
  if (args.size() != type.params.size()) {
    return Error::make(ErrorKind::Usage, "`" + f.name + "` takes " +
                                             std::to_string(type.params.size()) + " arguments, " +
                                             std::to_string(args.size()) + " given");
  }
  IRONCLAD_TRY_ASSIGN(Entered entered,
                      Entered::enter(f.instance, caller, "calling `" + f.name + "`"));
  Task task;
  AbiContext cx{store_.get(), f.instance, &f.options, &task, nullptr};
  std::vector<Value> flat;
  flat.reserve(type.flat_params.size() + 1);
  std::vector<const ValType*> params = param_types(type);
  auto lowered = lower_values(cx, kMaxFlatParams, args, params, flat);
  if (!lowered.ok()) {
    Error e = std::move(lowered).error();
    if (e.kind == ErrorKind::Usage && caller == nullptr)
      e.message = "`" + f.name + "`: argument " + e.message;
    return e;
  }
  IRONCLAD_TRY_ASSIGN(std::vector<Value> results, store_->invoke(*f.core, flat));
  std::optional<ComponentValue> result;
  if (type.result) {
    AbiContext lcx{store_.get(), f.instance, &f.options, nullptr, nullptr};
    FlatReader in(results);
    const ValType* rt[1] = {type.result};
    IRONCLAD_TRY_ASSIGN(std::vector<ComponentValue> values,
                        lift_values(lcx, kMaxFlatResults, in, rt));
    result = std::move(values[0]);
  }
  if (task.num_borrows > 0) {
    return abi_trap("borrow handles still remain at the end of the call: `" + f.name +
                    "` returned without dropping " + std::to_string(task.num_borrows) +
                    " borrowed handle(s)");
  }
  if (f.options.post_return) {
    f.instance->may_leave = false;
    auto done = store_->invoke(*f.options.post_return, results);
    f.instance->may_leave = true;
    if (!done.ok()) return std::move(done).error();
  }
  return result;
}

runtime::FunctionInstance* ComponentInstanceImpl::make_lowered(
    InstanceState& s, std::shared_ptr<ComponentFunc> callee, const CanonDef& def,
    RtOptions options) {
  InstanceState* caller = &s;
  const FuncType* type = def.type;
  size_t flat_params = def.core_type.params.size();
  auto fn = [this, caller, callee, type, options, flat_params](
                runtime::HostContext&, const Value* args, Value* results) -> Result<void> {
    if (!caller->may_leave) {
      return abi_trap("cannot leave component instance " + caller->path + " to call `" +
                      callee->name + "` (from realloc or post-return)");
    }
    std::vector<uint32_t> lenders;
    AbiContext cx{store_.get(), caller, &options, nullptr, &lenders};
    FlatReader in(std::span<const Value>(args, flat_params));
    std::vector<const ValType*> params = param_types(*type);
    auto lifted = lift_values(cx, kMaxFlatParams, in, params);
    auto release = [&] {
      for (uint32_t i : lenders) {
        auto h = caller->handles.get(i);
        if (h.ok() && (*h)->num_lends > 0) --(*h)->num_lends;
      }
    };
    if (!lifted.ok()) {
      release();
      return std::move(lifted).error();
    }
    if (callee->is_host())
      for (const ComponentValue& v : *lifted) host_receives(v);
    auto result = call_function(*callee, *lifted, caller);
    release();
    if (!result.ok()) return std::move(result).error();
    if (!type->result) return {};
    if (callee->is_host() && *result) {
      auto given = host_gives(std::span(&**result, 1), "`" + callee->name + "` returned", true);
      if (!given.ok()) return Error::make_trap(TrapKind::HostTrap, given.error().message);
    }
    std::vector<Value> flat;
    const ValType* rt[1] = {type->result};
    std::optional<uint32_t> out_ptr;
    if (type->result_overflow) {
      IRONCLAD_TRY_ASSIGN(Value p, in.next(ironclad::ValType::I32));
      out_ptr = p.i32;
    }
    AbiContext lcx{store_.get(), caller, &options, nullptr, nullptr};
    std::span<const ComponentValue> values(&**result, 1);
    auto lowered = lower_values(lcx, kMaxFlatResults, values, rt, flat, out_ptr);
    if (!lowered.ok()) {
      Error e = std::move(lowered).error();
      if (e.kind == ErrorKind::Usage) {
        return Error::make_trap(
            TrapKind::HostTrap,
            "`" + callee->name + "` returned a value that does not match its type: " + e.message);
      }
      return e;
    }
    for (size_t i = 0; i < flat.size(); ++i) results[i] = flat[i];
    return {};
  };
  return store_->create_host_function(def.core_type, std::move(fn));
}

Result<void> ComponentInstanceImpl::run_destructor(const RuntimeResource& r, uint32_t rep,
                                                   InstanceState* caller) {
  if (r.is_host()) {
    if (r.host_dtor) r.host_dtor(rep);
    return {};
  }
  if (!r.dtor) return {};
  IRONCLAD_TRY_ASSIGN(Entered entered,
                      Entered::enter(r.impl, caller, "the destructor of `" + r.describe() + "`"));
  Value arg = Value::from_i32(rep);
  auto done = store_->invoke(*r.dtor, std::span<const Value>(&arg, 1));
  if (!done.ok()) return std::move(done).error();
  return {};
}

runtime::FunctionInstance* ComponentInstanceImpl::make_resource_builtin(InstanceState& s,
                                                                        const CanonDef& def) {
  InstanceState* inst = &s;
  const RuntimeResource* rt = s.resource(def.resource);
  CanonDef::Kind kind = def.kind;
  auto fn = [this, inst, rt, kind](runtime::HostContext&, const Value* args,
                                   Value* results) -> Result<void> {
    uint32_t i = args[0].i32;
    switch (kind) {
      case CanonDef::Kind::ResourceNew: {
        if (!inst->may_leave)
          return abi_trap("cannot leave component instance " + inst->path + " (resource.new)");
        HandleEntry e;
        e.type = rt;
        e.rep = i;
        e.own = true;
        IRONCLAD_TRY_ASSIGN(uint32_t index, inst->handles.add(e));
        results[0] = Value::from_i32(index);
        return {};
      }
      case CanonDef::Kind::ResourceRep: {
        IRONCLAD_TRY_ASSIGN(HandleEntry * h, inst->handles.get(i));
        if (h->type != rt) {
          return abi_trap("handle index " + std::to_string(i) +
                          " used with the wrong type, expected `" + rt->describe() +
                          "` but found `" + h->type->describe() + "`");
        }
        results[0] = Value::from_i32(h->rep);
        return {};
      }
      case CanonDef::Kind::ResourceDrop: {
        if (!inst->may_leave)
          return abi_trap("cannot leave component instance " + inst->path + " (resource.drop)");
        IRONCLAD_TRY_ASSIGN(HandleEntry * h, inst->handles.get(i));
        if (h->type != rt) {
          return abi_trap("handle index " + std::to_string(i) +
                          " used with the wrong type, expected `" + rt->describe() +
                          "` but found `" + h->type->describe() + "`");
        }
        if (h->num_lends != 0) {
          return abi_trap("cannot remove owned resource while borrowed (handle index " +
                          std::to_string(i) + ")");
        }
        IRONCLAD_TRY_ASSIGN(HandleEntry e, inst->handles.remove(i));
        if (!e.own) {
          if (e.borrow_scope && e.borrow_scope->num_borrows > 0) --e.borrow_scope->num_borrows;
          return {};
        }
        return run_destructor(*e.type, e.rep, inst);
      }
      default:
        return Error::make(ErrorKind::Internal, "not a resource built-in");
    }
  };
  return store_->create_host_function(def.core_type, std::move(fn));
}

Result<std::shared_ptr<ComponentFunc>> ComponentInstanceImpl::find_function(
    std::string_view name) const {
  const RtInstance& exports = states_.front()->exports;
  size_t hash = name.find('#');
  const RtItem* item = nullptr;
  if (hash == std::string_view::npos) {
    item = exports.find(name);
  } else {
    const RtItem* inst = exports.find(name.substr(0, hash));
    if (inst && inst->instance) item = inst->instance->find(name.substr(hash + 1));
  }
  if (!item || !item->func) {
    return Error::make(ErrorKind::Usage,
                       "the component exports no function `" + std::string(name) + "`");
  }
  return item->func;
}

std::vector<std::string> ComponentInstanceImpl::function_names() const {
  std::vector<std::string> out;
  for (const auto& [name, item] : states_.front()->exports.exports) {
    if (item.func) out.push_back(name);
    if (item.instance) {
      for (const auto& [inner, x] : item.instance->exports) {
        if (x.func) out.push_back(name + "#" + inner);
      }
    }
  }
  return out;
}

Result<std::optional<ComponentValue>> ComponentInstanceImpl::call(
    std::string_view export_name, std::vector<ComponentValue> args) {
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<ComponentFunc> f, find_function(export_name));
  bool lifted = !f->is_host();
  std::string what = "`" + std::string(export_name) + "`: argument";
  if (lifted) IRONCLAD_TRY(host_gives(args, what, false));
  auto result = call_function(*f, args, nullptr);
  if (lifted && !(!result.ok() && result.error().kind == ErrorKind::Usage)) {
    (void)host_gives(args, what, true);  // the own handles moved into the component
    if (result.ok() && *result) host_receives(**result);
  }
  if (!result.ok() && (result.error().kind == ErrorKind::CpuIncompatibility ||
                       result.error().kind == ErrorKind::EngineFault)) {
    // Say which inner module faulted, on the first line: that is what incidents, events and
    // crash reports show.
    std::string where = locate_fault(*component_, result.error());
    if (!where.empty()) {
      std::string& m = result.error().message;
      m.insert(std::min(m.find('\n'), m.size()), " (in " + where + ")");
    }
  }
  return result;
}

std::string locate_fault(const Component& c, const Error& fault) {
  if (fault.backtrace.empty()) return "";
  const BacktraceFrame& top = fault.backtrace.front();
  // The frame names its function by index and name; the core module whose function of that
  // index has that name is the one (name-section names are mostly mangled symbols).
  std::vector<std::string> candidates;
  std::function<void(const Component&, const std::string&)> visit = [&](const Component& comp,
                                                                        const std::string& path) {
    for (size_t i = 0; i < comp.core_modules.size(); ++i) {
      const wasm::Module& m = *comp.core_modules[i].module;
      if (top.function_index < m.func_types.size() &&
          m.function_display_name(top.function_index) == top.function_name) {
        const std::string& name = comp.core_modules[i].name;
        candidates.push_back(path + "core module " + std::to_string(i) +
                             (name.rfind("core module", 0) == 0 ? "" : " `" + name + "`"));
      }
    }
    for (size_t i = 0; i < comp.components.size(); ++i) {
      visit(*comp.components[i], path + "component " + std::to_string(i) + " > ");
    }
  };
  visit(c, "");
  std::string function =
      "function " + std::to_string(top.function_index) + " `" + top.function_name + "`";
  if (candidates.size() == 1) return candidates[0] + ", " + function;
  if (candidates.empty()) return function;
  std::string all;
  for (const std::string& x : candidates) all += (all.empty() ? "" : " or ") + x;
  return all + ", " + function;
}

Result<void> ComponentInstanceImpl::drop(const ComponentValue& own) {
  if (own.kind != ComponentValueKind::Own || !own.resource) {
    return Error::make(ErrorKind::Usage, "drop: not an own handle: " + own.to_string());
  }
  const auto* r = static_cast<const RuntimeResource*>(own.resource);
  bool ours = false;
  for (const auto& mine : resources_) ours |= mine.get() == r;
  if (!ours)
    return Error::make(ErrorKind::Usage,
                       "drop: `" + r->describe() + "` is not a resource of this component");
  IRONCLAD_TRY(host_gives(std::span(&own, 1), "drop", true));
  return run_destructor(*r, own.rep(), nullptr);
}

}  // namespace ironclad::component
