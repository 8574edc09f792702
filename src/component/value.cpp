// ComponentValue's text form and equality (include/ironclad/component.h).
#include <cstdio>

#include "ironclad/component.h"

namespace ironclad {

const char* to_string(ComponentValueKind kind) {
  switch (kind) {
    case ComponentValueKind::Bool:
      return "bool";
    case ComponentValueKind::S8:
      return "s8";
    case ComponentValueKind::U8:
      return "u8";
    case ComponentValueKind::S16:
      return "s16";
    case ComponentValueKind::U16:
      return "u16";
    case ComponentValueKind::S32:
      return "s32";
    case ComponentValueKind::U32:
      return "u32";
    case ComponentValueKind::S64:
      return "s64";
    case ComponentValueKind::U64:
      return "u64";
    case ComponentValueKind::F32:
      return "f32";
    case ComponentValueKind::F64:
      return "f64";
    case ComponentValueKind::Char:
      return "char";
    case ComponentValueKind::String:
      return "string";
    case ComponentValueKind::List:
      return "list";
    case ComponentValueKind::Record:
      return "record";
    case ComponentValueKind::Tuple:
      return "tuple";
    case ComponentValueKind::Variant:
      return "variant";
    case ComponentValueKind::Enum:
      return "enum";
    case ComponentValueKind::Option:
      return "option";
    case ComponentValueKind::Result:
      return "result";
    case ComponentValueKind::Flags:
      return "flags";
    case ComponentValueKind::Own:
      return "own";
    case ComponentValueKind::Borrow:
      return "borrow";
  }
  return "?";
}

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string ComponentValue::to_string() const {
  char buf[64];
  auto items_text = [&]() {
    std::string s;
    for (const ComponentValue& v : items) s += " " + v.to_string();
    return s;
  };
  switch (kind) {
    case ComponentValueKind::Bool:
      return std::string("(bool.const ") + (bits ? "true" : "false") + ")";
    case ComponentValueKind::S8:
    case ComponentValueKind::S16:
    case ComponentValueKind::S32:
    case ComponentValueKind::S64:
      return std::string("(") + ironclad::to_string(kind) + ".const " + std::to_string(as_s64()) +
             ")";
    case ComponentValueKind::U8:
    case ComponentValueKind::U16:
    case ComponentValueKind::U32:
    case ComponentValueKind::U64:
      return std::string("(") + ironclad::to_string(kind) + ".const " + std::to_string(bits) + ")";
    case ComponentValueKind::F32:
      std::snprintf(buf, sizeof buf, "(f32.const %.9g)", as_f32());
      return buf;
    case ComponentValueKind::F64:
      std::snprintf(buf, sizeof buf, "(f64.const %.17g)", as_f64());
      return buf;
    case ComponentValueKind::Char: {
      std::snprintf(buf, sizeof buf, "(char.const U+%04X)", static_cast<unsigned>(bits));
      return buf;
    }
    case ComponentValueKind::String:
      return "(str.const " + quoted(text) + ")";
    case ComponentValueKind::List:
      return "(list.const" + items_text() + ")";
    case ComponentValueKind::Record:
      return "(record.const" + items_text() + ")";
    case ComponentValueKind::Tuple:
      return "(tuple.const" + items_text() + ")";
    case ComponentValueKind::Variant:
      return "(variant.const " + std::to_string(bits) + items_text() + ")";
    case ComponentValueKind::Enum:
      return "(enum.const " + std::to_string(bits) + ")";
    case ComponentValueKind::Option:
      return bits ? "(option.some" + items_text() + ")" : "(option.none)";
    case ComponentValueKind::Result:
      return std::string(bits ? "(result.err" : "(result.ok") + items_text() + ")";
    case ComponentValueKind::Flags: {
      std::snprintf(buf, sizeof buf, "(flags.const 0x%x)", static_cast<unsigned>(bits));
      return buf;
    }
    case ComponentValueKind::Own:
    case ComponentValueKind::Borrow:
      return std::string("(") + ironclad::to_string(kind) + " " +
             (resource ? resource->describe() : "?") + " " + std::to_string(bits) + ")";
  }
  return "?";
}

bool ComponentValue::operator==(const ComponentValue& o) const {
  return kind == o.kind && bits == o.bits && text == o.text && items == o.items &&
         resource == o.resource;
}

}  // namespace ironclad
