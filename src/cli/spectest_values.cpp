#include "cli/spectest_values.h"

#include <charconv>
#include <limits>
#include <string_view>

namespace ironclad::cli::spectest {
namespace {

Error bad_value(const std::string& why) { return Error::make(ErrorKind::Usage, why); }

// wast2json writes every number as an unsigned decimal string: integers in two's
// complement, floats as their bit pattern.
Result<uint64_t> parse_unsigned(std::string_view text, uint64_t max, const char* what) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 10);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return bad_value(std::string("bad ") + what + " value \"" + std::string(text) +
                     "\": expected an unsigned decimal number");
  if (v > max)
    return bad_value(std::string(what) + " value " + std::string(text) + " is out of range");
  return v;
}

uint64_t max_bits(int width) {
  return width == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << width) - 1;
}

Result<ValType> parse_type(const nlohmann::json& desc) {
  if (!desc.is_object()) return bad_value("a value description must be a JSON object");
  auto it = desc.find("type");
  if (it == desc.end() || !it->is_string()) return bad_value("a value has no \"type\" string");
  const std::string& name = it->get_ref<const std::string&>();
  if (name == "i32") return ValType::I32;
  if (name == "i64") return ValType::I64;
  if (name == "f32") return ValType::F32;
  if (name == "f64") return ValType::F64;
  if (name == "v128") return ValType::V128;
  if (name == "funcref") return ValType::FuncRef;
  if (name == "externref") return ValType::ExternRef;
  return bad_value("unknown value type \"" + name + "\"");
}

Result<LaneType> parse_lane_type(const nlohmann::json& desc) {
  auto it = desc.find("lane_type");
  if (it == desc.end() || !it->is_string()) return bad_value("a v128 value has no \"lane_type\"");
  const std::string& name = it->get_ref<const std::string&>();
  if (name == "i8") return LaneType::I8;
  if (name == "i16") return LaneType::I16;
  if (name == "i32") return LaneType::I32;
  if (name == "i64") return LaneType::I64;
  if (name == "f32") return LaneType::F32;
  if (name == "f64") return LaneType::F64;
  return bad_value("unknown v128 lane type \"" + name + "\"");
}

// The "value" member as a string, or an error naming the type it belongs to.
Result<std::string_view> scalar_text(const nlohmann::json& desc, ValType type) {
  auto it = desc.find("value");
  if (it == desc.end() || !it->is_string())
    return bad_value(std::string("the ") + ironclad::to_string(type) + " value has no \"value\" string");
  return std::string_view(it->get_ref<const std::string&>());
}

Result<const nlohmann::json*> lane_texts(const nlohmann::json& desc, LaneType lane) {
  auto it = desc.find("value");
  if (it == desc.end() || !it->is_array())
    return bad_value("a v128 value has no \"value\" array of lanes");
  if (static_cast<int>(it->size()) != lane_count(lane))
    return bad_value("a v128 " + std::string(to_string(lane)) + " value has " +
                     std::to_string(it->size()) + " lanes, expected " +
                     std::to_string(lane_count(lane)));
  for (const auto& item : *it)
    if (!item.is_string()) return bad_value("a v128 lane value is not a string");
  return &*it;
}

Result<ExpectedBits> parse_expected_bits(std::string_view text, int width, bool is_float,
                                         const char* what) {
  if (text == "nan:canonical" || text == "nan:arithmetic") {
    if (!is_float) return bad_value(std::string(text) + " is only allowed for floats, not " + what);
    return ExpectedBits{0, text == "nan:canonical" ? NanPattern::Canonical : NanPattern::Arithmetic};
  }
  IRONCLAD_TRY_ASSIGN(uint64_t bits, parse_unsigned(text, max_bits(width), what));
  return ExpectedBits{bits, NanPattern::None};
}

void set_lane_bits(V128& v, LaneType lane, int i, uint64_t bits) {
  switch (lane_width(lane)) {
    case 8: v.set_lane<uint8_t>(i, static_cast<uint8_t>(bits)); break;
    case 16: v.set_lane<uint16_t>(i, static_cast<uint16_t>(bits)); break;
    case 32: v.set_lane<uint32_t>(i, static_cast<uint32_t>(bits)); break;
    default: v.set_lane<uint64_t>(i, bits); break;
  }
}

Result<Ref> parse_argument_ref(const nlohmann::json& desc, ValType type) {
  IRONCLAD_TRY_ASSIGN(std::string_view text, scalar_text(desc, type));
  if (text == "null") return Ref{};
  if (type == ValType::FuncRef)
    return bad_value("a funcref argument can only be null (got \"" + std::string(text) + "\")");
  IRONCLAD_TRY_ASSIGN(uint64_t index,
                      parse_unsigned(text, std::numeric_limits<uintptr_t>::max() - 1, "externref"));
  return host_externref(index);
}

}  // namespace

const char* to_string(LaneType lane) {
  switch (lane) {
    case LaneType::I8: return "i8";
    case LaneType::I16: return "i16";
    case LaneType::I32: return "i32";
    case LaneType::I64: return "i64";
    case LaneType::F32: return "f32";
    case LaneType::F64: return "f64";
  }
  return "?";
}

