#include "zed/json_values.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "component/wit.h"

namespace ironclad::zed {
namespace {

using component::TypeKind;
using component::ValType;
using nlohmann::json;

const char* json_kind(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "something else";
  }
}

Error mismatch(const std::string& where, const ValType* t, const json& j,
               const std::string& why = "") {
  std::string got = json_kind(j);
  if (j.is_string() || j.is_number() || j.is_boolean()) got += " (" + j.dump() + ")";
  return Error::make(ErrorKind::Usage, where + ": expected " + describe_type(t) + ", got " + got +
                                           (why.empty() ? "" : ": " + why));
}

// An integer of `t`'s range, or nullopt.
template <typename T>
std::optional<T> integer_of(const json& j) {
  if (j.is_number_unsigned()) {
    uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(u);
  }
  if (j.is_number_integer()) {
    int64_t s = j.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (s < 0 || static_cast<uint64_t>(s) > std::numeric_limits<T>::max()) return std::nullopt;
    } else {
      if (s < std::numeric_limits<T>::min() || s > std::numeric_limits<T>::max())
        return std::nullopt;
    }
    return static_cast<T>(s);
  }
  return std::nullopt;
}

// The single code point a UTF-8 string holds, or nullopt.
std::optional<uint32_t> single_code_point(const std::string& s) {
  if (s.empty()) return std::nullopt;
  auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  size_t n = b(0) < 0x80         ? 1
             : (b(0) >> 5) == 6  ? 2
             : (b(0) >> 4) == 14 ? 3
             : (b(0) >> 3) == 30 ? 4
                                 : 0;
  if (n == 0 || s.size() != n) return std::nullopt;
  uint32_t cp = n == 1 ? b(0) : n == 2 ? (b(0) & 0x1f) : n == 3 ? (b(0) & 0x0f) : (b(0) & 0x07);
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) >> 6) != 2) return std::nullopt;
    cp = (cp << 6) | (b(i) & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
  return cp;
}

std::string utf8_of(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xe0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return s;
}

template <typename T>
Result<ComponentValue> integer(const json& j, const ValType* t, const std::string& where,
                               ComponentValue (*make)(T)) {
  auto v = integer_of<T>(j);
  if (!v)
    return mismatch(where, t, j,
                    j.is_number_integer() || j.is_number_unsigned() ? "out of range" : "");
  return make(*v);
}

// The index of the case named `name` among `names`, or nullopt.
std::optional<uint32_t> case_index(const std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<uint32_t>(i);
  return std::nullopt;
}

std::string case_list(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s;
}

Result<std::optional<ComponentValue>> payload_from_json(const json& j, const ValType* payload_type,
                                                        const std::string& where) {
  if (!payload_type) {
    if (!j.is_null())
      return Error::make(ErrorKind::Usage, where + ": this case has no payload (give null), got " +
                                               std::string(json_kind(j)));
    return std::optional<ComponentValue>{};
  }
  IRONCLAD_TRY_ASSIGN(ComponentValue v, value_from_json(j, payload_type, where));
  return std::optional<ComponentValue>(std::move(v));
}

}  // namespace

std::string describe_type(const ValType* t) {
  if (!t) return "nothing";
  std::string wit = component::wit_type(t);
  if (t->name.empty() || component::is_primitive(t->kind)) return wit;
  switch (t->kind) {
    case TypeKind::Record:
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Flags:
      return std::string(component::to_string(t->kind)) + " `" + t->name + "`";
    default:
      return wit + " (" + component::wit_type(t->canonical ? t->canonical : t) + ")";
  }
}

