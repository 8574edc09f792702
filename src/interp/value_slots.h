// Moving Values (the embedding API's representation) in and out of frame slots.
#pragma once

#include <cstring>

#include "interp/code.h"
#include "ironclad/value.h"

namespace ironclad::interp {

// Slots a value of type t occupies.
inline uint32_t slot_count(ValType t) { return t == ValType::V128 ? 2 : 1; }

inline void value_to_slots(const Value& v, uint64_t* slots) {
  switch (v.type) {
    case ValType::I32:
    case ValType::F32: slots[0] = v.i32; break;
    case ValType::I64:
    case ValType::F64: slots[0] = v.i64; break;
    case ValType::V128: std::memcpy(slots, v.v128.bytes, 16); break;
    case ValType::FuncRef:
    case ValType::ExternRef: slots[0] = v.ref.bits; break;
  }
}

inline Value value_from_slots(ValType t, const uint64_t* slots) {
  switch (t) {
    case ValType::I32: return Value::from_i32(static_cast<uint32_t>(slots[0]));
    case ValType::F32: return Value::from_f32_bits(static_cast<uint32_t>(slots[0]));
    case ValType::I64: return Value::from_i64(slots[0]);
    case ValType::F64: return Value::from_f64_bits(slots[0]);
    case ValType::V128: {
      V128 v;
      std::memcpy(v.bytes, slots, 16);
      return Value::from_v128(v);
    }
    case ValType::FuncRef:
    case ValType::ExternRef: return Value::from_ref(t, Ref{static_cast<uintptr_t>(slots[0])});
  }
  return Value{};
}

}  // namespace ironclad::interp
