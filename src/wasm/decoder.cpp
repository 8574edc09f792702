#include "wasm/decoder.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "wasm/body_decoder.h"
#include "wasm/name_section.h"
#include "wasm/reader.h"

namespace ironclad::wasm {
namespace {

enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5, kGlobal = 6,
  kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11, kDataCount = 12,
};

const char* section_name(uint8_t id) {
  static const char* const kNames[] = {"custom", "type",   "import", "function", "table",
                                       "memory", "global", "export", "start",    "element",
                                       "code",   "data",   "data count"};
  return id < 13 ? kNames[id] : "unknown";
}

// Position of each known section in the required order (data count sits before code).
int section_rank(uint8_t id) {
  static const int kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

// A function declares at most this many locals, parameters included. The spec allows
// up to 2^32-1; an engine needs a bound it can allocate frames for (V8 uses 50000 too).
constexpr uint64_t kMaxLocals = 50000;

// Capacity to reserve for `count` items of at least `min_size` bytes each: never more
// than the remaining bytes could hold, so a hostile count cannot force an allocation.
size_t bounded(uint32_t count, const Reader& r, uint32_t min_size = 1) {
  return std::min<size_t>(count, r.remaining() / min_size);
}

class ModuleDecoder {
 public:
  ModuleDecoder(Module& m, std::string_view name) : m_(m), name_(name) {}

  Result<void> run();

 private:
  Result<void> header(Reader& r);
  Result<void> section(uint8_t id, Reader& r);
  Error past_section_end(uint8_t id, uint32_t start, uint32_t size, Error e);
  Result<void> custom(Reader& r, uint32_t section_end);
  Result<void> types(Reader& r);
  Result<void> imports(Reader& r);
  Result<void> functions(Reader& r);
  Result<void> tables(Reader& r);
  Result<void> memories(Reader& r);
  Result<void> globals(Reader& r);
  Result<void> exports(Reader& r);
  Result<void> start(Reader& r);
  Result<void> elements(Reader& r);
  Result<void> data_count(Reader& r);
  Result<void> code(Reader& r);
  Result<void> data(Reader& r);

  Result<Limits> limits(Reader& r);
  Result<TableType> table_type(Reader& r);
  Result<GlobalType> global_type(Reader& r);
  Result<ConstExpr> const_expr(Reader& r);
  Result<uint32_t> count(Reader& r, const char* what);

  void compute_declared_func_refs();

  // "app.wasm: import section, import 2 at offset 0x1f: what".
  Error located(Error e) const {
    std::string prefix(name_);
    prefix += ": ";
    if (section_ != 0xFF) {
      prefix += section_name(section_);
      prefix += " section";
      if (item_) prefix += std::string(", ") + item_ + " " + std::to_string(item_index_);
      prefix += " ";
    }
    e.message = prefix + e.message;
    return e;
  }
  void set_item(const char* what, uint32_t index) {
    // Formatted only into an error's message: a module has tens of thousands of items.
    item_ = what;
    item_index_ = index;
  }

  Module& m_;
  std::string_view name_;
  uint8_t section_ = 0xFF;  // the section being decoded, 0xFF outside any
  const char* item_ = nullptr;  // the item being decoded in it, for messages (or none)
  uint32_t item_index_ = 0;
  uint32_t declared_funcs_ = 0;
  bool saw_function_section_ = false;
  bool saw_code_section_ = false;
  bool saw_data_section_ = false;
};

Result<void> ModuleDecoder::header(Reader& r) {
  static const uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  static const uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
  if (r.remaining() < 4) return r.truncated();
  if (std::memcmp(r.data(), kMagic, 4) != 0) return r.error("magic header not detected");
  IRONCLAD_TRY(r.skip(4));
  if (r.remaining() < 4) return r.truncated();
  if (std::memcmp(r.data() + 4, kVersion, 4) != 0) return r.error("unknown binary version");
  return r.skip(4);
}

Result<void> ModuleDecoder::run() {
  Reader r(m_.bytes);
  if (m_.bytes.size() > UINT32_MAX) return located(r.error("module larger than 4 GiB"));
  if (auto h = header(r); !h.ok()) return located(std::move(h).error());
  int last_rank = 0;
  while (!r.at_end()) {
    uint32_t at = r.offset();
    uint8_t id = r.u8().value();
    if (id > kDataCount) {
      char what[48];
      std::snprintf(what, sizeof what, "malformed section id %u", id);
      return located(malformed_at(at, what));
    }
    auto size = r.u32();
    if (!size.ok()) return located(std::move(size).error());
    if (*size > r.remaining()) {
      return located(malformed_at(at, std::string(section_name(id)) +
                                          " section: length out of bounds (section size " +
                                          std::to_string(*size) + ", " +
                                          std::to_string(r.remaining()) + " bytes left)"));
    }
    if (id != kCustom) {
      if (section_rank(id) <= last_rank) {
        return located(malformed_at(
            at, std::string("unexpected content after last section (") + section_name(id) +
                    " section out of order or repeated)"));
      }
      last_rank = section_rank(id);
    }
    Reader sr(m_.bytes, r.offset(), r.offset() + *size);
    section_ = id;
    item_ = nullptr;
    if (auto s = section(id, sr); !s.ok()) {
      return located(past_section_end(id, r.offset(), *size, std::move(s).error()));
    }
    if (!sr.at_end()) {
      return located(sr.error("section size mismatch (" + std::to_string(sr.remaining()) +
                              " bytes left unread)"));
    }
    item_ = nullptr;
    (void)r.skip(*size);
  }
  section_ = 0xFF;
  if (declared_funcs_ > 0 && !saw_code_section_) {
    return located(r.error("function and code section have inconsistent lengths (" +
                           std::to_string(declared_funcs_) + " functions, no code section)"));
  }
  if (m_.data_count && *m_.data_count != 0 && !saw_data_section_) {
    return located(r.error("data count and data section have inconsistent lengths"));
  }
  for (const CustomSection& s : m_.customs) {
    if (s.name == "name") read_name_section(m_, s);
  }
  compute_declared_func_refs();
  return {};
}

// A section whose contents run past its declared end. The spec's reference decoder reads
// contents without that bound and compares positions afterwards, so the official tests
// expect its diagnosis of the bytes that follow: re-read the section unbounded to give it,
// still saying where the section really ended. The module is rejected either way; the
// second reading's partial results are discarded with it.
Error ModuleDecoder::past_section_end(uint8_t id, uint32_t start, uint32_t size, Error e) {
  const uint32_t end = start + size;
  if (end >= m_.bytes.size() || id == kCustom ||
      e.message.find("unexpected end of section or function") == std::string::npos) {
    return e;
  }
  Reader unbounded(m_.bytes, start, static_cast<uint32_t>(m_.bytes.size()));
  auto again = section(id, unbounded);
  char where[80];
  std::snprintf(where, sizeof where, " (reading past the end of the section at offset 0x%x)", end);
  if (!again.ok() &&
      again.error().message.find("unexpected end of section or function") == std::string::npos) {
    Error other = std::move(again).error();
    other.message += where;
    return other;
  }
  if (again.ok()) return malformed_at(end, std::string("section size mismatch") + where);
  return e;
}

Result<void> ModuleDecoder::section(uint8_t id, Reader& r) {
  switch (id) {
    case kCustom: return custom(r, r.end());
    case kType: return types(r);
    case kImport: return imports(r);
    case kFunction: return functions(r);
    case kTable: return tables(r);
    case kMemory: return memories(r);
    case kGlobal: return globals(r);
    case kExport: return exports(r);
    case kStart: return start(r);
    case kElement: return elements(r);
    case kCode: return code(r);
    case kData: return data(r);
    case kDataCount: return data_count(r);
  }
  return {};
}

Result<uint32_t> ModuleDecoder::count(Reader& r, const char* what) {
  uint32_t at = r.offset();
  IRONCLAD_TRY_ASSIGN(uint32_t n, r.length());
  // Every item takes at least one byte.
  if (n > r.remaining()) {
    return malformed_at(at, std::string("unexpected end of section or function (") + what +
                                " count " + std::to_string(n) + " exceeds the " +
                                std::to_string(r.remaining()) + " bytes left)");
  }
  return n;
}

Result<void> ModuleDecoder::custom(Reader& r, uint32_t section_end) {
  CustomSection s;
  IRONCLAD_TRY_ASSIGN(s.name, r.name());
  s.offset = r.offset();
  s.size = section_end - r.offset();
  IRONCLAD_TRY(r.skip(s.size));
  m_.customs.push_back(std::move(s));
  return {};
}

Result<void> ModuleDecoder::types(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "type"));
  m_.types.reserve(bounded(n, r, 3));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("type", i);
    uint32_t at = r.offset();
    IRONCLAD_TRY_ASSIGN(uint8_t form, r.u8());
    // The form is an s7: a continuation bit means a longer encoding than the spec allows.
    if (form & 0x80) return malformed_at(at, "integer representation too long");
    if (form != 0x60) return malformed_at(at, "malformed function type (expected 0x60)");
    FuncType t;
    for (auto* list : {&t.params, &t.results}) {
      IRONCLAD_TRY_ASSIGN(uint32_t k, count(r, "value type"));
      list->reserve(k);
      for (uint32_t j = 0; j < k; ++j) {
        IRONCLAD_TRY_ASSIGN(ValType v, read_val_type(r));
        list->push_back(v);
      }
    }
    m_.types.push_back(std::move(t));
  }
  return {};
}