Result<ComponentValue> value_from_json(const json& j, const ValType* t, const std::string& where) {
  if (!t) return Error::make(ErrorKind::Internal, where + ": no type");
  switch (t->kind) {
    case TypeKind::Bool:
      if (!j.is_boolean()) return mismatch(where, t, j);
      return ComponentValue::boolean(j.get<bool>());
    case TypeKind::S8:
      return integer<int8_t>(j, t, where, &ComponentValue::s8);
    case TypeKind::U8:
      return integer<uint8_t>(j, t, where, &ComponentValue::u8);
    case TypeKind::S16:
      return integer<int16_t>(j, t, where, &ComponentValue::s16);
    case TypeKind::U16:
      return integer<uint16_t>(j, t, where, &ComponentValue::u16);
    case TypeKind::S32:
      return integer<int32_t>(j, t, where, &ComponentValue::s32);
    case TypeKind::U32:
      return integer<uint32_t>(j, t, where, &ComponentValue::u32);
    case TypeKind::S64:
      return integer<int64_t>(j, t, where, &ComponentValue::s64);
    case TypeKind::U64:
      return integer<uint64_t>(j, t, where, &ComponentValue::u64);
    case TypeKind::F32: {
      if (!j.is_number()) return mismatch(where, t, j);
      const double d = j.get<double>();
      // A double beyond float's range has no float value (the conversion would be undefined).
      if (std::fabs(d) > std::numeric_limits<float>::max())
        return mismatch(where, t, j, "out of range");
      return ComponentValue::f32(static_cast<float>(d));
    }
    case TypeKind::F64:
      if (!j.is_number()) return mismatch(where, t, j);
      return ComponentValue::f64(j.get<double>());
    case TypeKind::Char: {
      if (!j.is_string()) return mismatch(where, t, j);
      auto cp = single_code_point(j.get_ref<const std::string&>());
      if (!cp) return mismatch(where, t, j, "not exactly one Unicode scalar value");
      return ComponentValue::character(*cp);
    }
    case TypeKind::String:
      if (!j.is_string()) return mismatch(where, t, j);
      return ComponentValue::string(j.get<std::string>());
    case TypeKind::List: {
      if (!j.is_array()) return mismatch(where, t, j);
      std::vector<ComponentValue> items;
      items.reserve(j.size());
      for (size_t i = 0; i < j.size(); ++i) {
        IRONCLAD_TRY_ASSIGN(ComponentValue v,
                            value_from_json(j[i], t->elem, where + "[" + std::to_string(i) + "]"));
        items.push_back(std::move(v));
      }
      return ComponentValue::list(std::move(items));
    }
    case TypeKind::Tuple: {
      if (!j.is_array() || j.size() != t->fields.size())
        return mismatch(where, t, j, j.is_array() ? std::to_string(j.size()) + " elements" : "");
      std::vector<ComponentValue> items;
      for (size_t i = 0; i < j.size(); ++i) {
        IRONCLAD_TRY_ASSIGN(
            ComponentValue v,
            value_from_json(j[i], t->fields[i].type, where + "[" + std::to_string(i) + "]"));
        items.push_back(std::move(v));
      }
      return ComponentValue::tuple(std::move(items));
    }
    case TypeKind::Record: {
      if (!j.is_object()) return mismatch(where, t, j);
      std::vector<ComponentValue> fields;
      for (const component::Field& f : t->fields) {
        auto it = j.find(f.name);
        if (it == j.end()) {
          // An absent option field reads as none, as serde's Option does.
          if (f.type->kind == TypeKind::Option) {
            fields.push_back(ComponentValue::none());
            continue;
          }
          return Error::make(ErrorKind::Usage, where + ": expected " + describe_type(t) +
                                                   ": field `" + f.name + "` (" +
                                                   describe_type(f.type) + ") is missing");
        }
        IRONCLAD_TRY_ASSIGN(ComponentValue v, value_from_json(*it, f.type, where + "." + f.name));
        fields.push_back(std::move(v));
      }
      for (const auto& [key, value] : j.items()) {
        bool known = false;
        for (const component::Field& f : t->fields) known = known || f.name == key;
        if (!known)
          return Error::make(ErrorKind::Usage,
                             where + ": " + describe_type(t) + " has no field `" + key + "`");
      }
      return ComponentValue::record(std::move(fields));
    }
    case TypeKind::Option: {
      if (j.is_null()) return ComponentValue::none();
      IRONCLAD_TRY_ASSIGN(ComponentValue v, value_from_json(j, t->elem, where));
      return ComponentValue::some(std::move(v));
    }
    case TypeKind::Enum: {
      if (!j.is_string()) return mismatch(where, t, j);
      auto i = case_index(t->labels, j.get<std::string>());
      if (!i) return mismatch(where, t, j, "the cases are " + case_list(t->labels));
      return ComponentValue::enumeration(*i);
    }
    case TypeKind::Flags: {
      if (!j.is_array()) return mismatch(where, t, j);
      uint32_t bits = 0;
      for (const json& e : j) {
        auto i = e.is_string() ? case_index(t->labels, e.get<std::string>()) : std::nullopt;
        if (!i) return mismatch(where, t, e, "the flags are " + case_list(t->labels));
        bits |= uint32_t{1} << *i;
      }
      return ComponentValue::flags(bits);
    }
    case TypeKind::Variant: {
      std::vector<std::string> names;
      for (const component::Case& c : t->cases) names.push_back(c.name);
      std::string name;
      const json* payload = nullptr;
      if (j.is_string()) {
        name = j.get<std::string>();
      } else if (j.is_object() && j.size() == 1) {
        name = j.begin().key();
        payload = &j.begin().value();
      } else {
        return mismatch(where, t, j, "a case name or {\"case\": payload}");
      }
      auto i = case_index(names, name);
      if (!i) return mismatch(where, t, j, "the cases are " + case_list(names));
      const ValType* pt = t->cases[*i].type;
      if (pt && !payload)
        return Error::make(ErrorKind::Usage, where + ": case `" + name + "` of " +
                                                 describe_type(t) + " needs a payload (" +
                                                 describe_type(pt) + "): {\"" + name + "\": ...}");
      IRONCLAD_TRY_ASSIGN(auto p,
                          payload_from_json(payload ? *payload : json(), pt, where + "." + name));
      return ComponentValue::variant(*i, std::move(p));
    }
    case TypeKind::Result: {
      if (!j.is_object() || j.size() != 1 || (!j.contains("ok") && !j.contains("error")))
        return mismatch(where, t, j, "{\"ok\": value} or {\"error\": value}");
      bool ok = j.contains("ok");
      const ValType* pt = ok ? t->elem : t->err;
      IRONCLAD_TRY_ASSIGN(
          auto p, payload_from_json(j.begin().value(), pt, where + (ok ? ".ok" : ".error")));
      return ok ? ComponentValue::ok(std::move(p)) : ComponentValue::err(std::move(p));
    }
    case TypeKind::Own:
    case TypeKind::Borrow:
      return Error::make(ErrorKind::Usage,
                         where + ": expected " + describe_type(t) +
                             ": a handle cannot be given as JSON here (only a whole "
                             "borrow<worktree> or borrow<project> argument, from --worktree)");
  }
  return Error::make(ErrorKind::Internal, where + ": unknown type kind");
}

