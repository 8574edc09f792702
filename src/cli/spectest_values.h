// Values in wast2json scripts: parsing the JSON descriptions of arguments and expected
// results (spectest_values.cpp), and matching an actual result against an expectation,
// NaN patterns included, and describing both for failure lines (spectest_match.cpp).
// Pure code with no engine dependency, so tests/spectest compiles it directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ironclad/error.h"
#include "ironclad/value.h"

namespace ironclad::cli::spectest {

// What a float result (or float lane) must look like.
enum class NanPattern : uint8_t {
  None,        // exactly these bits
  Canonical,   // nan:canonical: the canonical NaN of either sign
  Arithmetic,  // nan:arithmetic: any NaN with the quiet bit set
};

// How a v128 is split into lanes in a script ("lane_type").
enum class LaneType : uint8_t { I8, I16, I32, I64, F32, F64 };

const char* to_string(LaneType lane);
int lane_width(LaneType lane);  // in bits
int lane_count(LaneType lane);
bool is_float_lane(LaneType lane);
// Lane i of v, zero-extended: its bit pattern in the lane type.
uint64_t lane_bits(const V128& v, LaneType lane, int i);

// One expected scalar or lane: exact bits, or a NaN pattern for float types.
struct ExpectedBits {
  uint64_t bits = 0;
  NanPattern nan = NanPattern::None;
};

// What an expected reference must be.
enum class RefPattern : uint8_t {
  Null,        // "null"
  AnyNonNull,  // (ref.extern) without an index, or (ref.func), which wast2json writes
               // with no value or as a number
  HostRef,     // externref N: the host reference the runner made for N
};

struct ExpectedValue {
  ValType type = ValType::I32;
  ExpectedBits scalar;               // i32, i64, f32, f64
  LaneType lane_type = LaneType::I32;  // v128
  std::vector<ExpectedBits> lanes;   // v128: lane_count(lane_type) entries
  RefPattern ref = RefPattern::Null;   // funcref, externref
  uint64_t host_ref_index = 0;        // RefPattern::HostRef
};

// The host reference a script's `(ref.extern N)` stands for: non-null and distinct for
// every N, so the engine can pass it around and the runner can recognise it.
Ref host_externref(uint64_t index);

// Parses a JSON argument such as {"type": "i32", "value": "4294967295"} into a Value.
// Errors (kind Usage) name the offending field; nothing throws.
Result<Value> parse_argument(const nlohmann::json& desc);

// Parses a JSON expected result; accepts "nan:canonical"/"nan:arithmetic" for floats and
// float lanes, and a missing value for "any non-null reference".
Result<ExpectedValue> parse_expected(const nlohmann::json& desc);

bool is_canonical_nan32(uint32_t bits);
bool is_arithmetic_nan32(uint32_t bits);
bool is_canonical_nan64(uint64_t bits);
bool is_arithmetic_nan64(uint64_t bits);

// True when `actual` satisfies `expected` (same type; floats compared by bits unless a NaN
// pattern is expected; v128 compared lane by lane in the expectation's lane type).
bool matches(const ExpectedValue& expected, const Value& actual);

// Text for failure messages, e.g. "i32:4294967295", "f32:nan:canonical",
// "v128 f32x4:[nan:canonical 0x3f800000 ...]", "externref:host#1".
std::string describe(const ExpectedValue& expected);
// An actual value, shown in the same form as `like` so the two read side by side.
std::string describe(const Value& actual, const ExpectedValue& like);
// An actual value with no expectation to follow (v128 shown as i32x4).
std::string describe(const Value& actual);

}  // namespace ironclad::cli::spectest
