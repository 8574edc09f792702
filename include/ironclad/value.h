// WebAssembly values as the embedding API and both tiers see them.
#pragma once

#include <cstdint>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

namespace ironclad {

// Encoded as in the binary format.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

inline const char* to_string(ValType type) {
  switch (type) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "?";
}
inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool is_num(ValType t) { return !is_ref(t) && t != ValType::V128; }

struct alignas(16) V128 {
  uint8_t bytes[16] = {};
  template <typename Lane, int N = 16 / sizeof(Lane)>
  Lane lane(int i) const {
    Lane v;
    std::memcpy(&v, bytes + i * sizeof(Lane), sizeof(Lane));
    return v;
  }
  template <typename Lane>
  void set_lane(int i, Lane v) {
    std::memcpy(bytes + i * sizeof(Lane), &v, sizeof(Lane));
  }
  bool operator==(const V128& o) const { return std::memcmp(bytes, o.bytes, 16) == 0; }
};

// A reference value. 0 is null. A funcref points at a runtime function object; an
// externref is an opaque non-zero word chosen by the host.
struct Ref {
  uintptr_t bits = 0;
  bool is_null() const { return bits == 0; }
  bool operator==(const Ref& o) const { return bits == o.bits; }
};

struct Value {
  ValType type = ValType::I32;
  union {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    V128 v128;
    Ref ref;
  };

  Value() : v128() {}
  static Value from_i32(uint32_t v) { Value x; x.type = ValType::I32; x.i32 = v; return x; }
  static Value from_i64(uint64_t v) { Value x; x.type = ValType::I64; x.i64 = v; return x; }
  static Value from_f32(float v) { Value x; x.type = ValType::F32; x.f32 = v; return x; }
  static Value from_f64(double v) { Value x; x.type = ValType::F64; x.f64 = v; return x; }
  static Value from_f32_bits(uint32_t bits) { Value x; x.type = ValType::F32; x.i32 = bits; return x; }
  static Value from_f64_bits(uint64_t bits) { Value x; x.type = ValType::F64; x.i64 = bits; return x; }
  static Value from_v128(const V128& v) { Value x; x.type = ValType::V128; x.v128 = v; return x; }
  static Value from_ref(ValType t, Ref r) { Value x; x.type = t; x.ref = r; return x; }
  static Value zero(ValType t) { Value x; x.type = t; return x; }

  // Plain text as `ironclad run --invoke` prints it: i32/i64 signed decimal, floats as
  // the shortest decimal that round-trips, v128 as four i32 lanes in hex, refs as "null"
  // or "ref".
  std::string to_string() const {
    char buf[64];
    switch (type) {
      case ValType::I32: return std::to_string(static_cast<int32_t>(i32));
      case ValType::I64: return std::to_string(static_cast<int64_t>(i64));
      case ValType::F32: {
        auto r = std::to_chars(buf, buf + sizeof buf, f32);
        return std::string(buf, r.ptr);
      }
      case ValType::F64: {
        auto r = std::to_chars(buf, buf + sizeof buf, f64);
        return std::string(buf, r.ptr);
      }
      case ValType::V128:
        std::snprintf(buf, sizeof buf, "0x%08x 0x%08x 0x%08x 0x%08x", v128.lane<uint32_t>(0),
                      v128.lane<uint32_t>(1), v128.lane<uint32_t>(2), v128.lane<uint32_t>(3));
        return buf;
      case ValType::FuncRef:
      case ValType::ExternRef:
        return ref.is_null() ? "null" : "ref";
    }
    return "?";
  }
};

}  // namespace ironclad
