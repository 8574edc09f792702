#include "cli/terminal_text.h"

#include <cstdint>
#include <cstdio>

namespace ironclad::cli {
namespace {

void append_hex_byte(std::string& out, uint8_t byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", byte);
  out += buf;
}

// The length of the valid UTF-8 sequence at text[i] (2..4) and its code point, or 0.
size_t utf8_sequence(std::string_view text, size_t i, uint32_t& code_point) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length;
  uint32_t min;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, min = 0x80, code_point = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, min = 0x800, code_point = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code_point = code_point << 6 | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates and values past Unicode are not valid UTF-8.
  if (code_point < min || code_point > 0x10ffff || (code_point >= 0xd800 && code_point < 0xe000))
    return 0;
  return length;
}

// Bidirectional overrides and isolates reorder what follows them on screen, so a name could
// show as something it is not.
bool is_bidi_control(uint32_t c) {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
         c == 0x200f || c == 0x061c;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {  // C0 controls and DEL
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case 0x1b: out += "\\e"; break;
        default: append_hex_byte(out, c);
      }
      ++i;
      continue;
    }
    uint32_t code_point = 0;
    size_t length = utf8_sequence(text, i, code_point);
    if (length == 0) {
      append_hex_byte(out, c);
      ++i;
    } else if ((code_point >= 0x80 && code_point <= 0x9f) || is_bidi_control(code_point)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%x}", code_point);
      out += buf;
      i += length;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace ironclad::cli
