// Lifting: component values out of core values and linear memory (CanonicalABI.md "Loading"
// and "Flat Lifting"). Every read is bounds- and alignment-checked first.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "component/abi.h"

namespace ironclad::component {

namespace {

using CV = ironclad::ValType;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

ComponentValueKind value_kind(TypeKind k) {
  switch (k) {
    case TypeKind::Bool:
      return ComponentValueKind::Bool;
    case TypeKind::S8:
      return ComponentValueKind::S8;
    case TypeKind::U8:
      return ComponentValueKind::U8;
    case TypeKind::S16:
      return ComponentValueKind::S16;
    case TypeKind::U16:
      return ComponentValueKind::U16;
    case TypeKind::S32:
      return ComponentValueKind::S32;
    case TypeKind::U32:
      return ComponentValueKind::U32;
    case TypeKind::S64:
      return ComponentValueKind::S64;
    case TypeKind::U64:
      return ComponentValueKind::U64;
    case TypeKind::F32:
      return ComponentValueKind::F32;
    case TypeKind::F64:
      return ComponentValueKind::F64;
    case TypeKind::Char:
      return ComponentValueKind::Char;
    case TypeKind::String:
      return ComponentValueKind::String;
    case TypeKind::Record:
      return ComponentValueKind::Record;
    case TypeKind::Variant:
      return ComponentValueKind::Variant;
    case TypeKind::List:
      return ComponentValueKind::List;
    case TypeKind::Tuple:
      return ComponentValueKind::Tuple;
    case TypeKind::Flags:
      return ComponentValueKind::Flags;
    case TypeKind::Enum:
      return ComponentValueKind::Enum;
    case TypeKind::Option:
      return ComponentValueKind::Option;
    case TypeKind::Result:
      return ComponentValueKind::Result;
    case TypeKind::Own:
      return ComponentValueKind::Own;
    case TypeKind::Borrow:
      return ComponentValueKind::Borrow;
  }
  return ComponentValueKind::Bool;
}

// An integer of `t`'s width from the low bits of `raw`, sign- or zero-extended.
uint64_t integer_of(TypeKind k, uint64_t raw) {
  switch (k) {
    case TypeKind::Bool:
      return raw != 0 ? 1 : 0;
    case TypeKind::U8:
      return raw & 0xff;
    case TypeKind::U16:
      return raw & 0xffff;
    case TypeKind::U32:
      return raw & 0xffffffffu;
    case TypeKind::S8:
      return static_cast<uint64_t>(int64_t{static_cast<int8_t>(raw)});
    case TypeKind::S16:
      return static_cast<uint64_t>(int64_t{static_cast<int16_t>(raw)});
    case TypeKind::S32:
      return static_cast<uint64_t>(int64_t{static_cast<int32_t>(raw)});
    default:
      return raw;
  }
}

Result<uint32_t> check_char(uint64_t i) {
  if (i >= 0x110000 || (i >= 0xD800 && i <= 0xDFFF)) {
    return abi_trap("invalid `char` bit pattern: " + hex(i) + " is not a Unicode scalar value");
  }
  return static_cast<uint32_t>(i);
}

const uint8_t* memory_at(AbiContext& cx, uint64_t ptr, uint64_t size) {
  runtime::Memory* m = cx.opts->memory;
  if (!m || ptr > m->size_bytes || size > m->size_bytes - ptr) return nullptr;
  return m->base + ptr;
}

uint64_t read_le(const uint8_t* p, uint32_t n) {
  uint64_t v = 0;
  std::memcpy(&v, p, n);  // x86-64 is little-endian, as wasm memory is
  return v;
}

Result<ComponentValue> lift_own(AbiContext& cx, uint32_t index, const ValType* t) {
  const RuntimeResource* want = cx.inst->resource(t->resource);
  if (!want)
    return Error::make(ErrorKind::Internal,
                       "canonical ABI: resource `" + t->resource->name + "` is not bound");
  IRONCLAD_TRY_ASSIGN(HandleEntry * h, cx.inst->handles.get(index));
  if (h->type != want) {
    return abi_trap("handle index " + std::to_string(index) +
                    " used with the wrong type, expected `" + want->describe() + "` but found `" +
                    h->type->describe() + "`");
  }
  if (!h->own)
    return abi_trap("handle index " + std::to_string(index) +
                    " is a borrow, but an own handle is expected");
  if (h->num_lends != 0)
    return abi_trap("cannot remove owned resource while borrowed (handle index " +
                    std::to_string(index) + ")");
  IRONCLAD_TRY_ASSIGN(HandleEntry e, cx.inst->handles.remove(index));
  return ComponentValue::own(e.type, e.rep);
}

Result<ComponentValue> lift_borrow(AbiContext& cx, uint32_t index, const ValType* t) {
  const RuntimeResource* want = cx.inst->resource(t->resource);
  if (!want)
    return Error::make(ErrorKind::Internal,
                       "canonical ABI: resource `" + t->resource->name + "` is not bound");
  IRONCLAD_TRY_ASSIGN(HandleEntry * h, cx.inst->handles.get(index));
  if (h->type != want) {
    return abi_trap("handle index " + std::to_string(index) +
                    " used with the wrong type, expected `" + want->describe() + "` but found `" +
                    h->type->describe() + "`");
  }
  if (cx.lenders) {
    ++h->num_lends;
    cx.lenders->push_back(index);
  }
  return ComponentValue::borrow(h->type, h->rep);
}

Result<ComponentValue> load_list_from_range(AbiContext& cx, uint32_t ptr, uint32_t length,
                                            const ValType* elem) {
  uint64_t bytes = uint64_t{length} * elem->size;
  if (bytes > kMaxElemSize)
    return abi_trap("list content out-of-bounds: " + std::to_string(length) + " elements of " +
                    std::to_string(elem->size) + " bytes are more than a memory can hold");
  if (ptr % elem->align != 0)
    return abi_trap("unaligned pointer: list at " + hex(ptr) + " needs alignment " +
                    std::to_string(elem->align));
  if (!memory_at(cx, ptr, bytes)) {
    return abi_trap("list content out-of-bounds: " + hex(ptr) + " + " + std::to_string(bytes) +
                    " bytes, memory is " +
                    std::to_string(cx.opts->memory ? cx.opts->memory->size_bytes : 0) + " bytes");
  }
  ComponentValue v;
  v.kind = ComponentValueKind::List;
  v.items.reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    IRONCLAD_TRY_ASSIGN(ComponentValue e, load(cx, ptr + i * elem->size, elem));
    v.items.push_back(std::move(e));
  }
  return v;
}

uint32_t align_to(uint32_t n, uint32_t a) {
  return (n + a - 1) / a * a;
}

}  // namespace

