// Matching results against expectations (NaN patterns, v128 lanes, references) and the
// text of both in failure lines.
#include <charconv>
#include <cstdio>
#include <cstring>

#include "cli/spectest_values.h"

namespace ironclad::cli::spectest {
namespace {

bool bits_match(const ExpectedBits& expected, uint64_t actual, int width, bool is_float) {
  if (is_float && expected.nan != NanPattern::None) {
    if (width == 32) {
      auto bits = static_cast<uint32_t>(actual);
      return expected.nan == NanPattern::Canonical ? is_canonical_nan32(bits)
                                                   : is_arithmetic_nan32(bits);
    }
    return expected.nan == NanPattern::Canonical ? is_canonical_nan64(actual)
                                                 : is_arithmetic_nan64(actual);
  }
  return expected.bits == actual;
}

std::string hex(uint64_t bits, int width) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", width / 4, static_cast<unsigned long long>(bits));
  return buf;
}

// A float as its bits and, for readers, its decimal value: "0x3f800000 (1)".
std::string float_text(uint64_t bits, int width) {
  char buf[64];
  std::to_chars_result r;
  if (width == 32) {
    float f;
    auto b = static_cast<uint32_t>(bits);
    std::memcpy(&f, &b, sizeof f);
    r = std::to_chars(buf, buf + sizeof buf, f);
  } else {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    r = std::to_chars(buf, buf + sizeof buf, d);
  }
  return hex(bits, width) + " (" + std::string(buf, r.ptr) + ")";
}

std::string bits_text(const ExpectedBits& e, int width, bool is_float) {
  if (e.nan == NanPattern::Canonical) return "nan:canonical";
  if (e.nan == NanPattern::Arithmetic) return "nan:arithmetic";
  if (is_float) return float_text(e.bits, width);
  return std::to_string(e.bits);
}

std::string lanes_prefix(LaneType lane) {
  return std::string("v128 ") + to_string(lane) + "x" + std::to_string(lane_count(lane)) + ":[";
}

std::string describe_v128(const V128& v, LaneType lane) {
  std::string out = lanes_prefix(lane);
  for (int i = 0; i < lane_count(lane); ++i) {
    if (i) out += ' ';
    uint64_t bits = lane_bits(v, lane, i);
    out += is_float_lane(lane) ? hex(bits, lane_width(lane)) : std::to_string(bits);
  }
  return out + "]";
}

std::string describe_ref(ValType type, Ref ref) {
  std::string out = std::string(ironclad::to_string(type)) + ":";
  if (ref.is_null()) return out + "null";
  if (type == ValType::ExternRef) return out + "host#" + std::to_string(ref.bits - 1);
  return out + "function";
}

}  // namespace

bool is_canonical_nan32(uint32_t bits) { return (bits & 0x7fffffffu) == 0x7fc00000u; }
bool is_arithmetic_nan32(uint32_t bits) { return (bits & 0x7fc00000u) == 0x7fc00000u; }
bool is_canonical_nan64(uint64_t bits) {
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
bool is_arithmetic_nan64(uint64_t bits) {
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

bool matches(const ExpectedValue& expected, const Value& actual) {
  if (expected.type != actual.type) return false;
  switch (expected.type) {
    case ValType::I32: return bits_match(expected.scalar, actual.i32, 32, false);
    case ValType::I64: return bits_match(expected.scalar, actual.i64, 64, false);
    case ValType::F32: return bits_match(expected.scalar, actual.i32, 32, true);
    case ValType::F64: return bits_match(expected.scalar, actual.i64, 64, true);
    case ValType::V128: {
      if (static_cast<int>(expected.lanes.size()) != lane_count(expected.lane_type)) return false;
      for (int i = 0; i < lane_count(expected.lane_type); ++i) {
        if (!bits_match(expected.lanes[i], lane_bits(actual.v128, expected.lane_type, i),
                        lane_width(expected.lane_type), is_float_lane(expected.lane_type)))
          return false;
      }
      return true;
    }
    case ValType::FuncRef: case ValType::ExternRef:
      switch (expected.ref) {
        case RefPattern::Null: return actual.ref.is_null();
        case RefPattern::AnyNonNull: return !actual.ref.is_null();
        case RefPattern::HostRef: return actual.ref == host_externref(expected.host_ref_index);
      }
  }
  return false;
}

std::string describe(const ExpectedValue& e) {
  std::string type = ironclad::to_string(e.type);
  switch (e.type) {
    case ValType::I32: case ValType::I64:
      return type + ":" + bits_text(e.scalar, 0, false);
    case ValType::F32: return type + ":" + bits_text(e.scalar, 32, true);
    case ValType::F64: return type + ":" + bits_text(e.scalar, 64, true);
    case ValType::V128: {
      std::string out = lanes_prefix(e.lane_type);
      for (size_t i = 0; i < e.lanes.size(); ++i) {
        if (i) out += ' ';
        const ExpectedBits& lane = e.lanes[i];
        if (lane.nan != NanPattern::None || !is_float_lane(e.lane_type))
          out += bits_text(lane, lane_width(e.lane_type), false);
        else
          out += hex(lane.bits, lane_width(e.lane_type));
      }
      return out + "]";
    }
    case ValType::FuncRef: case ValType::ExternRef:
      switch (e.ref) {
        case RefPattern::Null: return type + ":null";
        case RefPattern::AnyNonNull: return type + ":non-null";
        case RefPattern::HostRef: return type + ":host#" + std::to_string(e.host_ref_index);
      }
  }
  return type;
}

std::string describe(const Value& actual, const ExpectedValue& like) {
  if (actual.type == ValType::V128 && like.type == ValType::V128)
    return describe_v128(actual.v128, like.lane_type);
  return describe(actual);
}

std::string describe(const Value& actual) {
  std::string type = ironclad::to_string(actual.type);
  switch (actual.type) {
    case ValType::I32: return type + ":" + std::to_string(actual.i32);
    case ValType::I64: return type + ":" + std::to_string(actual.i64);
    case ValType::F32: return type + ":" + float_text(actual.i32, 32);
    case ValType::F64: return type + ":" + float_text(actual.i64, 64);
    case ValType::V128: return describe_v128(actual.v128, LaneType::I32);
    case ValType::FuncRef: case ValType::ExternRef: return describe_ref(actual.type, actual.ref);
  }
  return type;
}

}  // namespace ironclad::cli::spectest
