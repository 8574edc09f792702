// The runtime data model shared by every tier (DESIGN.md invariant 6): store, instances,
// functions, memories, tables, globals, host functions, and the Tier interface through
// which the store runs wasm code. An instance can move between tiers because nothing here
// belongs to one tier.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ironclad/error.h"
#include "ironclad/value.h"
#include "runtime/call_budget.h"
#include "runtime/instance_budget.h"
#include "wasm/module.h"

namespace ironclad::runtime {

class Store;
class Instance;
class Memory;

// Limits a store enforces on everything created in it.
struct StoreLimits {
  uint64_t max_memory_pages = 65536;         // per memory (a 4 GiB cap by default)
  uint64_t max_table_elements = 10'000'000;  // per table
  // All the memories and tables one instance defines, together (instance_budget.h):
  // memory pages x 64 KiB plus table elements x 8 bytes. One full 4 GiB memory and 64 MiB
  // of tables by default; 0 = no budget.
  uint64_t max_instance_bytes = (uint64_t{4} << 30) + (uint64_t{64} << 20);
  // Wasm frames one call from the host may push, in every tier; deeper is a
  // CallStackExhausted trap.
  uint32_t max_call_depth = 10'000;
  // Stack one call from the host may use: the JIT's native stack below where the call entered
  // (and never below the thread's reported stack bottom plus a margin), the interpreter's
  // value stack; beyond it, CallStackExhausted. Bounds the stack where the reported size means
  // nothing (`ulimit -s unlimited`). 0: the reported size (JIT) and 64 MiB (interpreter).
  uint64_t max_stack_bytes = uint64_t{16} << 20;
  uint64_t fuel = 0;                         // instruction budget per call; 0 = unlimited
  // Wall-clock time one call from the host may take, host functions included (call_budget.h);
  // past it the call ends with a Timeout error. 0: no deadline.
  std::chrono::nanoseconds call_timeout{0};
  // Whether code must count fuel: for a fuel budget and for a deadline (checked where fuel
  // is spent).
  bool counts_fuel() const { return fuel > 0 || call_timeout.count() > 0; }
};

constexpr uint64_t kPageSize = 65536;

// A linear memory. Its base never moves: the whole addressable range is reserved up front
// (PROT_NONE beyond the current size), so growth only changes protections. Tiers read
// `base` and `size_bytes` directly.
class Memory {
 public:
  // `budget`, when given, is charged for the memory's size (Exhausted error when it does
  // not fit) and for every growth.
  static Result<std::unique_ptr<Memory>> create(const wasm::MemoryType& type,
                                                const StoreLimits& limits,
                                                std::shared_ptr<InstanceBudget> budget = nullptr);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  uint8_t* base = nullptr;
  uint64_t size_bytes = 0;

  uint64_t pages() const { return size_bytes / kPageSize; }
  // The type as an importer sees it: min is the current size.
  wasm::MemoryType current_type() const;
  // Grows by `delta` pages; returns the old size in pages, or -1 when the declared max,
  // the store's cap or the host refuses (memory.grow's failure value).
  int64_t grow(uint64_t delta);
  // Bounds-checked access for host functions: nullptr if [offset, offset+len) is outside.
  uint8_t* checked(uint64_t offset, uint64_t len) {
    return (offset <= size_bytes && len <= size_bytes - offset) ? base + offset : nullptr;
  }

  // The declared maximum, if any.
  std::optional<uint64_t> max_pages() const { return max_pages_; }
  // How many pages grow() may reach at most: the declared max, the store's cap, the
  // 32-bit address space and the reservation, whichever is smallest.
  uint64_t limit_pages() const { return limit_pages_; }
  // Bytes of address space reserved at `base` (committed or not).
  uint64_t reserved_bytes() const { return reserved_bytes_; }
  // True when the full guarded reservation (kGuardedReservation) is made and registered
  // (runtime/memory_registry.h), so any 32-bit address plus a 32-bit offset plus an access
  // of up to 16 bytes stays inside it: a JIT may then skip bounds checks and let the guard
  // fault (the signal handler makes that fault an OutOfBoundsMemoryAccess trap).
  bool has_guard_region() const { return guard_region_; }
  // Why the guard reservation could not be made (empty when it was), e.g. under RLIMIT_AS.
  const std::string& reservation_note() const { return reservation_note_; }

  // The highest byte an access can touch is (2^32-1) + (2^32-1) + 15 = 8 GiB + 13: the
  // 4 GiB of addressable memory, a 4 GiB guard, and one more page for the access's size.
  static constexpr uint64_t kGuardedReservation = (uint64_t{8} << 30) + kPageSize;