Result<Value> FlatReader::next(CV want) {
  if (!parent_) {
    if (pos_ >= values_.size())
      return Error::make(ErrorKind::Internal, "canonical ABI: too few flat values");
    Value v = values_[pos_++];
    if (v.type != want)
      return Error::make(ErrorKind::Internal, "canonical ABI: flat value of the wrong type");
    return v;
  }
  if (pos_ >= slot_count_)
    return Error::make(ErrorKind::Internal, "canonical ABI: variant payload overrun");
  CV have = slots_[pos_++];
  IRONCLAD_TRY_ASSIGN(Value v, parent_->next(have));
  if (have == want) return v;
  // The joined slot holds a narrower value of the case's own type.
  if (have == CV::I32 && want == CV::F32) return Value::from_f32_bits(v.i32);
  if (have == CV::I64 && want == CV::I32) return Value::from_i32(static_cast<uint32_t>(v.i64));
  if (have == CV::I64 && want == CV::F32) return Value::from_f32_bits(static_cast<uint32_t>(v.i64));
  if (have == CV::I64 && want == CV::F64) return Value::from_f64_bits(v.i64);
  return Error::make(ErrorKind::Internal, "canonical ABI: impossible flat coercion");
}

Result<void> FlatReader::skip_rest() {
  while (parent_ && pos_ < slot_count_) {
    CV have = slots_[pos_++];
    IRONCLAD_TRY(parent_->next(have));
  }
  return {};
}

