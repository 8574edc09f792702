// Comparisons of values and memory bytes between two tiers that accept what the spec leaves
// nondeterministic: the payload (and sign) of a NaN that arithmetic produces. Two f32/f64
// NaNs are equal whatever their bits; v128 lanes and memory bytes may differ only where both
// sides hold a NaN of some float width covering the difference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ironclad/value.h"

namespace ironclad::fuzz {

// Same bits, or (f32/f64) both NaN, or (v128) every differing f32 or f64 lane NaN in both.
bool same_value(const Value& a, const Value& b);

// The first offset where `a` and `b` (same size) differ other than by NaN payloads, or
// SIZE_MAX when there is none.
size_t first_real_difference(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace ironclad::fuzz