int lane_width(LaneType lane) {
  switch (lane) {
    case LaneType::I8: return 8;
    case LaneType::I16: return 16;
    case LaneType::I32: case LaneType::F32: return 32;
    case LaneType::I64: case LaneType::F64: return 64;
  }
  return 32;
}

bool is_float_lane(LaneType lane) { return lane == LaneType::F32 || lane == LaneType::F64; }

int lane_count(LaneType lane) { return 128 / lane_width(lane); }

uint64_t lane_bits(const V128& v, LaneType lane, int i) {
  switch (lane_width(lane)) {
    case 8: return v.lane<uint8_t>(i);
    case 16: return v.lane<uint16_t>(i);
    case 32: return v.lane<uint32_t>(i);
    default: return v.lane<uint64_t>(i);
  }
}

// index + 1 keeps every host reference away from 0, the null reference.
Ref host_externref(uint64_t index) { return Ref{static_cast<uintptr_t>(index + 1)}; }

Result<Value> parse_argument(const nlohmann::json& desc) {
  IRONCLAD_TRY_ASSIGN(ValType type, parse_type(desc));
  switch (type) {
    case ValType::I32: case ValType::F32: {
      IRONCLAD_TRY_ASSIGN(std::string_view text, scalar_text(desc, type));
      IRONCLAD_TRY_ASSIGN(uint64_t bits, parse_unsigned(text, max_bits(32), ironclad::to_string(type)));
      return type == ValType::I32 ? Value::from_i32(static_cast<uint32_t>(bits))
                                  : Value::from_f32_bits(static_cast<uint32_t>(bits));
    }
    case ValType::I64: case ValType::F64: {
      IRONCLAD_TRY_ASSIGN(std::string_view text, scalar_text(desc, type));
      IRONCLAD_TRY_ASSIGN(uint64_t bits, parse_unsigned(text, max_bits(64), ironclad::to_string(type)));
      return type == ValType::I64 ? Value::from_i64(bits) : Value::from_f64_bits(bits);
    }
    case ValType::V128: {
      IRONCLAD_TRY_ASSIGN(LaneType lane, parse_lane_type(desc));
      IRONCLAD_TRY_ASSIGN(const nlohmann::json* lanes, lane_texts(desc, lane));
      V128 v;
      for (int i = 0; i < lane_count(lane); ++i) {
        IRONCLAD_TRY_ASSIGN(uint64_t bits,
                            parse_unsigned((*lanes)[i].get_ref<const std::string&>(),
                                           max_bits(lane_width(lane)), to_string(lane)));
        set_lane_bits(v, lane, i, bits);
      }
      return Value::from_v128(v);
    }
    case ValType::FuncRef: case ValType::ExternRef: {
      IRONCLAD_TRY_ASSIGN(Ref ref, parse_argument_ref(desc, type));
      return Value::from_ref(type, ref);
    }
  }
  return bad_value("unhandled value type");
}

Result<ExpectedValue> parse_expected(const nlohmann::json& desc) {
  ExpectedValue out;
  IRONCLAD_TRY_ASSIGN(out.type, parse_type(desc));
  switch (out.type) {
    case ValType::I32: case ValType::I64: case ValType::F32: case ValType::F64: {
      IRONCLAD_TRY_ASSIGN(std::string_view text, scalar_text(desc, out.type));
      int width = (out.type == ValType::I32 || out.type == ValType::F32) ? 32 : 64;
      bool is_float = out.type == ValType::F32 || out.type == ValType::F64;
      IRONCLAD_TRY_ASSIGN(out.scalar,
                          parse_expected_bits(text, width, is_float, ironclad::to_string(out.type)));
      return out;
    }
    case ValType::V128: {
      IRONCLAD_TRY_ASSIGN(out.lane_type, parse_lane_type(desc));
      IRONCLAD_TRY_ASSIGN(const nlohmann::json* lanes, lane_texts(desc, out.lane_type));
      for (const auto& item : *lanes) {
        IRONCLAD_TRY_ASSIGN(ExpectedBits bits,
                            parse_expected_bits(item.get_ref<const std::string&>(),
                                                lane_width(out.lane_type),
                                                is_float_lane(out.lane_type), to_string(out.lane_type)));
        out.lanes.push_back(bits);
      }
      return out;
    }
    case ValType::FuncRef: case ValType::ExternRef: {
      if (!desc.contains("value")) {
        out.ref = RefPattern::AnyNonNull;
        return out;
      }
      IRONCLAD_TRY_ASSIGN(std::string_view text, scalar_text(desc, out.type));
      if (text == "null") {
        out.ref = RefPattern::Null;
        return out;
      }
      if (out.type == ValType::FuncRef) {
        // wast2json writes `(ref.func)` (any function) as a number, and a function index
        // would not say which instance's function anyway: any non-null funcref matches.
        IRONCLAD_TRY(parse_unsigned(text, std::numeric_limits<uint32_t>::max(), "funcref"));
        out.ref = RefPattern::AnyNonNull;
        return out;
      }
      out.ref = RefPattern::HostRef;
      IRONCLAD_TRY_ASSIGN(out.host_ref_index,
                          parse_unsigned(text, std::numeric_limits<uintptr_t>::max() - 1, "externref"));
      return out;
    }
  }
  return bad_value("unhandled value type");
}

}  // namespace ironclad::cli::spectest
