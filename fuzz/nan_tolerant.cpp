#include "nan_tolerant.h"

#include <cmath>
#include <cstring>

namespace ironclad::fuzz {
namespace {

bool nan32(const uint8_t* p) {
  float f;
  std::memcpy(&f, p, 4);
  return std::isnan(f);
}

bool nan64(const uint8_t* p) {
  double d;
  std::memcpy(&d, p, 8);
  return std::isnan(d);
}

// Do both sides hold a NaN of `width` (4 or 8) bytes at these addresses?
bool both_nan(const uint8_t* a, const uint8_t* b, size_t width) {
  return width == 4 ? nan32(a) && nan32(b) : nan64(a) && nan64(b);
}

bool lanes_nan(const V128& a, const V128& b, size_t width) {
  for (size_t i = 0; i < 16; i += width) {
    if (std::memcmp(a.bytes + i, b.bytes + i, width) == 0) continue;
    if (!both_nan(a.bytes + i, b.bytes + i, width)) return false;
  }
  return true;
}

}  // namespace

bool same_value(const Value& a, const Value& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case ValType::I32:
      return a.i32 == b.i32;
    case ValType::I64:
      return a.i64 == b.i64;
    case ValType::F32:
      return a.i32 == b.i32 || (std::isnan(a.f32) && std::isnan(b.f32));
    case ValType::F64:
      return a.i64 == b.i64 || (std::isnan(a.f64) && std::isnan(b.f64));
    case ValType::V128:
      return std::memcmp(a.v128.bytes, b.v128.bytes, 16) == 0 || lanes_nan(a.v128, b.v128, 4) ||
             lanes_nan(a.v128, b.v128, 8);
    case ValType::FuncRef:
    case ValType::ExternRef:
      // References point into different stores; only null-ness is comparable here.
      return a.ref.is_null() == b.ref.is_null();
  }
  return false;
}

size_t first_real_difference(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  size_t n = a.size();
  size_t i = 0;
  while (i < n) {
    // Skip equal bytes quickly: memory is mostly identical.
    size_t chunk = std::min<size_t>(4096, n - i);
    if (std::memcmp(a.data() + i, b.data() + i, chunk) == 0) {
      i += chunk;
      continue;
    }
    for (size_t end = i + chunk; i < end; ++i) {
      if (a[i] == b[i]) continue;
      // A stored NaN (any alignment) of 4 or 8 bytes covering byte i explains it.
      bool explained = false;
      for (size_t width : {size_t{4}, size_t{8}}) {
        for (size_t back = 0; back < width && !explained; ++back) {
          if (back > i || i - back + width > n) continue;
          explained = both_nan(a.data() + i - back, b.data() + i - back, width);
        }
      }
      if (!explained) return i;
    }
  }
  return SIZE_MAX;
}

}  // namespace ironclad::fuzz