 private:
  Memory() = default;
  std::optional<uint64_t> max_pages_;
  uint64_t reserved_bytes_ = 0;
  uint64_t cap_pages_ = 0;
  uint64_t limit_pages_ = 0;
  bool guard_region_ = false;
  std::string reservation_note_;
  std::shared_ptr<InstanceBudget> budget_;
};

class Table {
 public:
  Table(const wasm::TableType& type, Ref init, const StoreLimits& limits);
  // A table charged to `budget` (its initial elements and every growth): Exhausted error
  // naming the sizes when the initial elements do not fit.
  static Result<std::unique_ptr<Table>> create(const wasm::TableType& type, Ref init,
                                               const StoreLimits& limits,
                                               std::shared_ptr<InstanceBudget> budget);
  ~Table();
  Table(const Table&) = delete;  // view() points into this object's elements
  Table& operator=(const Table&) = delete;
  // Elements may be read and written in place; only the constructor and grow resize it.
  std::vector<Ref> elements;
  ValType elem_type() const { return type_.elem_type; }
  wasm::TableType current_type() const;
  // Returns the old size, or -1 on failure (table.grow's failure value).
  int64_t grow(uint64_t delta, Ref init);

  // What generated code reads to index the table without calling into the runtime (a JIT's
  // inline call_indirect): always elements.data() and elements.size().
  struct View {
    const Ref* data = nullptr;
    uint64_t size = 0;
  };
  const View* view() const { return &view_; }

 private:
  wasm::TableType type_;
  uint64_t cap_ = 0;
  View view_;
  std::shared_ptr<InstanceBudget> budget_;
};

struct Global {
  wasm::GlobalType type;
  Value value;
};

// What a host function sees of its caller.
struct HostContext {
  Store& store;
  Instance* caller;  // the instance whose code called, or null when called from the host
  // The caller's memory 0 (what WASI functions operate on), or null.
  Memory* memory() const;
};

// A host function: reads args (as many as its type has params), writes results. Returning
// an Error (e.g. Error::make_trap(TrapKind::HostTrap, "...") or Error::make_exit(code))
// unwinds the whole wasm call and is returned to whoever called into wasm.
using HostFunction =
    std::function<Result<void>(HostContext& ctx, const Value* args, Value* results)>;

// A function as a funcref points at it: Ref::bits is a FunctionInstance*.
struct FunctionInstance {
  const wasm::FuncType* type = nullptr;
  uint32_t type_id = 0;          // the store's canonical id: equal ids <=> equal types
  Instance* instance = nullptr;  // the defining instance; null for host functions
  uint32_t func_index = 0;       // index in the defining instance's module
  HostFunction host;             // set for host functions
  // Each tier's code for a wasm function, owned by the tier that made it. One field per tier,
  // so that a tiered store (src/tiered) can run a function in either tier and move it from
  // one to the other (DESIGN.md invariant 6).
  void* tier_code = nullptr;  // the interpreter's lowered code (interp::FuncCode)
  // The JIT's entry (jit::JitFunction): set when the function's machine code may be called
  // (at instantiation in a JIT store, when its compiled code is published in a tiered one),
  // null while it has none. Written and read only on the thread that runs the store.
  void* jit_code = nullptr;

  bool is_host() const { return instance == nullptr; }
  Ref as_ref() { return Ref{reinterpret_cast<uintptr_t>(this)}; }
  static FunctionInstance* from_ref(Ref r) { return reinterpret_cast<FunctionInstance*>(r.bits); }
};

// An export or import value.
struct Extern {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  FunctionInstance* func = nullptr;
  Table* table = nullptr;
  Memory* memory = nullptr;
  Global* global = nullptr;
};

class Instance {
 public:
  std::shared_ptr<const wasm::Module> module;
  std::vector<FunctionInstance*> funcs;  // the function index space, imports first
  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  std::vector<Global*> globals;
  // The store's canonical id of each of the module's types, by type index: call_indirect
  // compares a callee's FunctionInstance::type_id with type_ids[its type index].
  std::vector<uint32_t> type_ids;
  std::vector<bool> elem_dropped;  // elem.drop, and active/declarative segments after init
  // The evaluated items of each element segment (what table.init copies from). Valid only
  // while elem_dropped is false: instantiation empties the lists of the segments it drops,
  // but elem.drop need not.
  std::vector<std::vector<Ref>> elem_refs;
  std::vector<bool> data_dropped;  // data.drop, and active segments after init
  void* tier_state = nullptr;      // per-instance state a tier may keep, owned by the tier