Result<ComponentValue> lift_flat(AbiContext& cx, FlatReader& in, const ValType* t) {
  ComponentValue v;
  v.kind = value_kind(t->kind);
  switch (t->kind) {
    case TypeKind::Bool:
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::S8:
    case TypeKind::S16:
    case TypeKind::S32: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::I32));
      v.bits = integer_of(t->kind, x.i32);
      return v;
    }
    case TypeKind::U64:
    case TypeKind::S64: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::I64));
      v.bits = x.i64;
      return v;
    }
    case TypeKind::F32: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::F32));
      v.bits = canonical_f32(x.i32);
      return v;
    }
    case TypeKind::F64: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::F64));
      v.bits = canonical_f64(x.i64);
      return v;
    }
    case TypeKind::Char: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::I32));
      IRONCLAD_TRY_ASSIGN(v.bits, check_char(x.i32));
      return v;
    }
    case TypeKind::String: {
      IRONCLAD_TRY_ASSIGN(Value ptr, in.next(CV::I32));
      IRONCLAD_TRY_ASSIGN(Value units, in.next(CV::I32));
      return load_string_from_range(cx, ptr.i32, units.i32);
    }
    case TypeKind::List: {
      IRONCLAD_TRY_ASSIGN(Value ptr, in.next(CV::I32));
      IRONCLAD_TRY_ASSIGN(Value len, in.next(CV::I32));
      return load_list_from_range(cx, ptr.i32, len.i32, t->elem);
    }
    case TypeKind::Record:
    case TypeKind::Tuple:
      v.items.reserve(t->fields.size());
      for (const Field& f : t->fields) {
        IRONCLAD_TRY_ASSIGN(ComponentValue e, lift_flat(cx, in, f.type));
        v.items.push_back(std::move(e));
      }
      return v;
    case TypeKind::Flags: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::I32));
      uint32_t n = static_cast<uint32_t>(t->labels.size());
      v.bits = n >= 32 ? x.i32 : (x.i32 & ((uint32_t{1} << n) - 1));
      return v;
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      IRONCLAD_TRY_ASSIGN(Value x, in.next(CV::I32));
      return t->kind == TypeKind::Own ? lift_own(cx, x.i32, t) : lift_borrow(cx, x.i32, t);
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      IRONCLAD_TRY_ASSIGN(Value disc, in.next(CV::I32));
      size_t n = t->num_cases();
      if (disc.i32 >= n) {
        return abi_trap("invalid variant discriminant: " + std::to_string(disc.i32) + " for a " +
                        to_string(t->kind) + " of " + std::to_string(n) + " cases");
      }
      v.bits = disc.i32;
      // The payload slots: the case reads the first of them, coerced; the rest are skipped.
      FlatReader payload_slots(&in, t->flat.data() + 1, t->flat.size() - 1);
      if (const ValType* ct = t->case_type(disc.i32)) {
        IRONCLAD_TRY_ASSIGN(ComponentValue payload, lift_flat(cx, payload_slots, ct));
        v.items.push_back(std::move(payload));
      }
      IRONCLAD_TRY(payload_slots.skip_rest());
      return v;
    }
  }
  return Error::make(ErrorKind::Internal, "canonical ABI: unknown type");
}

