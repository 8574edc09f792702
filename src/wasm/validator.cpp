#include "wasm/validator.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

#include "wasm/body_decoder.h"
#include "wasm/function_validator.h"
#include "wasm/reader.h"

namespace ironclad::wasm {
namespace {

constexpr uint64_t kMaxMemoryPages = 65536;  // 4 GiB of 64 KiB pages

Error invalid_at(uint32_t offset, const std::string& what) {
  char where[40];
  std::snprintf(where, sizeof where, "at offset 0x%x: ", offset);
  return Error::make(ErrorKind::Invalid, where + what);
}

// For module items whose offset the Module does not keep (imports, exports, start).
Error invalid(const std::string& what) { return Error::make(ErrorKind::Invalid, what); }

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, std::string_view name, unsigned threads)
      : m_(m), name_(name), threads_(threads) {}
  Result<void> run();

 private:
  Result<void> check();
  Result<void> first_malformed_body() const;
  Result<void> bodies();
  Error located_body(Error e, uint32_t f) const;

 private:
  // "app.wasm: <where> at offset ...: what", or "app.wasm: <where>: what".
  Error located(Error e, const std::string& where) const {
    bool has_offset = e.message.rfind("at offset", 0) == 0;
    e.message = std::string(name_) + ": " + where + (has_offset ? " " : ": ") + e.message;
    return e;
  }
  Result<void> type_index(uint32_t index) const;
  Result<void> table_limits(const Limits& l) const;
  Result<void> memory_limits(const Limits& l) const;
  Result<void> const_expr(const ConstExpr& e, ValType expected, size_t visible_globals);
  Result<void> module_fields();
  Result<void> segments();

  const Module& m_;
  std::string_view name_;
  unsigned threads_;
  std::vector<ValType> stack_;  // reused by const_expr
};

Result<void> ModuleValidator::type_index(uint32_t index) const {
  if (index >= m_.types.size()) return invalid("unknown type " + std::to_string(index));
  return {};
}

Result<void> ModuleValidator::table_limits(const Limits& l) const {
  if (l.max && l.min > *l.max) {
    return invalid("size minimum must not be greater than maximum");
  }
  return {};
}

Result<void> ModuleValidator::memory_limits(const Limits& l) const {
  if (l.min > kMaxMemoryPages || (l.max && *l.max > kMaxMemoryPages)) {
    return invalid("memory size must be at most 65536 pages (4GiB)");
  }
  return table_limits(l);
}

// A constant expression: only constants, ref.null, ref.func and global.get of an
// immutable global among the first `visible_globals`, leaving exactly one `expected`.
Result<void> ModuleValidator::const_expr(const ConstExpr& e, ValType expected,
                                         size_t visible_globals) {
  // An element segment's usual item, without a decoder (the decoder checked its encoding).
  if (const std::optional<uint32_t> f = e.ref_func_index();
      f && expected == ValType::FuncRef && *f < m_.func_types.size())
    return {};
  stack_.clear();
  BodyDecoder d(e);
  Instr in;
  while (!d.at_end()) {
    IRONCLAD_TRY(d.next(in));
    switch (in.op) {
      case Opcode::I32Const: stack_.push_back(ValType::I32); break;
      case Opcode::I64Const: stack_.push_back(ValType::I64); break;
      case Opcode::F32Const: stack_.push_back(ValType::F32); break;
      case Opcode::F64Const: stack_.push_back(ValType::F64); break;
      case Opcode::V128Const: stack_.push_back(ValType::V128); break;
      case Opcode::RefNull: stack_.push_back(in.ref_type); break;
      case Opcode::RefFunc:
        if (in.index >= m_.func_types.size()) {
          return invalid_at(in.offset, "unknown function " + std::to_string(in.index));
        }
        stack_.push_back(ValType::FuncRef);
        break;
      case Opcode::GlobalGet: {
        if (in.index >= visible_globals) {
          return invalid_at(in.offset, "unknown global " + std::to_string(in.index));
        }
        const GlobalType& g = m_.globals[in.index].type;
        if (g.mutable_) {
          return invalid_at(in.offset, "constant expression required (global.get of mutable global " +
                                           std::to_string(in.index) + ")");
        }
        stack_.push_back(g.type);
        break;
      }
      case Opcode::End:
        break;
      default:
        return invalid_at(in.offset, std::string("constant expression required (") +
                                         to_string(in.op) + " is not constant)");
    }
  }
  if (stack_.size() != 1 || stack_[0] != expected) {
    std::string got;
    for (ValType t : stack_) got += std::string(got.empty() ? "" : " ") + to_string(t);
    return invalid_at(e.offset, std::string("type mismatch: constant expression must produce ") +
                                    to_string(expected) + ", got [" + got + "]");
  }
  return {};
}

