// A bounds-checked cursor over a byte range of a module. Every read checks the range
// first, so truncated or hostile input yields an Error and never reads out of bounds.
// Errors carry the module offset of the offending byte ("at offset 0x1f: integer too
// large"); callers prepend where in the module they were ("module.wasm: code section, ").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ironclad/error.h"

namespace ironclad::wasm {

// "at offset 0x1f3a: what", the common shape of every decode error.
Error malformed_at(uint32_t offset, std::string_view what);

class Reader {
 public:
  // Reads module[begin, end). `module` is the whole binary: offsets are module offsets.
  Reader(std::span<const uint8_t> module, uint32_t begin, uint32_t end)
      : data_(module.data()), module_size_(static_cast<uint32_t>(module.size())),
        pos_(begin), begin_(begin), end_(end) {}
  // Reads a copy of module bytes that began at module offset `base` (a constant
  // expression kept apart from the module): offsets reported are base + position.
  static Reader with_base(std::span<const uint8_t> bytes, uint32_t base) {
    Reader r(bytes);
    r.base_ = base;
    return r;
  }
  explicit Reader(std::span<const uint8_t> module)
      : Reader(module, 0, static_cast<uint32_t>(module.size())) {}

  uint32_t offset() const { return base_ + pos_; }
  uint32_t position() const { return pos_; }  // index into the span
  uint32_t end() const { return end_; }
  uint32_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }

  Result<uint8_t> u8() {
    if (pos_ >= end_) return truncated();
    return data_[pos_++];
  }
  // Whether this range runs to the end of the module.
  bool reaches_module_end() const { return base_ != 0 || end_ >= module_size_; }
  // The same position, with the range extended to the end of the module.
  Reader extended_to_module_end() const {
    Reader r = *this;
    if (base_ == 0) r.end_ = module_size_;
    return r;
  }
  // Consumes a byte that peek() has shown to be there.
  void skip_byte() { ++pos_; }
  // Peeks at the next byte without consuming it; false at the end.
  bool peek(uint8_t& out) const {
    if (pos_ >= end_) return false;
    out = data_[pos_];
    return true;
  }

  // LEB128. The one-byte case (most indices and small constants) is inline.
  Result<uint32_t> u32() {
    if (pos_ < end_ && data_[pos_] < 0x80) return data_[pos_++];
    return u32_slow();
  }
  // Signed LEB128; the one-byte case (small constants) is inline: its 7 bits sign-extend.
  Result<int32_t> s32() {
    if (pos_ < end_ && data_[pos_] < 0x80) {
      return static_cast<int32_t>(static_cast<uint32_t>(data_[pos_++]) << 25) >> 25;
    }
    return s32_slow();
  }
  Result<int64_t> s33();  // block types: a non-negative result is a type index
  Result<int64_t> s64() {
    if (pos_ < end_ && data_[pos_] < 0x80) {
      return static_cast<int64_t>(static_cast<uint64_t>(data_[pos_++]) << 57) >> 57;
    }
    return s64_slow();
  }

  Result<uint32_t> f32_bits();
  Result<uint64_t> f64_bits();

  // A u32 length or count that must not exceed the bytes from its own first byte to the
  // end of the module ("length out of bounds", the spec's rule for every vec and name).
  Result<uint32_t> length();
  // A vec(byte) that must be valid UTF-8 ("malformed UTF-8 encoding").
  Result<std::string> name();
  // A name's bytes, checked as name() checks them, without a copy: a view into the module.
  Result<std::span<const uint8_t>> name_bytes();
  // The next n bytes, which must all be there ("unexpected end" / "length out of bounds").
  Result<std::span<const uint8_t>> bytes(uint32_t n);
  Result<void> skip(uint32_t n);

  // The error for a read past the end: "unexpected end" when the whole module is
  // exhausted, else "unexpected end of section or function" (the spec's two messages).
  Error truncated() const;
  Error error(std::string_view what) const { return malformed_at(offset(), what); }

 private:
  Result<uint32_t> u32_slow();
  Result<int32_t> s32_slow();
  Result<int64_t> s64_slow();
  Result<uint64_t> unsigned_leb(unsigned bits);
  Result<int64_t> signed_leb(unsigned bits);

  const uint8_t* data_;
  uint32_t module_size_;
  uint32_t pos_;
  uint32_t begin_;
  uint32_t end_;
  uint32_t base_ = 0;
};

bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace ironclad::wasm
