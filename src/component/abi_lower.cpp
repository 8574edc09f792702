// Lowering: component values into core values and linear memory (CanonicalABI.md "Storing"
// and "Flat Lowering"). Memory comes from the instance's realloc, whose result is checked
// before anything is written; values from the host are checked against the type as they go.
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

uint32_t align_to(uint32_t n, uint32_t a) {
  return (n + a - 1) / a * a;
}

bool kind_matches(ComponentValueKind k, TypeKind t) {
  switch (t) {
    case TypeKind::Bool:
      return k == ComponentValueKind::Bool;
    case TypeKind::S8:
      return k == ComponentValueKind::S8;
    case TypeKind::U8:
      return k == ComponentValueKind::U8;
    case TypeKind::S16:
      return k == ComponentValueKind::S16;
    case TypeKind::U16:
      return k == ComponentValueKind::U16;
    case TypeKind::S32:
      return k == ComponentValueKind::S32;
    case TypeKind::U32:
      return k == ComponentValueKind::U32;
    case TypeKind::S64:
      return k == ComponentValueKind::S64;
    case TypeKind::U64:
      return k == ComponentValueKind::U64;
    case TypeKind::F32:
      return k == ComponentValueKind::F32;
    case TypeKind::F64:
      return k == ComponentValueKind::F64;
    case TypeKind::Char:
      return k == ComponentValueKind::Char;
    case TypeKind::String:
      return k == ComponentValueKind::String;
    case TypeKind::Record:
      return k == ComponentValueKind::Record || k == ComponentValueKind::Tuple;
    case TypeKind::Tuple:
      return k == ComponentValueKind::Tuple || k == ComponentValueKind::Record;
    case TypeKind::Variant:
      return k == ComponentValueKind::Variant;
    case TypeKind::List:
      return k == ComponentValueKind::List;
    case TypeKind::Flags:
      return k == ComponentValueKind::Flags;
    case TypeKind::Enum:
      return k == ComponentValueKind::Enum;
    case TypeKind::Option:
      return k == ComponentValueKind::Option;
    case TypeKind::Result:
      return k == ComponentValueKind::Result;
    case TypeKind::Own:
      return k == ComponentValueKind::Own;
    case TypeKind::Borrow:
      return k == ComponentValueKind::Borrow || k == ComponentValueKind::Own;
  }
  return false;
}

Error mismatch(const ComponentValue& v, const ValType* t, const std::string& why = "") {
  return Error::make(ErrorKind::Usage, "value does not match its type: expected " + describe(t) +
                                           ", found " + std::string(to_string(v.kind)) +
                                           (why.empty() ? "" : " (" + why + ")"));
}

// Checks the value's shape at this level of the type.
Result<void> check_shape(const ComponentValue& v, const ValType* t) {
  if (!kind_matches(v.kind, t->kind)) return mismatch(v, t);
  switch (t->kind) {
    case TypeKind::Record:
    case TypeKind::Tuple:
      if (v.items.size() != t->fields.size()) {
        return mismatch(v, t,
                        std::to_string(v.items.size()) + " fields instead of " +
                            std::to_string(t->fields.size()));
      }
      return {};
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      size_t n = t->num_cases();
      if (v.bits >= n)
        return mismatch(v, t, "case " + std::to_string(v.bits) + " of " + std::to_string(n));
      bool wants_payload = t->case_type(v.bits) != nullptr;
      if (wants_payload != !v.items.empty() || v.items.size() > 1) {
        return mismatch(v, t,
                        wants_payload ? "the case needs a payload" : "the case has no payload");
      }
      return {};
    }
    case TypeKind::Char:
      if (v.bits >= 0x110000 || (v.bits >= 0xD800 && v.bits <= 0xDFFF))
        return mismatch(v, t, "not a Unicode scalar value");
      return {};
    case TypeKind::String:
      if (!valid_utf8(v.text)) return mismatch(v, t, "not valid UTF-8");
      return {};
    case TypeKind::Own:
    case TypeKind::Borrow:
      if (!v.resource) return mismatch(v, t, "no resource type");
      return {};
    default:
      return {};
  }
}

