// The arguments or results of one call made by the engine itself (a crossing between the
// tiers, a call of a host function): on the caller's stack up to kInline values, else on
// the heap. Only the values used are constructed: each Value zeroes 32 bytes, and these
// buffers are made at every crossing (two arrays of 16 default-constructed Values were a
// kilobyte of stores per call, 2% of SQLite's main thread).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <vector>

#include "ironclad/value.h"

namespace ironclad::runtime {

class ValueBuffer {
 public:
  static constexpr size_t kInline = 16;

  explicit ValueBuffer(size_t count) {
    if (count <= kInline) {
      data_ = reinterpret_cast<Value*>(storage_);
      for (size_t i = 0; i < count; ++i) new (data_ + i) Value();
    } else {
      heap_.resize(count);
      data_ = heap_.data();
    }
  }
  ValueBuffer(const ValueBuffer&) = delete;
  ValueBuffer& operator=(const ValueBuffer&) = delete;

  Value* data() { return data_; }

 private:
  static_assert(std::is_trivially_destructible_v<Value>, "the inline values are never destroyed");
  alignas(Value) unsigned char storage_[kInline * sizeof(Value)];
  std::vector<Value> heap_;
  Value* data_ = nullptr;
};

}  // namespace ironclad::runtime
