// Store::instantiate: the spec's module instantiation (WebAssembly 2.0, section 4.5.4).
// Import checking and allocation come first and write nothing outside the new instance;
// only then do segments initialise, in order, where a trap keeps earlier writes (to
// imported tables and memories too) as the spec requires.
#include <string>

#include "runtime/const_expr.h"
#include "runtime/import_matching.h"
#include "runtime/runtime.h"
#include "runtime/segment_ops.h"
#include "runtime/start_trace.h"

namespace ironclad::runtime {
namespace {

Error internal(std::string what) {
  return Error::make(ErrorKind::Internal,
                     "instantiate: " + std::move(what) + " (was the module validated?)");
}

// The module's index spaces must agree with its declarations; a validated module always
// does. Checked here so an unvalidated module gives an error instead of a crash.
Result<void> check_shape(const wasm::Module& m) {
  if (m.func_types.size() < m.num_imported_funcs ||
      m.bodies.size() != m.func_types.size() - m.num_imported_funcs) {
    return internal("function and body counts disagree");
  }
  for (uint32_t t : m.func_types) {
    if (t >= m.types.size())
      return internal("function type index " + std::to_string(t) + " out of range");
  }
  if (m.tables.size() < m.num_imported_tables || m.memories.size() < m.num_imported_memories ||
      m.globals.size() < m.num_imported_globals) {
    return internal("import counts exceed the index spaces");
  }
  uint32_t funcs = 0, tables = 0, memories = 0, globals = 0;
  for (const wasm::Import& imp : m.imports) {
    switch (imp.kind) {
      case wasm::ExternKind::Func:
        ++funcs;
        break;
      case wasm::ExternKind::Table:
        ++tables;
        break;
      case wasm::ExternKind::Memory:
        ++memories;
        break;
      case wasm::ExternKind::Global:
        ++globals;
        break;
    }
  }
  if (funcs != m.num_imported_funcs || tables != m.num_imported_tables ||
      memories != m.num_imported_memories || globals != m.num_imported_globals) {
    return internal("the import section disagrees with the imported counts");
  }
  for (size_t i = 0; i < m.elements.size(); ++i) {
    const wasm::ElementSegment& s = m.elements[i];
    if (s.mode == wasm::SegmentMode::Active && s.table_index >= m.tables.size()) {
      return internal("element segment " + std::to_string(i) + " names a missing table");
    }
  }
  for (size_t i = 0; i < m.data.size(); ++i) {
    const wasm::DataSegment& d = m.data[i];
    if (d.mode == wasm::SegmentMode::Active && d.memory_index >= m.memories.size()) {
      return internal("data segment " + std::to_string(i) + " names a missing memory");
    }
    if (uint64_t{d.bytes_offset} + d.bytes_size > m.bytes.size()) {
      return internal("data segment " + std::to_string(i) + " lies outside the module bytes");
    }
  }
  if (m.start) {
    if (*m.start >= m.func_types.size()) return internal("start function out of range");
    const wasm::FuncType& t = m.func_type(*m.start);
    if (!t.params.empty() || !t.results.empty()) return internal("start function is not [] -> []");
  }
  return {};
}

// Adds where a segment trap happened after the spec's message (which runners match).
Error segment_trap(Error trap, const std::string& where) {
  trap.message += " (" + where + ")";
  return trap;
}

}  // namespace

Result<Instance*> Store::instantiate(std::shared_ptr<const wasm::Module> module,
                                     const std::vector<Extern>& imports) {
  if (!module) return Error::make(ErrorKind::Usage, "instantiate: no module");
  if (!tier_) return Error::make(ErrorKind::Usage, "instantiate: the store has no tier");
  start_trace::mark(start_trace::Phase::Setup);
  const wasm::Module& m = *module;
  IRONCLAD_TRY(check_shape(m));
  if (imports.size() != m.imports.size()) {
    return Error::make(ErrorKind::Link, "instantiate: the module has " +
                                            std::to_string(m.imports.size()) + " imports but " +
                                            std::to_string(imports.size()) + " values were given");
  }
  for (uint32_t i = 0; i < imports.size(); ++i) {
    IRONCLAD_TRY(check_import(m, i, imports[i]));
    // Type ids are per store: a function of another store would break call_indirect.
    const FunctionInstance* f = imports[i].func;
    if (imports[i].kind == wasm::ExternKind::Func &&
        (f->type_id >= types_.size() || types_[f->type_id].get() != f->type)) {
      return Error::make(ErrorKind::Usage, "import " + std::to_string(i) + " \"" +
                                               m.imports[i].module + "\" \"" + m.imports[i].field +
                                               "\" is a function of another store");
    }
  }

  auto inst = std::make_unique<Instance>();
  inst->module = module;
  inst->type_ids.reserve(m.types.size());
  for (const wasm::FuncType& t : m.types) inst->type_ids.push_back(intern_type(t));
  for (const Extern& x : imports) {
    switch (x.kind) {
      case wasm::ExternKind::Func:
        inst->funcs.push_back(x.func);
        break;
      case wasm::ExternKind::Table:
        inst->tables.push_back(x.table);
        break;
      case wasm::ExternKind::Memory:
        inst->memories.push_back(x.memory);
        break;
      case wasm::ExternKind::Global:
        inst->globals.push_back(x.global);
        break;
    }
  }

  // Allocation. New objects stay owned here until every fallible step has passed, so a
  // failure (a cap, an address-space limit) leaves the store as it was.
  std::vector<std::unique_ptr<FunctionInstance>> new_funcs;
  std::vector<std::unique_ptr<Table>> new_tables;
  std::vector<std::unique_ptr<Memory>> new_memories;
  std::vector<std::unique_ptr<Global>> new_globals;

  inst->funcs.reserve(m.func_types.size());
  new_funcs.reserve(m.func_types.size() - m.num_imported_funcs);
  for (uint32_t i = m.num_imported_funcs; i < m.func_types.size(); ++i) {
    auto f = std::make_unique<FunctionInstance>();
    f->type_id = inst->type_ids[m.func_types[i]];
    f->type = types_[f->type_id].get();
    f->instance = inst.get();
    f->func_index = i;
    inst->funcs.push_back(f.get());
    new_funcs.push_back(std::move(f));
  }
  // One budget for everything this instance defines (StoreLimits::max_instance_bytes).
  std::shared_ptr<InstanceBudget> budget;
  if (limits_.max_instance_bytes != 0)
    budget = std::make_shared<InstanceBudget>(limits_.max_instance_bytes, budget_refusals_);
  for (uint32_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    const wasm::TableType& t = m.tables[i];
    if (t.limits.min > limits_.max_table_elements) {
      return Error::make(ErrorKind::Exhausted, "table " + std::to_string(i) + " of " +
                                                   std::to_string(t.limits.min) +
                                                   " elements exceeds the store's cap of " +
                                                   std::to_string(limits_.max_table_elements));
    }
    auto created = Table::create(t, Ref{}, limits_, budget);
    if (!created.ok()) {
      Error e = std::move(created).error();
      e.message = "table " + std::to_string(i) + ": " + e.message;
      return e;
    }
    new_tables.push_back(std::move(created).value());
    inst->tables.push_back(new_tables.back().get());
  }
  for (uint32_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    auto created = Memory::create(m.memories[i], limits_, budget);
    if (!created.ok()) {
      Error e = std::move(created).error();
      e.message = "memory " + std::to_string(i) + ": " + e.message;
      return e;
    }
    new_memories.push_back(std::move(created).value());
    inst->memories.push_back(new_memories.back().get());
  }
  for (uint32_t i = m.num_imported_globals; i < m.globals.size(); ++i) {
    const wasm::Global& g = m.globals[i];
    IRONCLAD_TRY_ASSIGN(Value v, evaluate_const_expr(m, g.init, g.type.type, *inst,
                                                     "initialiser of global " + std::to_string(i)));
    new_globals.push_back(std::make_unique<Global>(Global{g.type, v}));
    inst->globals.push_back(new_globals.back().get());
  }
  // Element items are evaluated at allocation (they may name any function of the instance).
  inst->elem_refs.resize(m.elements.size());
  for (size_t s = 0; s < m.elements.size(); ++s) {
    const wasm::ElementSegment& seg = m.elements[s];
    inst->elem_refs[s].reserve(seg.size());
    for (uint32_t f : seg.func_indices) {
      if (f >= inst->funcs.size())
        return Error::make(ErrorKind::Invalid, "element segment " + std::to_string(s) +
                                                   " names unknown function " + std::to_string(f));
      inst->elem_refs[s].push_back(inst->funcs[f]->as_ref());
    }
    for (size_t k = 0; k < seg.items.size(); ++k) {
      IRONCLAD_TRY_ASSIGN(
          Value v, evaluate_const_expr_described(m, seg.items[k], seg.elem_type, *inst, [&] {
            return "item " + std::to_string(k) + " of element segment " + std::to_string(s);
          }));
      inst->elem_refs[s].push_back(v.ref);
    }
  }
  // Segment offsets are evaluated before any segment is applied: an error in one is a
  // module problem and must not leave earlier segments written.
  std::vector<uint32_t> elem_offsets(m.elements.size()), data_offsets(m.data.size());
  for (size_t s = 0; s < m.elements.size(); ++s) {
    if (m.elements[s].mode != wasm::SegmentMode::Active) continue;
    IRONCLAD_TRY_ASSIGN(Value v,
                        evaluate_const_expr(m, m.elements[s].offset, ValType::I32, *inst,
                                            "offset of element segment " + std::to_string(s)));
    elem_offsets[s] = v.i32;
  }
  for (size_t s = 0; s < m.data.size(); ++s) {
    if (m.data[s].mode != wasm::SegmentMode::Active) continue;
    IRONCLAD_TRY_ASSIGN(Value v,
                        evaluate_const_expr(m, m.data[s].offset, ValType::I32, *inst,
                                            "offset of data segment " + std::to_string(s)));
    data_offsets[s] = v.i32;
  }

  // Commit: from here on the instance belongs to the store, even if initialisation traps,
  // because references to its functions may already sit in imported tables.
  for (auto& f : new_funcs) funcs_.push_back(std::move(f));
  for (auto& t : new_tables) tables_.push_back(std::move(t));
  for (auto& mem : new_memories) memories_.push_back(std::move(mem));
  for (auto& g : new_globals) globals_.push_back(std::move(g));
  inst->elem_dropped.assign(m.elements.size(), false);
  inst->data_dropped.assign(m.data.size(), false);
  Instance* instance = inst.get();
  instances_.push_back(std::move(inst));
  IRONCLAD_TRY(tier_->on_instantiate(*this, *instance));

  for (size_t s = 0; s < m.elements.size(); ++s) {
    const wasm::ElementSegment& seg = m.elements[s];
    if (seg.mode == wasm::SegmentMode::Passive) continue;
    if (seg.mode == wasm::SegmentMode::Active) {
      const std::vector<Ref>& items = instance->elem_refs[s];
      Table& table = *instance->tables[seg.table_index];
      auto done = table_init(table, elem_offsets[s], items, 0, items.size());
      if (!done.ok()) {
        return segment_trap(std::move(done).error(),
                            "element segment " + std::to_string(s) + ": " +
                                std::to_string(items.size()) + " items at " +
                                std::to_string(elem_offsets[s]) + " in table " +
                                std::to_string(seg.table_index) + " of " +
                                std::to_string(table.elements.size()) + " elements");
      }
    }
    instance->elem_dropped[s] = true;  // active and declarative segments: elem.drop
    instance->elem_refs[s].clear();
  }
  for (size_t s = 0; s < m.data.size(); ++s) {
    const wasm::DataSegment& seg = m.data[s];
    if (seg.mode != wasm::SegmentMode::Active) continue;
    Memory& memory = *instance->memories[seg.memory_index];
    std::span<const uint8_t> bytes(m.bytes.data() + seg.bytes_offset, seg.bytes_size);
    auto done = memory_init(memory, data_offsets[s], bytes, 0, bytes.size());
    if (!done.ok()) {
      return segment_trap(
          std::move(done).error(),
          "data segment " + std::to_string(s) + ": " + std::to_string(bytes.size()) + " bytes at " +
              std::to_string(data_offsets[s]) + " in memory " + std::to_string(seg.memory_index) +
              " of " + std::to_string(memory.size_bytes) + " bytes");
    }
    instance->data_dropped[s] = true;
  }

  start_trace::mark(start_trace::Phase::Instantiate);
  if (m.start) IRONCLAD_TRY(tier_->call(*this, *instance->funcs[*m.start], nullptr, nullptr));
  return instance;
}

}  // namespace ironclad::runtime