Result<const RuntimeResource*> handle_type(AbiContext& cx, const ComponentValue& v,
                                           const ValType* t) {
  const RuntimeResource* want = cx.inst->resource(t->resource);
  if (!want)
    return Error::make(ErrorKind::Internal,
                       "canonical ABI: resource `" + t->resource->name + "` is not bound");
  if (v.resource != want) {
    return Error::make(ErrorKind::Usage, "handle of the wrong resource type: expected `" +
                                             want->describe() + "`, found `" +
                                             v.resource->describe() + "`");
  }
  return want;
}

Result<uint32_t> lower_handle(AbiContext& cx, const ComponentValue& v, const ValType* t) {
  IRONCLAD_TRY_ASSIGN(const RuntimeResource* rt, handle_type(cx, v, t));
  if (t->kind == TypeKind::Own) {
    if (v.kind != ComponentValueKind::Own)
      return mismatch(v, t, "a borrow cannot be given as an own handle");
    HandleEntry e;
    e.type = rt;
    e.rep = v.rep();
    e.own = true;
    return cx.inst->handles.add(e);
  }
  // A borrow of a resource the receiving instance defines is its representation itself.
  if (rt->impl == cx.inst) return v.rep();
  HandleEntry e;
  e.type = rt;
  e.rep = v.rep();
  e.own = false;
  e.borrow_scope = cx.task;
  IRONCLAD_TRY_ASSIGN(uint32_t index, cx.inst->handles.add(e));
  if (cx.task) ++cx.task->num_borrows;
  return index;
}

uint8_t* memory_at(AbiContext& cx, uint64_t ptr, uint64_t size) {
  runtime::Memory* m = cx.opts->memory;
  if (!m || ptr > m->size_bytes || size > m->size_bytes - ptr) return nullptr;
  return m->base + ptr;
}

void write_le(uint8_t* p, uint64_t v, uint32_t n) {
  std::memcpy(p, &v, n);
}

Result<std::pair<uint32_t, uint32_t>> store_list_into_range(AbiContext& cx, const ComponentValue& v,
                                                            const ValType* elem) {
  uint64_t bytes = uint64_t{v.items.size()} * elem->size;
  if (bytes > kMaxElemSize)
    return Error::make(ErrorKind::Usage,
                       "list too large to lower: " + std::to_string(v.items.size()) + " elements");
  IRONCLAD_TRY_ASSIGN(uint32_t ptr,
                      reallocate(cx, 0, 0, elem->align, static_cast<uint32_t>(bytes), "list"));
  for (size_t i = 0; i < v.items.size(); ++i) {
    IRONCLAD_TRY(store(cx, v.items[i], elem, ptr + static_cast<uint32_t>(i) * elem->size));
  }
  return std::pair<uint32_t, uint32_t>{ptr, static_cast<uint32_t>(v.items.size())};
}

uint32_t max_case_align(const ValType* t) {
  uint32_t a = 1;
  for (size_t i = 0; i < t->num_cases(); ++i) {
    if (const ValType* c = t->case_type(i)) a = std::max(a, c->align);
  }
  return a;
}

}  // namespace

Result<uint32_t> reallocate(AbiContext& cx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                            uint32_t new_size, const char* what) {
  if (!cx.opts->realloc)
    return Error::make(ErrorKind::Internal,
                       "canonical ABI: no realloc to allocate a " + std::string(what));
  Value args[4] = {Value::from_i32(old_ptr), Value::from_i32(old_size), Value::from_i32(align),
                   Value::from_i32(new_size)};
  bool saved = cx.inst->may_leave;
  cx.inst->may_leave = false;
  auto results = cx.store->invoke(*cx.opts->realloc, args);
  cx.inst->may_leave = saved;
  if (!results.ok()) return std::move(results).error();
  uint32_t ptr = (*results)[0].i32;
  if (ptr % align != 0) {
    return abi_trap("realloc return: result not aligned (" + hex(ptr) + " for a " + what +
                    " aligned to " + std::to_string(align) + ")");
  }
  if (!memory_at(cx, ptr, new_size)) {
    std::string detail = hex(ptr) + " + " + std::to_string(new_size) + " bytes, memory is " +
                         std::to_string(cx.opts->memory ? cx.opts->memory->size_bytes : 0) +
                         " bytes";
    if (std::string_view(what) == "list")
      return abi_trap("list content out-of-bounds: realloc returned " + detail);
    return abi_trap("realloc return: beyond end of memory (" + detail + ")");
  }
  return ptr;
}