Result<Limits> ModuleDecoder::limits(Reader& r) {
  uint32_t at = r.offset();
  // The flags are a single byte, which the spec reads as a u32 LEB of one byte.
  IRONCLAD_TRY_ASSIGN(uint8_t flags, r.u8());
  if (flags & 0x80) return malformed_at(at, "integer representation too long (limits flags)");
  if (flags > 1) return malformed_at(at, "integer too large (malformed limits flags)");
  Limits l;
  IRONCLAD_TRY_ASSIGN(uint32_t min, r.u32());
  l.min = min;
  if (flags & 1) {
    IRONCLAD_TRY_ASSIGN(uint32_t max, r.u32());
    l.max = max;
  }
  return l;
}

Result<TableType> ModuleDecoder::table_type(Reader& r) {
  TableType t;
  IRONCLAD_TRY_ASSIGN(t.elem_type, read_ref_type(r));
  IRONCLAD_TRY_ASSIGN(t.limits, limits(r));
  return t;
}

Result<GlobalType> ModuleDecoder::global_type(Reader& r) {
  GlobalType g;
  IRONCLAD_TRY_ASSIGN(g.type, read_val_type(r));
  uint32_t at = r.offset();
  IRONCLAD_TRY_ASSIGN(uint8_t mut, r.u8());
  if (mut > 1) return malformed_at(at, "malformed mutability");
  g.mutable_ = mut == 1;
  return g;
}