  // An export by name, or a Usage error naming it.
  Result<Extern> get_export(std::string_view name) const;
};

// An execution tier: the interpreter now, the JIT later. The store calls wasm code only
// through this interface; host functions are called by the tier directly.
class Tier {
 public:
  virtual ~Tier() = default;
  virtual const char* name() const = 0;
  // Runs `func` (a wasm or host function) with args (exactly its params) and writes its
  // results. Traps, exits and host errors come back as Error values.
  virtual Result<void> call(Store& store, FunctionInstance& func, const Value* args,
                            Value* results) = 0;
  // The same call with the arguments in `slots`, 16 bytes each (one per param, each value
  // in its slot's low bytes as Value's union holds it: the JIT's layout), and the results
  // written over the first slots: the calls between the tiers of a store, without a Value
  // array each way. By default through call().
  static constexpr size_t kSlotBytes = 16;
  virtual Result<void> call_slots(Store& store, FunctionInstance& func, uint8_t* slots);
  // Called once per new instance, after allocation and before its segments are applied
  // and its start function runs (a place to prepare code). on_destroy follows for every
  // such instance when the store is destroyed.
  virtual Result<void> on_instantiate(Store&, Instance&) { return {}; }
  virtual void on_destroy(Instance&) {}
};

// Owns everything it creates. Not thread-safe: one store per thread.
class Store {
 public:
  Store(std::unique_ptr<Tier> tier, StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Tier& tier() { return *tier_; }
  const StoreLimits& limits() const { return limits_; }
  StoreLimits& limits() { return limits_; }
  // The fuel and deadline of the running call from the host: the tiers start and refill it,
  // host functions read its deadline.
  CallBudget& call_budget() { return call_budget_; }
  // Charges the instance budgets (StoreLimits::max_instance_bytes) of this store refused.
  const BudgetRefusals& budget_refusals() const { return *budget_refusals_; }

  // The canonical id of a function type (structural equality).
  uint32_t intern_type(const wasm::FuncType& type);
  const wasm::FuncType& type_of(uint32_t type_id) const { return *types_[type_id]; }

  // An empty `fn` gives a function whose calls fail with a Usage error (never a throw).
  FunctionInstance* create_host_function(const wasm::FuncType& type, HostFunction fn);
  Result<Memory*> create_memory(const wasm::MemoryType& type);
  // Null when the table's min exceeds the store's max_table_elements.
  Table* create_table(const wasm::TableType& type, Ref init);
  Global* create_global(const wasm::GlobalType& type, Value init);

  // Instantiates a validated module against resolved imports (one Extern per import, in
  // order): checks import types, allocates, initialises globals, tables (element segments)
  // and memories (data segments), then runs the start function. Errors: Link for import
  // mismatches ("incompatible import type", "unknown import" is the Linker's), Exhausted
  // when a table or memory exceeds the store's caps, Usage for a null import or a function
  // of another store; none of these changes the store. Trap for a failing segment
  // initialisation or start function: as WebAssembly 2.0 specifies, writes already made
  // (also to imported tables and memories) stay, and the instance, not returned, stays
  // alive in the store since references to its functions may have escaped.
  Result<Instance*> instantiate(std::shared_ptr<const wasm::Module> module,
                                const std::vector<Extern>& imports);

  // Calls a function with type-checked arguments; returns its results.
  Result<std::vector<Value>> invoke(FunctionInstance& func, std::span<const Value> args);

 private:
  std::unique_ptr<Tier> tier_;
  StoreLimits limits_;
  CallBudget call_budget_;
  std::shared_ptr<BudgetRefusals> budget_refusals_ = std::make_shared<BudgetRefusals>();
  std::vector<std::unique_ptr<wasm::FuncType>> types_;
  std::unordered_map<std::string, uint32_t> type_ids_;
  std::deque<std::unique_ptr<FunctionInstance>> funcs_;
  std::deque<std::unique_ptr<Memory>> memories_;
  std::deque<std::unique_ptr<Table>> tables_;
  std::deque<std::unique_ptr<Global>> globals_;
  std::deque<std::unique_ptr<Instance>> instances_;
};

// Imports by (module, field) name, like wasmtime's Linker.
class Linker {
 public:
  void define(std::string module, std::string field, Extern value);
  void define_function(Store& store, std::string module, std::string field,
                       const wasm::FuncType& type, HostFunction fn);
  // A host function whose wasm type is deduced from the C++ signature of `fn`; defined in
  // runtime/typed_host.h (include it to use this).
  template <class F>
  void define_typed(Store& store, std::string module, std::string field, F fn);
  // Registers every export of `instance` under `module` (the spec tests' `register`).
  void define_instance(std::string module, const Instance& instance);
  // Resolves the module's imports by name (a Link error "unknown import: \"env\" \"f\""
  // for a missing one) and instantiates it.
  Result<Instance*> instantiate(Store& store, std::shared_ptr<const wasm::Module> module);
  const Extern* find(std::string_view module, std::string_view field) const;

 private:
  std::unordered_map<std::string, Extern> defs_;  // key: module + '\0' + field
};

}  // namespace ironclad::runtime
