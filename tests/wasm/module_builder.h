// Assembles WebAssembly binaries byte by byte for tests: sections with correct sizes,
// LEB128 integers, names. Deliberately dumb, so a test can also write wrong bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ironclad::wasm::test {

using Bytes = std::vector<uint8_t>;

inline void put_u32(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

inline void put_s64(Bytes& out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
    out.push_back(more ? (b | 0x80) : b);
  }
}

inline Bytes leb(uint64_t v) {
  Bytes b;
  put_u32(b, v);
  return b;
}

inline Bytes sleb(int64_t v) {
  Bytes b;
  put_s64(b, v);
  return b;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes name(const std::string& s) {
  Bytes out = leb(s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A vec: the count, then the items.
inline Bytes vec(std::initializer_list<Bytes> items) {
  Bytes out = leb(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

inline Bytes section(uint8_t id, const Bytes& content) {
  Bytes out{id};
  put_u32(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

// A function type (params) -> (results), value types as their bytes.
inline Bytes func_type(Bytes params, Bytes results) {
  Bytes out{0x60};
  put_u32(out, params.size());
  out.insert(out.end(), params.begin(), params.end());
  put_u32(out, results.size());
  out.insert(out.end(), results.begin(), results.end());
  return out;
}

// A function body: local runs as (count, type) pairs, then the code (which must end
// with 0x0B itself).
inline Bytes body(std::initializer_list<std::pair<uint32_t, uint8_t>> locals, Bytes code) {
  Bytes content = leb(locals.size());
  for (auto [n, t] : locals) {
    put_u32(content, n);
    content.push_back(t);
  }
  content.insert(content.end(), code.begin(), code.end());
  Bytes out = leb(content.size());
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C, V128 = 0x7B,
                  FUNCREF = 0x70, EXTERNREF = 0x6F;

// A module with one type, one function of that type, and the given body code. The
// typical shape of a validation test.
inline Bytes one_func(Bytes type, Bytes code, std::initializer_list<std::pair<uint32_t, uint8_t>> locals = {},
                      Bytes extra_before_code = {}) {
  return cat({header(), section(1, vec({type})), section(3, vec({leb(0)})), extra_before_code,
              section(10, vec({body(locals, code)}))});
}

}  // namespace ironclad::wasm::test