Result<void> lower_flat(AbiContext& cx, const ComponentValue& v, const ValType* t,
                        std::vector<Value>& out) {
  IRONCLAD_TRY(check_shape(v, t));
  switch (t->kind) {
    case TypeKind::Bool:
      out.push_back(Value::from_i32(v.bits != 0));
      return {};
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::Char: {
      uint32_t x = static_cast<uint32_t>(v.bits);
      if (t->kind == TypeKind::S8) x = static_cast<uint32_t>(int32_t{static_cast<int8_t>(x)});
      if (t->kind == TypeKind::S16) x = static_cast<uint32_t>(int32_t{static_cast<int16_t>(x)});
      if (t->kind == TypeKind::U8) x &= 0xff;
      if (t->kind == TypeKind::U16) x &= 0xffff;
      out.push_back(Value::from_i32(x));
      return {};
    }
    case TypeKind::S64:
    case TypeKind::U64:
      out.push_back(Value::from_i64(v.bits));
      return {};
    case TypeKind::F32:
      out.push_back(Value::from_f32_bits(canonical_f32(static_cast<uint32_t>(v.bits))));
      return {};
    case TypeKind::F64:
      out.push_back(Value::from_f64_bits(canonical_f64(v.bits)));
      return {};
    case TypeKind::String: {
      IRONCLAD_TRY_ASSIGN(auto range, store_string_into_range(cx, v));
      out.push_back(Value::from_i32(range.first));
      out.push_back(Value::from_i32(range.second));
      return {};
    }
    case TypeKind::List: {
      IRONCLAD_TRY_ASSIGN(auto range, store_list_into_range(cx, v, t->elem));
      out.push_back(Value::from_i32(range.first));
      out.push_back(Value::from_i32(range.second));
      return {};
    }
    case TypeKind::Record:
    case TypeKind::Tuple:
      for (size_t i = 0; i < t->fields.size(); ++i)
        IRONCLAD_TRY(lower_flat(cx, v.items[i], t->fields[i].type, out));
      return {};
    case TypeKind::Flags: {
      uint32_t n = static_cast<uint32_t>(t->labels.size());
      uint32_t bits = static_cast<uint32_t>(v.bits);
      if (n < 32) bits &= (uint32_t{1} << n) - 1;
      out.push_back(Value::from_i32(bits));
      return {};
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      IRONCLAD_TRY_ASSIGN(uint32_t index, lower_handle(cx, v, t));
      out.push_back(Value::from_i32(index));
      return {};
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      out.push_back(Value::from_i32(static_cast<uint32_t>(v.bits)));
      size_t joined = t->flat.size() - 1;
      size_t start = out.size();
      if (const ValType* ct = t->case_type(v.bits)) {
        IRONCLAD_TRY(lower_flat(cx, v.items[0], ct, out));
        // Widen each payload value to its joined slot's type.
        for (size_t i = start; i < out.size(); ++i) {
          CV want = t->flat[1 + (i - start)];
          Value& x = out[i];
          if (x.type == want) continue;
          if (x.type == CV::F32 && want == CV::I32) {
            x = Value::from_i32(x.i32);
          } else if (x.type == CV::I32 && want == CV::I64) {
            x = Value::from_i64(x.i32);
          } else if (x.type == CV::F32 && want == CV::I64) {
            x = Value::from_i64(x.i32);
          } else if (x.type == CV::F64 && want == CV::I64) {
            x = Value::from_i64(x.i64);
          } else {
            return Error::make(ErrorKind::Internal, "canonical ABI: impossible flat widening");
          }
        }
      }
      for (size_t i = out.size() - start; i < joined; ++i)
        out.push_back(Value::zero(t->flat[1 + i]));
      return {};
    }
  }
  return Error::make(ErrorKind::Internal, "canonical ABI: unknown type");
}

