// The store: owner of every runtime object, canonical function types, and the checked
// entry point for calls from the host (invoke).
#include <string>

#include "runtime/runtime.h"
#include "runtime/value_buffer.h"

namespace ironclad::runtime {

Store::Store(std::unique_ptr<Tier> tier, StoreLimits limits)
    : tier_(std::move(tier)), limits_(limits) {}

Store::~Store() {
  // Tiers keep per-instance state; let them release it while the instances still exist.
  // (tier_ is declared first, so it outlives every member destroyed after this body.)
  if (tier_) {
    for (auto& instance : instances_) tier_->on_destroy(*instance);
  }
}

uint32_t Store::intern_type(const wasm::FuncType& type) {
  // Key: the encoded param bytes, a separator no value type uses, the result bytes.
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  auto [it, inserted] = type_ids_.try_emplace(std::move(key), static_cast<uint32_t>(types_.size()));
  if (inserted) types_.push_back(std::make_unique<wasm::FuncType>(type));
  return it->second;
}

FunctionInstance* Store::create_host_function(const wasm::FuncType& type, HostFunction fn) {
  auto f = std::make_unique<FunctionInstance>();
  f->type_id = intern_type(type);
  f->type = types_[f->type_id].get();
  if (fn) {
    f->host = std::move(fn);
  } else {
    // Calling an empty std::function would throw; a function without a body traps instead.
    f->host = [](HostContext&, const Value*, Value*) -> Result<void> {
      return Error::make(ErrorKind::Usage, "host function defined without an implementation");
    };
  }
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}

Result<Memory*> Store::create_memory(const wasm::MemoryType& type) {
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<Memory> m, Memory::create(type, limits_));
  memories_.push_back(std::move(m));
  return memories_.back().get();
}

Table* Store::create_table(const wasm::TableType& type, Ref init) {
  if (type.limits.min > limits_.max_table_elements) return nullptr;
  tables_.push_back(std::make_unique<Table>(type, init, limits_));
  return tables_.back().get();
}

Global* Store::create_global(const wasm::GlobalType& type, Value init) {
  init.type = type.type;  // the declared type is authoritative
  globals_.push_back(std::make_unique<Global>(Global{type, init}));
  return globals_.back().get();
}

namespace {

std::string type_list(std::span<const ValType> types) {
  std::string s = "(";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ", ";
    s += to_string(types[i]);
  }
  return s + ")";
}

std::string function_name(const FunctionInstance& func) {
  if (func.is_host()) return "host function";
  const wasm::Module* m = func.instance->module.get();
  std::string name = m ? m->function_display_name(func.func_index)
                       : "func[" + std::to_string(func.func_index) + "]";
  if (m) {
    for (const wasm::Export& e : m->exports) {
      if (e.kind == wasm::ExternKind::Func && e.index == func.func_index) {
        return name + " (export \"" + e.name + "\")";
      }
    }
  }
  return name;
}

}  // namespace

Result<std::vector<Value>> Store::invoke(FunctionInstance& func, std::span<const Value> args) {
  if (func.type == nullptr) {
    return Error::make(ErrorKind::Usage, "invoke: " + function_name(func) + " has no type");
  }
  const wasm::FuncType& type = *func.type;
  bool ok = args.size() == type.params.size();
  for (size_t i = 0; ok && i < args.size(); ++i) ok = args[i].type == type.params[i];
  if (!ok) {
    std::vector<ValType> got;
    for (const Value& v : args) got.push_back(v.type);
    return Error::make(ErrorKind::Usage, "invoke " + function_name(func) + ": expected arguments " +
                                             type_list(type.params) + ", got " + type_list(got));
  }
  std::vector<Value> results(type.results.size());
  for (size_t i = 0; i < results.size(); ++i) results[i] = Value::zero(type.results[i]);
  if (!tier_) return Error::make(ErrorKind::Usage, "invoke: the store has no tier");
  IRONCLAD_TRY(tier_->call(*this, func, args.data(), results.data()));
  return results;
}

Result<void> Tier::call_slots(Store& store, FunctionInstance& func, uint8_t* slots) {
  const wasm::FuncType& type = *func.type;
  ValueBuffer args(type.params.size()), results(type.results.size());
  for (size_t i = 0; i < type.params.size(); ++i)
    args.data()[i] = value_of_slot(type.params[i], slots + i * kSlotBytes);
  for (size_t i = 0; i < type.results.size(); ++i)
    results.data()[i] = Value::zero(type.results[i]);
  IRONCLAD_TRY(call(store, func, args.data(), results.data()));
  for (size_t i = 0; i < type.results.size(); ++i)
    value_to_slot(results.data()[i], slots + i * kSlotBytes);
  return {};
}

}  // namespace ironclad::runtime
