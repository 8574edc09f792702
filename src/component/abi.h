// The canonical ABI, synchronous: lifting component values out of a component's core values
// and linear memory, and lowering them in, as CanonicalABI.md defines (load/store,
// lift_flat/lower_flat, strings in three encodings with the spec's transcoding and allocation
// sequence, handles with the per-instance table and its traps). Every guest pointer is
// checked for alignment and bounds before use; bad guest data is a TrapKind::CanonicalAbi
// error whose message names what was wrong. Values that come from the host are checked
// against the type on the way in (a mismatch is an Internal error naming both).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "component/instance_state.h"

namespace ironclad::component {

// Everything a lift or lower needs: the component instance on the guest side, its options,
// and the call's borrow bookkeeping.
struct AbiContext {
  runtime::Store* store = nullptr;
  InstanceState* inst = nullptr;
  const RtOptions* opts = nullptr;
  // Lowering a borrow into a callee: the callee's task (borrows it must drop before returning).
  Task* task = nullptr;
  // Lifting a borrow out of a caller: the caller's handle indices lent for the call.
  std::vector<uint32_t>* lenders = nullptr;
};

// Reads flat core values in order. A reader over a variant's payload slots reads through its
// parent, converting each joined slot to the type the case wants (the spec's
// CoerceValueIter); nested variants nest readers.
class FlatReader {
 public:
  explicit FlatReader(std::span<const Value> values) : values_(values) {}
  FlatReader(FlatReader* parent, const ironclad::ValType* slots, size_t count)
      : parent_(parent), slots_(slots), slot_count_(count) {}
  Result<Value> next(ironclad::ValType want);
  // Consumes the payload slots the case did not use.
  Result<void> skip_rest();

 private:
  std::span<const Value> values_;
  size_t pos_ = 0;
  FlatReader* parent_ = nullptr;
  const ironclad::ValType* slots_ = nullptr;
  size_t slot_count_ = 0;
};

// The deterministic profile of the canonical ABI: every NaN that crosses the boundary, in
// either direction, becomes the canonical NaN (canonicalize_nan when lifting,
// maybe_scramble_nan when lowering), so no NaN payload leaks between host and guest.
inline uint32_t canonical_f32(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return std::isnan(f) ? 0x7fc00000u : bits;
}
inline uint64_t canonical_f64(uint64_t bits) {
  double f;
  std::memcpy(&f, &bits, 8);
  return std::isnan(f) ? 0x7ff8000000000000ull : bits;
}

Result<ComponentValue> lift_flat(AbiContext& cx, FlatReader& in, const ValType* t);
Result<ComponentValue> load(AbiContext& cx, uint32_t ptr, const ValType* t);
Result<void> lower_flat(AbiContext& cx, const ComponentValue& v, const ValType* t,
                        std::vector<Value>& out);
Result<void> store(AbiContext& cx, const ComponentValue& v, const ValType* t, uint32_t ptr);

// Parameters or results as a whole: flat when they fit in `max_flat` core values, else
// through memory (a pointer to a tuple). lower_values with `out_ptr` stores into the caller's
// out-parameter; without, it allocates with realloc and yields the pointer.
Result<std::vector<ComponentValue>> lift_values(AbiContext& cx, size_t max_flat, FlatReader& in,
                                                std::span<const ValType* const> types);
Result<void> lower_values(AbiContext& cx, size_t max_flat, std::span<const ComponentValue> values,
                          std::span<const ValType* const> types, std::vector<Value>& out,
                          std::optional<uint32_t> out_ptr = std::nullopt);

// The allocation of `size` bytes aligned to `align` through the instance's realloc (with
// may_leave cleared while it runs), checked for alignment and bounds.
Result<uint32_t> reallocate(AbiContext& cx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                            uint32_t new_size, const char* what);

// Strings (abi_strings.cpp).
Result<ComponentValue> load_string_from_range(AbiContext& cx, uint32_t ptr, uint32_t tagged_units);
Result<std::pair<uint32_t, uint32_t>> store_string_into_range(AbiContext& cx,
                                                              const ComponentValue& v);
bool valid_utf8(std::string_view s);

// Whether a host-made value matches a type (kinds, case indices, payloads, handles' types),
// for a clear error before any byte is written.
Result<void> check_value(const InstanceState& inst, const ComponentValue& v, const ValType* t);

}  // namespace ironclad::component
