#include "cli/invoke_args.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

namespace ironclad::cli {
namespace {

// An integer of `bits` bits given as a signed or unsigned decimal, or as hex (0x...,
// optionally negative), returned as its two's-complement bit pattern.
bool parse_integer(std::string_view text, int bits, uint64_t& out) {
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  if (digits.empty()) return false;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return false;
  const uint64_t max_unsigned = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t max_negative = uint64_t{1} << (bits - 1);  // |INT_MIN|
  if (negative ? magnitude > max_negative : magnitude > max_unsigned) return false;
  out = (negative ? uint64_t{0} - magnitude : magnitude) & max_unsigned;
  return true;
}

template <typename Float>
bool parse_float(std::string_view text, Float& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // from_chars takes no '+'
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  // Out-of-range decimals round to infinity or zero as a compiler would accept them.
  return (ec == std::errc() || ec == std::errc::result_out_of_range) &&
         end == text.data() + text.size();
}

}  // namespace

Result<Value> parse_value(std::string_view text, ValType type) {
  auto bad = [&](const char* expected) {
    return Error::make(ErrorKind::Usage, "'" + std::string(text) + "' is not " + expected);
  };
  switch (type) {
    case ValType::I32: {
      uint64_t bits = 0;
      if (!parse_integer(text, 32, bits)) return bad("an i32 (decimal or 0x hex)");
      return Value::from_i32(static_cast<uint32_t>(bits));
    }
    case ValType::I64: {
      uint64_t bits = 0;
      if (!parse_integer(text, 64, bits)) return bad("an i64 (decimal or 0x hex)");
      return Value::from_i64(bits);
    }
    case ValType::F32: {
      float f = 0;
      if (!parse_float(text, f)) return bad("an f32 (decimal, inf or nan)");
      return Value::from_f32(f);
    }
    case ValType::F64: {
      double d = 0;
      if (!parse_float(text, d)) return bad("an f64 (decimal, inf or nan)");
      return Value::from_f64(d);
    }
    case ValType::V128:
    case ValType::FuncRef:
    case ValType::ExternRef: break;
  }
  return Error::make(ErrorKind::Usage, std::string("parameters of type ") + to_string(type) +
                                           " cannot be given on the command line");
}

}  // namespace ironclad::cli
