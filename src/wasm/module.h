// The decoded form of a WebAssembly 2.0 module. Function bodies are kept as byte ranges of
// the module's bytes and are decoded on demand by the one body decoder (body_decoder.h),
// so decoding a multi-megabyte module touches each body once, in the validator.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ironclad/value.h"

namespace ironclad::wasm {

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType& o) const { return params == o.params && results == o.results; }
  std::string to_string() const;  // "(i32, i64) -> (f32)"
};

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

struct TableType {
  ValType elem_type = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mutable_ = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* to_string(ExternKind kind);

struct Import {
  std::string module;
  std::string field;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type_index = 0;  // kind == Func
  TableType table;               // kind == Table
  MemoryType memory;             // kind == Memory
  GlobalType global;             // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// A constant expression (global initialisers, segment offsets, element items), kept as
// its bytes (without the final `end`) plus its offset in the module for error messages.
struct ConstExpr {
  uint32_t offset = 0;  // of the first byte in the module
  std::vector<uint8_t> bytes;

  // The function of a lone `ref.func f` (what element segments hold, one per table slot:
  // tens of thousands in a large program), read without a decoder; nullopt for any other
  // expression, which the general path decodes.
  std::optional<uint32_t> ref_func_index() const {
    if (bytes.size() < 2 || bytes.size() > 6 || bytes[0] != 0xD2) return std::nullopt;
    uint32_t index = 0;
    for (size_t i = 1; i < bytes.size(); ++i) {
      const bool last = i + 1 == bytes.size();
      if (((bytes[i] & 0x80) == 0) != last) return std::nullopt;
      if (i == 5 && bytes[i] > 0x0F) return std::nullopt;  // past 32 bits
      index |= uint32_t{bytes[i] & 0x7Fu} << (7 * (i - 1));
    }
    return index;
  }
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElementSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType elem_type = ValType::FuncRef;
  uint32_t table_index = 0;  // Active
  ConstExpr offset;          // Active
  // Each item is a constant expression (ref.func i, ref.null t, global.get g)...
  std::vector<ConstExpr> items;
  // ...or, for a segment written as plain function indices (what C and Rust toolchains emit
  // for their function tables: tens of thousands of items), the functions, and `items` is
  // empty: `ref.func i` each, without an expression of its own to allocate, decode and run.
  std::vector<uint32_t> func_indices;
  size_t size() const { return items.empty() ? func_indices.size() : items.size(); }
  uint32_t module_offset = 0;  // of the segment, for error messages
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // never Declarative
  uint32_t memory_index = 0;
  ConstExpr offset;
  uint32_t bytes_offset = 0;  // where the data bytes start in the module
  uint32_t bytes_size = 0;
  uint32_t module_offset = 0;
};

// A local declaration run: `count` locals of `type`.
struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

struct FunctionBody {
  uint32_t offset = 0;       // module offset of the body (after its size LEB)
  uint32_t size = 0;         // bytes of the body, locals declarations included
  uint32_t code_offset = 0;  // module offset of the first instruction
  std::vector<LocalRun> locals;
  uint32_t num_locals = 0;   // declared locals, params excluded
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0;  // of the payload in the module
  uint32_t size = 0;
};

struct Module {
  std::vector<uint8_t> bytes;  // the whole binary; bodies and data segments point into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  // Type index of every function, imported ones first (the function index space).
  std::vector<uint32_t> func_types;
  uint32_t num_imported_funcs = 0;
  std::vector<TableType> tables;  // imported first
  uint32_t num_imported_tables = 0;
  std::vector<MemoryType> memories;  // imported first
  uint32_t num_imported_memories = 0;
  std::vector<Global> globals;  // imported first; imported ones have an empty init
  uint32_t num_imported_globals = 0;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElementSegment> elements;
  std::optional<uint32_t> data_count;
  std::vector<DataSegment> data;
  std::vector<FunctionBody> bodies;  // one per defined (non-imported) function
  std::vector<CustomSection> customs;

  // From the `name` section, when present and well-formed (a bad name section is ignored,
  // as the spec allows).
  std::optional<std::string> module_name;
  // Function names: where each lies in `bytes` (no copy; a large program names tens of
  // thousands of functions), sorted by function index. function_name() reads one.
  struct FunctionName {
    uint32_t func_index = 0;
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  std::vector<FunctionName> function_names;
  // The name section's name of a function, if it has one.
  std::optional<std::string_view> function_name(uint32_t func_index) const;

  // Every function index that a `ref.func` may name: those in element segments, exports
  // and global initialisers (C.refs in the spec).
  std::vector<bool> declared_func_refs;

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  bool is_imported_func(uint32_t func_index) const { return func_index < num_imported_funcs; }
  const FunctionBody& body(uint32_t func_index) const {
    return bodies[func_index - num_imported_funcs];
  }
  // "name" from the name section, or "func[12]".
  std::string function_display_name(uint32_t func_index) const;
  const Export* find_export(std::string_view name) const;
};

}  // namespace ironclad::wasm
