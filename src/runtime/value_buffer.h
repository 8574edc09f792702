// The arguments or results of one call made by the engine itself (a crossing between the
// tiers, a call of a host function): on the caller's stack up to kInline values, else on
// the heap. Only the values used are constructed: each Value zeroes 32 bytes, and these
// buffers are made at every crossing (two arrays of 16 default-constructed Values were a
// kilobyte of stores per call, 2% of SQLite's main thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

// The 16-byte slots of one call (Tier::call_slots): `count` of them, uninitialized, on the
// caller's stack up to kInline, else on the heap.
class SlotBuffer {
 public:
  static constexpr size_t kInline = 16;
  static constexpr size_t kSlotBytes = 16;

  explicit SlotBuffer(size_t count) {
    if (count > kInline) heap_.resize(count * kSlotBytes);
    data_ = count > kInline ? heap_.data() : storage_;
  }
  SlotBuffer(const SlotBuffer&) = delete;
  SlotBuffer& operator=(const SlotBuffer&) = delete;

  uint8_t* data() { return data_; }

 private:
  alignas(16) uint8_t storage_[kInline * kSlotBytes];
  std::vector<uint8_t> heap_;
  uint8_t* data_ = nullptr;
};

// A value in a 16-byte slot, and back: the low bytes of the slot are Value's union. Only the
// type's own bytes are read back (machine code writes an i32 result's four and leaves the
// rest of its slot as it was), so the Value's other bytes stay zero, as Value::zero made them.
inline void value_to_slot(const Value& v, uint8_t* slot) {
  std::memcpy(slot, &v.v128, SlotBuffer::kSlotBytes);
}
inline Value value_of_slot(ValType type, const uint8_t* slot) {
  Value v = Value::zero(type);
  switch (type) {
    case ValType::I32:
    case ValType::F32: std::memcpy(&v.v128, slot, 4); break;
    case ValType::V128: std::memcpy(&v.v128, slot, 16); break;
    default: std::memcpy(&v.v128, slot, 8); break;
  }
  return v;
}

}  // namespace ironclad::runtime
