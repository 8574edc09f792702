#include "wasm/reader.h"

#include <cstdio>
#include <cstring>

namespace ironclad::wasm {

Error malformed_at(uint32_t offset, std::string_view what) {
  char where[40];
  std::snprintf(where, sizeof where, "at offset 0x%x: ", offset);
  return Error::make(ErrorKind::Malformed, std::string(where) + std::string(what));
}

Error Reader::truncated() const {
  // Inside a section the spec says "unexpected end of section or function"; that phrase
  // also contains the whole-module "unexpected end".
  bool whole_module = begin_ == 0 && end_ == module_size_ && base_ == 0;
  return error(whole_module ? "unexpected end" : "unexpected end of section or function");
}

Result<uint32_t> Reader::u32_slow() {
  auto r = unsigned_leb(32);
  if (!r.ok()) return std::move(r).error();
  return static_cast<uint32_t>(*r);
}

// The spec bounds an N-bit LEB128 at ceil(N/7) bytes ("integer representation too long"),
// and the unused high bits of the last byte must be zero ("integer too large").
Result<uint64_t> Reader::unsigned_leb(unsigned bits) {
  const uint32_t start = offset();
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) return truncated();
    uint8_t byte = data_[pos_++];
    if (i == max_bytes - 1) {
      if (byte & 0x80) return malformed_at(start, "integer representation too long");
      unsigned used = bits - 7 * i;  // payload bits this last byte may carry
      if (used < 7 && (byte >> used) != 0) return malformed_at(start, "integer too large");
      return result | (uint64_t(byte) << (7 * i));
    }
    result |= uint64_t(byte & 0x7F) << (7 * i);
    if (!(byte & 0x80)) return result;
  }
}

// For signed LEBs the unused bits of the last byte must be a sign extension of the last
// payload bit.
Result<int64_t> Reader::signed_leb(unsigned bits) {
  const uint32_t start = offset();
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) return truncated();
    uint8_t byte = data_[pos_++];
    unsigned shift = 7 * i;
    if (i == max_bytes - 1) {
      if (byte & 0x80) return malformed_at(start, "integer representation too long");
      unsigned used = bits - shift;  // 1..7
      if (used < 7) {
        // Bits [used-1, 6] must be all zeros or all ones.
        uint8_t high = static_cast<uint8_t>(byte >> (used - 1)) & static_cast<uint8_t>(0x7F >> (used - 1));
        uint8_t all = static_cast<uint8_t>(0x7F >> (used - 1));
        if (high != 0 && high != all) return malformed_at(start, "integer too large");
      }
      result |= uint64_t(byte & 0x7F) << shift;
      shift += 7;
      if (shift < 64 && (byte & 0x40)) result |= ~uint64_t(0) << shift;
      return static_cast<int64_t>(result);
    }
    result |= uint64_t(byte & 0x7F) << shift;
    if (!(byte & 0x80)) {
      shift += 7;
      if (shift < 64 && (byte & 0x40)) result |= ~uint64_t(0) << shift;
      return static_cast<int64_t>(result);
    }
  }
}

Result<int32_t> Reader::s32_slow() {
  auto r = signed_leb(32);
  if (!r.ok()) return std::move(r).error();
  return static_cast<int32_t>(*r);
}
Result<int64_t> Reader::s33() { return signed_leb(33); }
Result<int64_t> Reader::s64_slow() { return signed_leb(64); }

Result<uint32_t> Reader::f32_bits() {
  if (remaining() < 4) return truncated();
  uint32_t v;
  std::memcpy(&v, data_ + pos_, 4);  // little-endian host (x86-64)
  pos_ += 4;
  return v;
}

Result<uint64_t> Reader::f64_bits() {
  if (remaining() < 8) return truncated();
  uint64_t v;
  std::memcpy(&v, data_ + pos_, 8);
  pos_ += 8;
  return v;
}

Result<std::span<const uint8_t>> Reader::bytes(uint32_t n) {
  if (remaining() < n) {
    // A length that overruns its section is "length out of bounds"; one that overruns the
    // whole module is a truncation.
    if (end_ >= module_size_) return truncated();
    return error("length out of bounds");
  }
  std::span<const uint8_t> s(data_ + pos_, n);
  pos_ += n;
  return s;
}

Result<void> Reader::skip(uint32_t n) {
  IRONCLAD_TRY(bytes(n));
  return {};
}

Result<uint32_t> Reader::length() {
  const uint32_t start = pos_;
  IRONCLAD_TRY_ASSIGN(uint32_t n, u32());
  if (n > module_size_ - start) {
    return malformed_at(base_ + start, "length out of bounds (" + std::to_string(n) +
                                           " but only " + std::to_string(module_size_ - start) +
                                           " bytes to the end of the module)");
  }
  return n;
}

Result<std::string> Reader::name() {
  IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> s, name_bytes());
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

Result<std::span<const uint8_t>> Reader::name_bytes() {
  IRONCLAD_TRY_ASSIGN(uint32_t n, length());
  uint32_t at = offset();
  IRONCLAD_TRY_ASSIGN(auto s, bytes(n));
  if (!is_valid_utf8(s)) return malformed_at(at, "malformed UTF-8 encoding");
  return s;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t b = s[i];
    if (b < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; }
    else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; }
    else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; }
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      uint8_t c = s[i + k];
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace ironclad::wasm