Result<void> ModuleValidator::module_fields() {
  for (size_t i = 0; i < m_.imports.size(); ++i) {
    const Import& im = m_.imports[i];
    Result<void> r;
    if (im.kind == ExternKind::Func) r = type_index(im.func_type_index);
    else if (im.kind == ExternKind::Table) r = table_limits(im.table.limits);
    else if (im.kind == ExternKind::Memory) r = memory_limits(im.memory.limits);
    if (!r.ok()) {
      return located(std::move(r).error(), "import section, import " + std::to_string(i) + " (" +
                                               im.module + "." + im.field + ")");
    }
  }
  for (size_t f = m_.num_imported_funcs; f < m_.func_types.size(); ++f) {
    if (auto r = type_index(m_.func_types[f]); !r.ok()) {
      return located(std::move(r).error(), "function section, function " + std::to_string(f));
    }
  }
  for (size_t t = m_.num_imported_tables; t < m_.tables.size(); ++t) {
    if (auto r = table_limits(m_.tables[t].limits); !r.ok()) {
      return located(std::move(r).error(), "table section, table " + std::to_string(t));
    }
  }
  for (size_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
    if (auto r = memory_limits(m_.memories[i].limits); !r.ok()) {
      return located(std::move(r).error(), "memory section, memory " + std::to_string(i));
    }
  }
  if (m_.memories.size() > 1) {
    return located(invalid("multiple memories (" + std::to_string(m_.memories.size()) +
                                     " declared, at most 1)"),
                   "memory section");
  }
  // Constant expressions see only the imported globals (C' in the spec's module rules).
  for (size_t g = m_.num_imported_globals; g < m_.globals.size(); ++g) {
    if (auto r = const_expr(m_.globals[g].init, m_.globals[g].type.type, m_.num_imported_globals);
        !r.ok()) {
      return located(std::move(r).error(), "global section, global " + std::to_string(g));
    }
  }
  std::unordered_set<std::string_view> names;
  for (size_t i = 0; i < m_.exports.size(); ++i) {
    const Export& e = m_.exports[i];
    size_t limit = 0;
    switch (e.kind) {
      case ExternKind::Func: limit = m_.func_types.size(); break;
      case ExternKind::Table: limit = m_.tables.size(); break;
      case ExternKind::Memory: limit = m_.memories.size(); break;
      case ExternKind::Global: limit = m_.globals.size(); break;
    }
    std::string where = "export section, export \"" + e.name + "\"";
    if (e.index >= limit) {
      static const char* const kKinds[] = {"function", "table", "memory", "global"};
      return located(invalid(std::string("unknown ") + kKinds[static_cast<int>(e.kind)] + " " +
                                       std::to_string(e.index)),
                     where);
    }
    if (!names.insert(e.name).second) return located(invalid("duplicate export name"), where);
  }
  if (m_.start) {
    uint32_t f = *m_.start;
    if (f >= m_.func_types.size()) {
      return located(invalid("unknown function " + std::to_string(f)), "start section");
    }
    const FuncType& t = m_.func_type(f);
    if (!t.params.empty() || !t.results.empty()) {
      return located(invalid("start function must have type () -> (), not " + t.to_string()),
                     "start section");
    }
  }
  return {};
}

Result<void> ModuleValidator::segments() {
  for (size_t i = 0; i < m_.elements.size(); ++i) {
    const ElementSegment& seg = m_.elements[i];
    std::string where = "element section, segment " + std::to_string(i);
    if (seg.mode == SegmentMode::Active) {
      if (seg.table_index >= m_.tables.size()) {
        return located(invalid_at(seg.module_offset, "unknown table " + std::to_string(seg.table_index)),
                       where);
      }
      if (m_.tables[seg.table_index].elem_type != seg.elem_type) {
        return located(invalid_at(seg.module_offset,
                                  std::string("type mismatch: segment of ") +
                                      to_string(seg.elem_type) + " for a table of " +
                                      to_string(m_.tables[seg.table_index].elem_type)),
                       where);
      }
      if (auto r = const_expr(seg.offset, ValType::I32, m_.num_imported_globals); !r.ok()) {
        return located(std::move(r).error(), where);
      }
    }
    for (const ConstExpr& item : seg.items) {
      if (auto r = const_expr(item, seg.elem_type, m_.num_imported_globals); !r.ok()) {
        return located(std::move(r).error(), where);
      }
    }
    for (size_t k = 0; k < seg.func_indices.size(); ++k) {
      if (seg.func_indices[k] >= m_.func_types.size()) {
        return located(invalid_at(seg.module_offset,
                                  "unknown function " + std::to_string(seg.func_indices[k]) +
                                      " (item " + std::to_string(k) + ")"),
                       where);
      }
    }
  }
  for (size_t i = 0; i < m_.data.size(); ++i) {
    const DataSegment& seg = m_.data[i];
    if (seg.mode != SegmentMode::Active) continue;
    std::string where = "data section, segment " + std::to_string(i);
    if (seg.memory_index >= m_.memories.size()) {
      return located(invalid_at(seg.module_offset, "unknown memory " + std::to_string(seg.memory_index)),
                     where);
    }
    if (auto r = const_expr(seg.offset, ValType::I32, m_.num_imported_globals); !r.ok()) {
      return located(std::move(r).error(), where);
    }
  }
  return {};
}