Result<ComponentValue> load(AbiContext& cx, uint32_t ptr, const ValType* t) {
  // The callers checked the whole range; this is the one place that also guards each read.
  const uint8_t* p = memory_at(cx, ptr, t->size);
  if (!p)
    return abi_trap("pointer out of bounds: " + hex(ptr) + " + " + std::to_string(t->size) +
                    " bytes");
  ComponentValue v;
  v.kind = value_kind(t->kind);
  switch (t->kind) {
    case TypeKind::Bool:
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::S8:
    case TypeKind::S16:
    case TypeKind::S32:
    case TypeKind::U64:
    case TypeKind::S64:
      v.bits = integer_of(t->kind, read_le(p, t->size));
      return v;
    case TypeKind::F32:
      v.bits = canonical_f32(static_cast<uint32_t>(read_le(p, 4)));
      return v;
    case TypeKind::F64:
      v.bits = canonical_f64(read_le(p, 8));
      return v;
    case TypeKind::Char: {
      IRONCLAD_TRY_ASSIGN(v.bits, check_char(read_le(p, 4)));
      return v;
    }
    case TypeKind::String:
      return load_string_from_range(cx, static_cast<uint32_t>(read_le(p, 4)),
                                    static_cast<uint32_t>(read_le(p + 4, 4)));
    case TypeKind::List:
      return load_list_from_range(cx, static_cast<uint32_t>(read_le(p, 4)),
                                  static_cast<uint32_t>(read_le(p + 4, 4)), t->elem);
    case TypeKind::Record:
    case TypeKind::Tuple: {
      uint32_t offset = 0;
      v.items.reserve(t->fields.size());
      for (const Field& f : t->fields) {
        offset = align_to(offset, f.type->align);
        IRONCLAD_TRY_ASSIGN(ComponentValue e, load(cx, ptr + offset, f.type));
        v.items.push_back(std::move(e));
        offset += f.type->size;
      }
      return v;
    }
    case TypeKind::Flags: {
      uint64_t x = read_le(p, t->size);
      uint32_t n = static_cast<uint32_t>(t->labels.size());
      v.bits = n >= 32 ? static_cast<uint32_t>(x) : (x & ((uint64_t{1} << n) - 1));
      return v;
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      uint32_t index = static_cast<uint32_t>(read_le(p, 4));
      return t->kind == TypeKind::Own ? lift_own(cx, index, t) : lift_borrow(cx, index, t);
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      size_t n = t->num_cases();
      uint32_t disc_size = ValType::discriminant_size(n);
      uint64_t disc = read_le(p, disc_size);
      if (disc >= n) {
        return abi_trap("invalid variant discriminant: " + std::to_string(disc) + " for a " +
                        to_string(t->kind) + " of " + std::to_string(n) + " cases");
      }
      v.bits = disc;
      const ValType* ct = t->case_type(disc);
      if (ct) {
        uint32_t case_align = 1;
        for (size_t i = 0; i < n; ++i) {
          if (t->case_type(i)) case_align = std::max(case_align, t->case_type(i)->align);
        }
        IRONCLAD_TRY_ASSIGN(ComponentValue payload,
                            load(cx, ptr + align_to(disc_size, case_align), ct));
        v.items.push_back(std::move(payload));
      }
      return v;
    }
  }
  return Error::make(ErrorKind::Internal, "canonical ABI: unknown type");
}

Result<std::vector<ComponentValue>> lift_values(AbiContext& cx, size_t max_flat, FlatReader& in,
                                                std::span<const ValType* const> types) {
  std::vector<ComponentValue> out;
  out.reserve(types.size());
  size_t flat = 0;
  bool overflow = false;
  for (const ValType* t : types) {
    overflow |= t->flat_overflow;
    flat += t->flat.size();
  }
  if (overflow || flat > max_flat) {
    IRONCLAD_TRY_ASSIGN(Value ptr, in.next(CV::I32));
    // The values as a tuple in memory.
    uint32_t align = 1, size = 0;
    for (const ValType* t : types) {
      align = std::max(align, t->align);
      size = align_to(size, t->align) + t->size;
    }
    size = align_to(size, align);
    if (ptr.i32 % align != 0)
      return abi_trap("unaligned pointer: " + hex(ptr.i32) + " needs alignment " +
                      std::to_string(align));
    if (!memory_at(cx, ptr.i32, size)) {
      return abi_trap("pointer out of bounds of memory: " + hex(ptr.i32) + " + " +
                      std::to_string(size) + " bytes");
    }
    uint32_t offset = 0;
    for (const ValType* t : types) {
      offset = align_to(offset, t->align);
      IRONCLAD_TRY_ASSIGN(ComponentValue v, load(cx, ptr.i32 + offset, t));
      out.push_back(std::move(v));
      offset += t->size;
    }
    return out;
  }
  for (const ValType* t : types) {
    IRONCLAD_TRY_ASSIGN(ComponentValue v, lift_flat(cx, in, t));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace ironclad::component
