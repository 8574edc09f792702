// Assembles component and core module binaries byte by byte, so that each validation rule
// can be tested with the smallest component that breaks it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ironclad::component::testing {

struct Bytes : std::vector<uint8_t> {
  Bytes() = default;
  Bytes(std::initializer_list<uint8_t> b) : std::vector<uint8_t>(b) {}

  Bytes& u8(uint8_t b) {
    push_back(b);
    return *this;
  }
  Bytes& u32(uint32_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      if (v) b |= 0x80;
      push_back(b);
    } while (v);
    return *this;
  }
  // A type index where a value type may stand: signed LEB128 (a one-byte 0x40..0x7f would be
  // a primitive type's code).
  Bytes& typeidx(uint32_t v) {
    int64_t x = v;
    while (true) {
      uint8_t b = x & 0x7f;
      x >>= 7;
      bool done = (x == 0 && !(b & 0x40));
      if (!done) b |= 0x80;
      push_back(b);
      if (done) return *this;
    }
  }
  Bytes& name(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    insert(end(), s.begin(), s.end());
    return *this;
  }
  Bytes& add(const Bytes& b) {
    insert(end(), b.begin(), b.end());
    return *this;
  }
};

// A vector of items: count, then each item.
inline Bytes vec(const std::vector<Bytes>& items) {
  Bytes b;
  b.u32(static_cast<uint32_t>(items.size()));
  for (const Bytes& i : items) b.add(i);
  return b;
}

inline Bytes section(uint8_t id, const Bytes& payload) {
  Bytes b;
  b.u8(id).u32(static_cast<uint32_t>(payload.size())).add(payload);
  return b;
}

inline Bytes component(const std::vector<Bytes>& sections) {
  Bytes b{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  for (const Bytes& s : sections) b.add(s);
  return b;
}

// Section ids of the component binary format.
enum : uint8_t {
  kCustom = 0,
  kCoreModule = 1,
  kCoreInstance = 2,
  kCoreType = 3,
  kComponent = 4,
  kInstance = 5,
  kAlias = 6,
  kType = 7,
  kCanon = 8,
  kStart = 9,
  kImport = 10,
  kExport = 11,
  kValue = 12,
};

// Primitive value type codes.
enum : uint8_t {
  kBool = 0x7f,
  kS8 = 0x7e,
  kU8 = 0x7d,
  kS16 = 0x7c,
  kU16 = 0x7b,
  kS32 = 0x7a,
  kU32 = 0x79,
  kS64 = 0x78,
  kU64 = 0x77,
  kF32 = 0x76,
  kF64 = 0x75,
  kChar = 0x74,
  kString = 0x73,
};

// A plain name as imports and exports write it (discriminant 0x00).
inline Bytes extern_name(const std::string& s) {
  Bytes b;
  b.u8(0x00).name(s);
  return b;
}

// (func (param "name" t)...) (result r?): 0x40 params results.
inline Bytes functype(const std::vector<std::pair<std::string, uint8_t>>& params, int result = -1) {
  Bytes b;
  b.u8(0x40).u32(static_cast<uint32_t>(params.size()));
  for (const auto& [n, t] : params) b.name(n).u8(t);
  if (result < 0) {
    b.u8(0x01).u8(0x00);
  } else {
    b.u8(0x00).u8(static_cast<uint8_t>(result));
  }
  return b;
}

// A core module with one memory (exported as "memory" when `memory`), and functions
// exported by name with their core signature and body (instructions without the final end).
struct CoreFunc {
  std::string name;
  std::vector<uint8_t> params, results;  // core value type codes (0x7f = i32 ...)
  std::vector<uint8_t> body;             // instructions; `end` is appended
};

inline Bytes core_module(
    const std::vector<CoreFunc>& funcs, bool memory = false,
    const std::vector<std::pair<std::string, std::string>>& func_imports = {}) {
  Bytes m{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  // Types: one per defined function, then one () -> () per import.
  std::vector<Bytes> types;
  for (const CoreFunc& f : funcs) {
    Bytes t;
    t.u8(0x60).u32(static_cast<uint32_t>(f.params.size()));
    for (uint8_t p : f.params) t.u8(p);
    t.u32(static_cast<uint32_t>(f.results.size()));
    for (uint8_t r : f.results) t.u8(r);
    types.push_back(t);
  }
  uint32_t import_type = static_cast<uint32_t>(types.size());
  if (!func_imports.empty()) types.push_back(Bytes{0x60, 0x00, 0x00});
  m.add(section(1, vec(types)));
  if (!func_imports.empty()) {
    std::vector<Bytes> imports;
    for (const auto& [mod, field] : func_imports) {
      Bytes i;
      i.name(mod).name(field).u8(0x00).u32(import_type);
      imports.push_back(i);
    }
    m.add(section(2, vec(imports)));
  }
  std::vector<Bytes> decls;
  for (uint32_t i = 0; i < funcs.size(); ++i) decls.push_back(Bytes().u32(i));
  m.add(section(3, vec(decls)));
  if (memory) m.add(section(5, vec({Bytes{0x00, 0x01}})));
  std::vector<Bytes> exports;
  uint32_t base = static_cast<uint32_t>(func_imports.size());
  for (uint32_t i = 0; i < funcs.size(); ++i) {
    Bytes e;
    e.name(funcs[i].name).u8(0x00).u32(base + i);
    exports.push_back(e);
  }
  if (memory) exports.push_back(Bytes().name("memory").u8(0x02).u32(0));
  m.add(section(7, vec(exports)));
  std::vector<Bytes> bodies;
  for (const CoreFunc& f : funcs) {
    Bytes body;
    body.u8(0x00);  // no locals
    body.insert(body.end(), f.body.begin(), f.body.end());
    body.u8(0x0b);
    Bytes sized;
    sized.u32(static_cast<uint32_t>(body.size())).add(body);
    bodies.push_back(sized);
  }
  m.add(section(10, vec(bodies)));
  return m;
}

}  // namespace ironclad::component::testing
