// A bounds-checked view of the caller's linear memory for WASI host functions. Every guest
// pointer goes through here: an access outside the memory (or any access when the caller
// has no memory) fails, and the host function returns EFAULT instead of touching host
// memory. Integers are little-endian as in wasm.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace ironclad::runtime {
class Memory;
}

namespace ironclad::wasi {

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  explicit GuestMemory(runtime::Memory* memory);

  // The host address of [ptr, ptr+len), or nullptr when any byte is outside the memory.
  // A zero-length range at or below the end is valid (and never dereferenced).
  uint8_t* range(uint64_t ptr, uint64_t len) const {
    if (base_ == nullptr || ptr > size_ || len > size_ - ptr) return nullptr;
    return base_ + ptr;
  }

  bool load_u32(uint64_t ptr, uint32_t& out) const { return load(ptr, out); }
  bool load_u64(uint64_t ptr, uint64_t& out) const { return load(ptr, out); }
  bool store_u8(uint64_t ptr, uint8_t v) const { return store(ptr, v); }
  bool store_u16(uint64_t ptr, uint16_t v) const { return store(ptr, v); }
  bool store_u32(uint64_t ptr, uint32_t v) const { return store(ptr, v); }
  bool store_u64(uint64_t ptr, uint64_t v) const { return store(ptr, v); }

  // Copies bytes into guest memory; false when the range is outside.
  bool store_bytes(uint64_t ptr, const void* data, uint64_t len) const {
    uint8_t* p = range(ptr, len);
    if (p == nullptr) return false;
    if (len != 0) std::memcpy(p, data, len);
    return true;
  }
  // A view of guest bytes as a string; false when the range is outside.
  bool load_string(uint64_t ptr, uint64_t len, std::string_view& out) const {
    uint8_t* p = range(ptr, len);
    if (p == nullptr) return false;
    out = std::string_view(reinterpret_cast<const char*>(p), len);
    return true;
  }

 private:
  // x86-64 is little-endian, like wasm, so a memcpy is the wasm encoding.
  template <typename T>
  bool load(uint64_t ptr, T& out) const {
    uint8_t* p = range(ptr, sizeof(T));
    if (p == nullptr) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
  }
  template <typename T>
  bool store(uint64_t ptr, T v) const {
    uint8_t* p = range(ptr, sizeof(T));
    if (p == nullptr) return false;
    std::memcpy(p, &v, sizeof(T));
    return true;
  }

  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace ironclad::wasi