Result<void> store(AbiContext& cx, const ComponentValue& v, const ValType* t, uint32_t ptr) {
  IRONCLAD_TRY(check_shape(v, t));
  if (!memory_at(cx, ptr, t->size))
    return abi_trap("pointer out of bounds: " + hex(ptr) + " + " + std::to_string(t->size) +
                    " bytes");
  switch (t->kind) {
    case TypeKind::Bool:
      *memory_at(cx, ptr, 1) = v.bits != 0;
      return {};
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::Char:
    case TypeKind::S64:
    case TypeKind::U64:
      write_le(memory_at(cx, ptr, t->size), v.bits, t->size);
      return {};
    case TypeKind::F32:
      write_le(memory_at(cx, ptr, 4), canonical_f32(static_cast<uint32_t>(v.bits)), 4);
      return {};
    case TypeKind::F64:
      write_le(memory_at(cx, ptr, 8), canonical_f64(v.bits), 8);
      return {};
    case TypeKind::String: {
      IRONCLAD_TRY_ASSIGN(auto range, store_string_into_range(cx, v));
      uint8_t* p = memory_at(cx, ptr, 8);  // realloc may have grown memory: look again
      if (!p) return abi_trap("pointer out of bounds: " + hex(ptr) + " + 8 bytes");
      write_le(p, range.first, 4);
      write_le(p + 4, range.second, 4);
      return {};
    }
    case TypeKind::List: {
      IRONCLAD_TRY_ASSIGN(auto range, store_list_into_range(cx, v, t->elem));
      uint8_t* p = memory_at(cx, ptr, 8);
      if (!p) return abi_trap("pointer out of bounds: " + hex(ptr) + " + 8 bytes");
      write_le(p, range.first, 4);
      write_le(p + 4, range.second, 4);
      return {};
    }
    case TypeKind::Record:
    case TypeKind::Tuple: {
      uint32_t offset = 0;
      for (size_t i = 0; i < t->fields.size(); ++i) {
        const ValType* ft = t->fields[i].type;
        offset = align_to(offset, ft->align);
        IRONCLAD_TRY(store(cx, v.items[i], ft, ptr + offset));
        offset += ft->size;
      }
      return {};
    }
    case TypeKind::Flags: {
      uint32_t n = static_cast<uint32_t>(t->labels.size());
      uint64_t bits = v.bits & 0xffffffffu;
      if (n < 32) bits &= (uint64_t{1} << n) - 1;
      write_le(memory_at(cx, ptr, t->size), bits, t->size);
      return {};
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      IRONCLAD_TRY_ASSIGN(uint32_t index, lower_handle(cx, v, t));
      write_le(memory_at(cx, ptr, 4), index, 4);
      return {};
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      uint32_t disc_size = ValType::discriminant_size(t->num_cases());
      write_le(memory_at(cx, ptr, disc_size), v.bits, disc_size);
      if (const ValType* ct = t->case_type(v.bits)) {
        IRONCLAD_TRY(store(cx, v.items[0], ct, ptr + align_to(disc_size, max_case_align(t))));
      }
      return {};
    }
  }
  return Error::make(ErrorKind::Internal, "canonical ABI: unknown type");
}

Result<void> lower_values(AbiContext& cx, size_t max_flat, std::span<const ComponentValue> values,
                          std::span<const ValType* const> types, std::vector<Value>& out,
                          std::optional<uint32_t> out_ptr) {
  if (values.size() != types.size()) {
    return Error::make(ErrorKind::Usage, std::to_string(values.size()) + " values for " +
                                             std::to_string(types.size()) + " types");
  }
  size_t flat = 0;
  bool overflow = false;
  for (const ValType* t : types) {
    overflow |= t->flat_overflow;
    flat += t->flat.size();
  }
  if (!overflow && flat <= max_flat) {
    for (size_t i = 0; i < types.size(); ++i)
      IRONCLAD_TRY(lower_flat(cx, values[i], types[i], out));
    return {};
  }
  uint32_t align = 1, size = 0;
  for (const ValType* t : types) {
    align = std::max(align, t->align);
    size = align_to(size, t->align) + t->size;
  }
  size = align_to(size, align);
  uint32_t ptr;
  if (out_ptr) {
    ptr = *out_ptr;
    if (ptr % align != 0)
      return abi_trap("unaligned pointer: result pointer " + hex(ptr) + " needs alignment " +
                      std::to_string(align));
    if (!memory_at(cx, ptr, size))
      return abi_trap("pointer out of bounds of memory: result pointer " + hex(ptr) + " + " +
                      std::to_string(size) + " bytes");
  } else {
    IRONCLAD_TRY_ASSIGN(ptr, reallocate(cx, 0, 0, align, size, "parameter tuple"));
    out.push_back(Value::from_i32(ptr));
  }
  uint32_t offset = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    offset = align_to(offset, types[i]->align);
    IRONCLAD_TRY(store(cx, values[i], types[i], ptr + offset));
    offset += types[i]->size;
  }
  return {};
}

}  // namespace ironclad::component
