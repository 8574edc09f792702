// A plain byte buffer standing in for a wasm linear memory, so WASI host functions can be
// tested directly: write inputs at guest addresses, call, read outputs back.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/guest_memory.h"

namespace ironclad::wasi::testing {

class GuestTestMemory {
 public:
  explicit GuestTestMemory(size_t size = 65536) : bytes_(size, 0) {}
  GuestMemory view() { return GuestMemory(bytes_.data(), bytes_.size()); }
  uint32_t size() const { return static_cast<uint32_t>(bytes_.size()); }

  void write(uint32_t ptr, std::string_view s) { std::memcpy(&bytes_.at(ptr), s.data(), s.size()); }
  void write_u32(uint32_t ptr, uint32_t v) { std::memcpy(&bytes_.at(ptr), &v, 4); }
  void write_u64(uint32_t ptr, uint64_t v) { std::memcpy(&bytes_.at(ptr), &v, 8); }
  // A (c)iovec {buf, len} at `ptr`.
  void write_iovec(uint32_t ptr, uint32_t buf, uint32_t len) {
    write_u32(ptr, buf);
    write_u32(ptr + 4, len);
  }
  uint8_t u8(uint32_t ptr) const { return bytes_.at(ptr); }
  uint16_t u16(uint32_t ptr) const { uint16_t v; std::memcpy(&v, &bytes_.at(ptr), 2); return v; }
  uint32_t u32(uint32_t ptr) const { uint32_t v; std::memcpy(&v, &bytes_.at(ptr), 4); return v; }
  uint64_t u64(uint32_t ptr) const { uint64_t v; std::memcpy(&v, &bytes_.at(ptr), 8); return v; }
  std::string str(uint32_t ptr, size_t len) const {
    return std::string(reinterpret_cast<const char*>(&bytes_.at(ptr)), len);
  }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace ironclad::wasi::testing