// A constant expression runs to its `end`. Its instructions are only checked for
// encoding here; which of them are allowed is the validator's business.
Result<ConstExpr> ModuleDecoder::const_expr(Reader& r) {
  ConstExpr e;
  e.offset = r.offset();
  BodyDecoder d(m_.bytes, r.offset(), r.end());
  Instr instr;
  while (!d.at_end()) IRONCLAD_TRY(d.next(instr));
  uint32_t end = d.offset();  // just past the closing `end`
  e.bytes.assign(m_.bytes.begin() + e.offset, m_.bytes.begin() + (end - 1));
  IRONCLAD_TRY(r.skip(end - e.offset));
  return e;
}

Result<void> ModuleDecoder::imports(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "import"));
  m_.imports.reserve(bounded(n, r, 4));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("import", i);
    Import im;
    IRONCLAD_TRY_ASSIGN(im.module, r.name());
    IRONCLAD_TRY_ASSIGN(im.field, r.name());
    uint32_t at = r.offset();
    IRONCLAD_TRY_ASSIGN(uint8_t kind, r.u8());
    switch (kind) {
      case 0: {
        IRONCLAD_TRY_ASSIGN(im.func_type_index, r.u32());
        m_.func_types.push_back(im.func_type_index);
        ++m_.num_imported_funcs;
        break;
      }
      case 1: {
        IRONCLAD_TRY_ASSIGN(im.table, table_type(r));
        m_.tables.push_back(im.table);
        ++m_.num_imported_tables;
        break;
      }
      case 2: {
        IRONCLAD_TRY_ASSIGN(im.memory.limits, limits(r));
        m_.memories.push_back(im.memory);
        ++m_.num_imported_memories;
        break;
      }
      case 3: {
        IRONCLAD_TRY_ASSIGN(im.global, global_type(r));
        Global g;
        g.type = im.global;
        m_.globals.push_back(std::move(g));
        ++m_.num_imported_globals;
        break;
      }
      default:
        return malformed_at(at, "malformed import kind " + std::to_string(kind));
    }
    im.kind = static_cast<ExternKind>(kind);
    m_.imports.push_back(std::move(im));
  }
  return {};
}

Result<void> ModuleDecoder::functions(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "function"));
  saw_function_section_ = true;
  m_.func_types.reserve(m_.func_types.size() + n);  // n <= section bytes
  for (uint32_t i = 0; i < n; ++i) {
    IRONCLAD_TRY_ASSIGN(uint32_t type, r.u32());
    m_.func_types.push_back(type);
  }
  declared_funcs_ = n;
  return {};
}