// Decoding precedes validation in the spec, so a malformed body anywhere outranks an
// invalid construct found earlier. Bodies are decoded while they are validated (one pass);
// only when validation fails are the remaining bodies decoded to look for a malformation.
Result<void> ModuleValidator::first_malformed_body() const {
  for (uint32_t f = m_.num_imported_funcs; f < m_.func_types.size(); ++f) {
    BodyDecoder d(m_, f);
    Instr in;
    while (!d.at_end()) {
      auto r = d.next(in);
      if (!r.ok()) {
        return located(std::move(r).error(), "code section, function " + std::to_string(f));
      }
      if ((in.op == Opcode::MemoryInit || in.op == Opcode::DataDrop) && !m_.data_count &&
          !m_.data.empty()) {
        return located(malformed_at(in.offset, "data count section required"),
                       "code section, function " + std::to_string(f));
      }
    }
  }
  return {};
}

Result<void> ModuleValidator::run() {
  auto r = check();
  if (!r.ok() && r.error().kind == ErrorKind::Invalid) IRONCLAD_TRY(first_malformed_body());
  return r;
}

Result<void> ModuleValidator::check() {
  IRONCLAD_TRY(module_fields());
  IRONCLAD_TRY(segments());
  return bodies();
}

Error ModuleValidator::located_body(Error e, uint32_t f) const {
  std::string where = "code section, function " + std::to_string(f);
  if (std::optional<std::string_view> name = m_.function_name(f))
    where += " (" + std::string(*name) + ")";
  return located(std::move(e), where);
}

// Every function body, on threads_ threads: each validates a run of consecutive functions
// holding about the same number of code bytes, and stops at its first invalid function or
// once another thread has found one at a lower index. The lowest failing index wins, so the
// error is the one a serial pass gives.
Result<void> ModuleValidator::bodies() {
  const uint32_t first = m_.num_imported_funcs;
  const uint32_t end = static_cast<uint32_t>(m_.func_types.size());
  if (threads_ <= 1) {
    FunctionValidator fv(m_);
    for (uint32_t f = first; f < end; ++f) {
      if (auto r = fv.validate(f); !r.ok()) return located_body(std::move(r).error(), f);
    }
    return {};
  }
  uint64_t total = 0;
  for (const FunctionBody& b : m_.bodies) total += b.size;
  // Runs of functions [starts[t], starts[t + 1]).
  std::vector<uint32_t> starts{first};
  uint64_t seen = 0;
  for (uint32_t f = first; f < end && starts.size() < threads_; ++f) {
    seen += m_.body(f).size;
    if (seen * threads_ >= total * starts.size() && f + 1 < end) starts.push_back(f + 1);
  }
  starts.push_back(end);
  const size_t runs = starts.size() - 1;
  struct Failure {
    uint32_t func = UINT32_MAX;
    std::optional<Error> error;
  };
  std::vector<Failure> failures(runs);
  std::atomic<uint32_t> lowest_failure{UINT32_MAX};
  auto validate_run = [&](size_t t) {
    FunctionValidator fv(m_);
    for (uint32_t f = starts[t]; f < starts[t + 1]; ++f) {
      if (lowest_failure.load(std::memory_order_relaxed) < f) return;
      if (auto r = fv.validate(f); !r.ok()) {
        failures[t].func = f;
        failures[t].error = std::move(r).error();
        uint32_t seen_low = lowest_failure.load(std::memory_order_relaxed);
        while (f < seen_low && !lowest_failure.compare_exchange_weak(seen_low, f)) {
        }
        return;
      }
    }
  };
  // A thread that cannot start leaves its run to this thread, after its own.
  std::vector<std::thread> helpers;
  std::vector<size_t> left_over;
  for (size_t t = 1; t < runs; ++t) {
    try {
      helpers.emplace_back(validate_run, t);
    } catch (const std::system_error&) {
      left_over.push_back(t);
    }
  }
  validate_run(0);
  for (size_t t : left_over) validate_run(t);
  for (std::thread& h : helpers) h.join();
  for (Failure& failure : failures) {
    if (failure.error) return located_body(std::move(*failure.error), failure.func);
  }
  return {};
}

}  // namespace

unsigned body_validation_threads(const Module& m, unsigned requested) {
  unsigned threads = requested;
  if (threads == 0) {
    uint64_t code_bytes = 0;
    for (const FunctionBody& b : m.bodies) code_bytes += b.size;
    if (code_bytes < kParallelValidationBytes) return 1;
    threads = std::thread::hardware_concurrency();
    if (const char* env = std::getenv("IRONCLAD_VALIDATION_THREADS")) {
      unsigned n = 0;
      auto [end, ec] = std::from_chars(env, env + std::strlen(env), n);
      if (ec == std::errc() && *end == '\0' && n > 0) threads = n;
    }
  }
  threads = std::min(threads, kMaxValidationThreads);
  // No more threads than functions.
  const size_t defined = m.bodies.size();
  if (threads > defined) threads = static_cast<unsigned>(defined);
  return std::max(threads, 1u);
}

Result<void> validate_module(const Module& m, std::string_view name_for_errors,
                             const ValidateOptions& options) {
  ModuleValidator v(m, name_for_errors, body_validation_threads(m, options.threads));
  return v.run();
}

}  // namespace ironclad::wasm