nlohmann::ordered_json value_to_json(const ComponentValue& v, const ValType* t) {
  using json = nlohmann::ordered_json;
  using K = ComponentValueKind;
  auto sub = [&](size_t i) -> const ComponentValue& { return v.items[i]; };
  switch (v.kind) {
    case K::Bool:
      return v.as_bool();
    case K::S8:
    case K::S16:
    case K::S32:
    case K::S64:
      return v.as_s64();
    case K::U8:
    case K::U16:
    case K::U32:
    case K::U64:
      return v.as_u64();
    case K::F32:
    case K::F64: {
      double d = v.kind == K::F32 ? v.as_f32() : v.as_f64();
      if (std::isfinite(d)) return d;
      return std::isnan(d) ? "nan" : d > 0 ? "inf" : "-inf";  // JSON has no such numbers
    }
    case K::Char:
      return utf8_of(v.as_u32());
    case K::String:
      return v.text;
    case K::List:
    case K::Tuple: {
      json a = json::array();
      for (size_t i = 0; i < v.items.size(); ++i) {
        const ValType* et = nullptr;
        if (t && t->kind == TypeKind::List) et = t->elem;
        if (t && t->kind == TypeKind::Tuple && i < t->fields.size()) et = t->fields[i].type;
        a.push_back(value_to_json(sub(i), et));
      }
      return a;
    }
    case K::Record: {
      if (!t || t->kind != TypeKind::Record || t->fields.size() != v.items.size()) {
        json a = json::array();
        for (const ComponentValue& f : v.items) a.push_back(value_to_json(f, nullptr));
        return a;
      }
      json o = json::object();
      for (size_t i = 0; i < v.items.size(); ++i)
        o[t->fields[i].name] = value_to_json(sub(i), t->fields[i].type);
      return o;
    }
    case K::Option:
      if (!v.payload()) return nullptr;
      return value_to_json(*v.payload(), t && t->kind == TypeKind::Option ? t->elem : nullptr);
    case K::Result: {
      const ValType* pt = nullptr;
      if (t && t->kind == TypeKind::Result) pt = v.discriminant() == 0 ? t->elem : t->err;
      json p = v.payload() ? value_to_json(*v.payload(), pt) : json(nullptr);
      return json{{v.discriminant() == 0 ? "ok" : "error", p}};
    }
    case K::Enum:
      if (t && t->kind == TypeKind::Enum && v.discriminant() < t->labels.size())
        return t->labels[v.discriminant()];
      return v.discriminant();
    case K::Variant: {
      std::string name = std::to_string(v.discriminant());
      const ValType* pt = nullptr;
      if (t && t->kind == TypeKind::Variant && v.discriminant() < t->cases.size()) {
        name = t->cases[v.discriminant()].name;
        pt = t->cases[v.discriminant()].type;
      }
      if (!v.payload()) return name;
      return json{{name, value_to_json(*v.payload(), pt)}};
    }
    case K::Flags: {
      json a = json::array();
      for (uint32_t i = 0; i < 32; ++i) {
        if (!(v.as_u32() & (uint32_t{1} << i))) continue;
        if (t && t->kind == TypeKind::Flags && i < t->labels.size())
          a.push_back(t->labels[i]);
        else
          a.push_back(i);
      }
      return a;
    }
    case K::Own:
    case K::Borrow:
      return json{{"resource", v.resource ? v.resource->name() : std::string("?")},
                  {"handle", v.rep()}};
  }
  return nullptr;
}

}  // namespace ironclad::zed