Result<void> ModuleDecoder::tables(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "table"));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("table", i);
    IRONCLAD_TRY_ASSIGN(TableType t, table_type(r));
    m_.tables.push_back(t);
  }
  return {};
}

Result<void> ModuleDecoder::memories(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "memory"));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("memory", i);
    MemoryType mt;
    IRONCLAD_TRY_ASSIGN(mt.limits, limits(r));
    m_.memories.push_back(mt);
  }
  return {};
}

Result<void> ModuleDecoder::globals(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "global"));
  m_.globals.reserve(m_.globals.size() + bounded(n, r, 3));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("global", m_.num_imported_globals + i);
    Global g;
    IRONCLAD_TRY_ASSIGN(g.type, global_type(r));
    IRONCLAD_TRY_ASSIGN(g.init, const_expr(r));
    m_.globals.push_back(std::move(g));
  }
  return {};
}

Result<void> ModuleDecoder::exports(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "export"));
  m_.exports.reserve(bounded(n, r, 3));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("export", i);
    Export e;
    IRONCLAD_TRY_ASSIGN(e.name, r.name());
    uint32_t at = r.offset();
    IRONCLAD_TRY_ASSIGN(uint8_t kind, r.u8());
    if (kind > 3) return malformed_at(at, "malformed export kind " + std::to_string(kind));
    e.kind = static_cast<ExternKind>(kind);
    IRONCLAD_TRY_ASSIGN(e.index, r.u32());
    m_.exports.push_back(std::move(e));
  }
  return {};
}

Result<void> ModuleDecoder::start(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t f, r.u32());
  m_.start = f;
  return {};
}

// Element segment flags (bit 0: passive/declarative, bit 1: explicit table or
// declarative, bit 2: items are expressions rather than function indices).
Result<void> ModuleDecoder::elements(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "element segment"));
  m_.elements.reserve(bounded(n, r, 3));
  for (uint32_t i = 0; i < n; ++i) {
    set_item("segment", i);
    ElementSegment seg;
    seg.module_offset = r.offset();
    IRONCLAD_TRY_ASSIGN(uint32_t flags, r.u32());
    if (flags > 7) {
      return malformed_at(seg.module_offset,
                          "malformed elements segment kind " + std::to_string(flags));
    }
    if (flags & 1) {
      seg.mode = (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      if (flags & 2) {
        IRONCLAD_TRY_ASSIGN(seg.table_index, r.u32());
      }
      IRONCLAD_TRY_ASSIGN(seg.offset, const_expr(r));
    }
    const bool exprs = flags & 4;
    if (flags & 3) {  // an explicit element kind or reference type
      if (exprs) {
        IRONCLAD_TRY_ASSIGN(seg.elem_type, read_ref_type(r));
      } else {
        uint32_t at = r.offset();
        IRONCLAD_TRY_ASSIGN(uint8_t kind, r.u8());
        if (kind != 0x00) return malformed_at(at, "malformed element kind");
        seg.elem_type = ValType::FuncRef;
      }
    }
    IRONCLAD_TRY_ASSIGN(uint32_t items, count(r, "element"));
    // Bounded by count().
    if (exprs)
      seg.items.reserve(items);
    else
      seg.func_indices.reserve(items);
    for (uint32_t j = 0; j < items; ++j) {
      if (exprs) {
        IRONCLAD_TRY_ASSIGN(ConstExpr e, const_expr(r));
        seg.items.push_back(std::move(e));
      } else {
        IRONCLAD_TRY_ASSIGN(uint32_t f, r.u32());
        seg.func_indices.push_back(f);
      }
    }
    m_.elements.push_back(std::move(seg));
  }
  return {};
}

Result<void> ModuleDecoder::data_count(Reader& r) {
  IRONCLAD_TRY_ASSIGN(uint32_t n, r.u32());
  m_.data_count = n;
  return {};
}

Result<void> ModuleDecoder::code(Reader& r) {
  saw_code_section_ = true;
  uint32_t at = r.offset();
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "function body"));
  if (n != declared_funcs_) {
    return malformed_at(at, "function and code section have inconsistent lengths (" +
                                std::to_string(declared_funcs_) + " functions, " +
                                std::to_string(n) + " bodies)");
  }
  m_.bodies.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t func_index = m_.num_imported_funcs + i;
    set_item("function", func_index);
    IRONCLAD_TRY_ASSIGN(uint32_t size, r.length());
    FunctionBody body;
    body.offset = r.offset();
    body.size = size;
    if (size > r.remaining()) {
      return r.error("length out of bounds (function body of " + std::to_string(size) +
                     " bytes, " + std::to_string(r.remaining()) + " left in the section)");
    }
    Reader br(m_.bytes, body.offset, body.offset + size);
    IRONCLAD_TRY_ASSIGN(uint32_t runs, count(br, "local declaration"));
    body.locals.reserve(bounded(runs, br, 2));
    uint64_t total = 0;
    for (uint32_t j = 0; j < runs; ++j) {
      uint32_t run_at = br.offset();
      LocalRun run;
      IRONCLAD_TRY_ASSIGN(run.count, br.u32());
      IRONCLAD_TRY_ASSIGN(run.type, read_val_type(br));
      total += run.count;
      uint64_t params = func_index < m_.func_types.size() &&
                                m_.func_types[func_index] < m_.types.size()
                            ? m_.types[m_.func_types[func_index]].params.size()
                            : 0;
      if (total + params > kMaxLocals) {
        return malformed_at(run_at, "too many locals (" + std::to_string(total + params) +
                                        " with the parameters, at most " +
                                        std::to_string(kMaxLocals) + ")");
      }
      if (run.count) body.locals.push_back(run);
    }
    body.num_locals = static_cast<uint32_t>(total);
    body.code_offset = br.offset();
    m_.bodies.push_back(std::move(body));
    IRONCLAD_TRY(r.skip(size));
  }
  return {};
}

Result<void> ModuleDecoder::data(Reader& r) {
  saw_data_section_ = true;
  uint32_t at = r.offset();
  IRONCLAD_TRY_ASSIGN(uint32_t n, count(r, "data segment"));
  if (m_.data_count && *m_.data_count != n) {
    return malformed_at(at, "data count and data section have inconsistent lengths (" +
                                std::to_string(*m_.data_count) + " and " + std::to_string(n) +
                                ")");
  }
  m_.data.reserve(n);  // bounded by count()
  for (uint32_t i = 0; i < n; ++i) {
    set_item("segment", i);
    DataSegment seg;
    seg.module_offset = r.offset();
    IRONCLAD_TRY_ASSIGN(uint32_t flags, r.u32());
    switch (flags) {
      case 0: {
        seg.mode = SegmentMode::Active;
        IRONCLAD_TRY_ASSIGN(seg.offset, const_expr(r));
        break;
      }
      case 1:
        seg.mode = SegmentMode::Passive;
        break;
      case 2: {
        seg.mode = SegmentMode::Active;
        IRONCLAD_TRY_ASSIGN(seg.memory_index, r.u32());
        IRONCLAD_TRY_ASSIGN(seg.offset, const_expr(r));
        break;
      }
      default:
        return malformed_at(seg.module_offset,
                            "malformed data segment kind " + std::to_string(flags));
    }
    IRONCLAD_TRY_ASSIGN(seg.bytes_size, r.length());
    seg.bytes_offset = r.offset();
    IRONCLAD_TRY(r.skip(seg.bytes_size));
    m_.data.push_back(std::move(seg));
  }
  return {};
}

void ModuleDecoder::compute_declared_func_refs() {
  const size_t num_funcs = m_.func_types.size();
  m_.declared_func_refs.assign(num_funcs, false);
  auto scan = [&](const ConstExpr& e) {
    BodyDecoder d(e);
    Instr instr;
    while (!d.at_end() && d.next(instr).ok()) {
      if (instr.op == Opcode::RefFunc && instr.index < num_funcs) {
        m_.declared_func_refs[instr.index] = true;
      }
    }
  };
  for (const Global& g : m_.globals) scan(g.init);
  for (const ElementSegment& seg : m_.elements) {
    scan(seg.offset);
    for (const ConstExpr& item : seg.items) scan(item);
    for (uint32_t f : seg.func_indices)
      if (f < num_funcs) m_.declared_func_refs[f] = true;
  }
  for (const DataSegment& seg : m_.data) scan(seg.offset);
  for (const Export& e : m_.exports) {
    if (e.kind == ExternKind::Func && e.index < num_funcs) m_.declared_func_refs[e.index] = true;
  }
}

}  // namespace

Result<std::unique_ptr<Module>> decode_module(std::vector<uint8_t> bytes,
                                              std::string_view name_for_errors) {
  auto m = std::make_unique<Module>();
  m->bytes = std::move(bytes);
  ModuleDecoder d(*m, name_for_errors);
  IRONCLAD_TRY(d.run());
  return m;
}

}  // namespace ironclad::wasm
