#include "cli/component_spectest.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "component/instance.h"
#include "component/loader.h"
#include "wasm/module_file.h"

namespace ironclad::cli::component_spectest {

namespace {

namespace fs = std::filesystem;
using component::ComponentInstanceImpl;
using component::TypeKind;
using component::ValType;
using nlohmann::json;

// A member, or null when absent (a hand-edited script must not abort the runner).
const json& member(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string string_member(const json& j, const char* key) {
  const json& m = member(j, key);
  return m.is_string() ? m.get<std::string>() : "";
}

std::string text_of(const json& x) {
  if (x.is_string()) return x.get<std::string>();
  if (x.is_object() && x.contains("str") && x["str"].is_string())
    return x["str"].get<std::string>();
  return x.dump();
}

// The s-expression of a value: a field's inline form (`field "n" str.const "v"`) is its rest.
json value_form(const json& items, size_t from) {
  if (items.size() == from + 1 && items[from].is_array()) return items[from];
  json rest = json::array();
  for (size_t i = from; i < items.size(); ++i) rest.push_back(items[i]);
  return rest;
}

Result<uint64_t> parse_integer(std::string s, bool is_signed) {
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  errno = 0;
  char* end = nullptr;
  uint64_t v;
  if (is_signed && !digits.empty() && digits[0] == '-') {
    v = static_cast<uint64_t>(std::strtoll(digits.c_str(), &end, 0));
  } else {
    v = std::strtoull(digits.c_str(), &end, 0);
  }
  if (errno != 0 || !end || *end != '\0')
    return Error::make(ErrorKind::Usage, "bad integer `" + s + "`");
  return v;
}

Result<uint64_t> parse_float_bits(std::string s, bool f64, bool* is_nan) {
  std::string t;
  for (char c : s) {
    if (c != '_') t += c;
  }
  bool neg = !t.empty() && t[0] == '-';
  std::string body = (neg || (!t.empty() && t[0] == '+')) ? t.substr(1) : t;
  if (body.rfind("nan", 0) == 0) {
    *is_nan = true;
    return f64 ? uint64_t{0x7ff8000000000000} : uint64_t{0x7fc00000};
  }
  if (body == "inf") {
    double d = neg ? -INFINITY : INFINITY;
    if (f64) {
      uint64_t b;
      std::memcpy(&b, &d, 8);
      return b;
    }
    float f = static_cast<float>(d);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  }
  char* end = nullptr;
  if (f64) {
    double d = std::strtod(t.c_str(), &end);
    uint64_t b;
    std::memcpy(&b, &d, 8);
    return b;
  }
  float f = std::strtof(t.c_str(), &end);
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

struct Converted {
  ComponentValue value;
  bool any_nan = false;  // expected `nan`: any NaN matches
};

Result<Converted> to_value(const json& form, const ValType* t) {
  Converted out;
  if (!form.is_array() || form.empty() || !form[0].is_string()) {
    return Error::make(ErrorKind::Usage, "bad value " + form.dump());
  }
  std::string op = form[0].get<std::string>();
  auto arg = [&](size_t i) { return i < form.size() ? text_of(form[i]) : std::string(); };
  auto expect = [&](const char* want) -> Result<void> {
    if (op == want) return {};
    return Error::make(ErrorKind::Usage, "value " + form.dump() + " for type " + describe(t));
  };
  ComponentValue& v = out.value;
  switch (t->kind) {
    case TypeKind::Bool:
      IRONCLAD_TRY(expect("bool.const"));
      v = ComponentValue::boolean(arg(1) == "true");
      return out;
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64: {
      std::string want = std::string(to_string(t->kind)) + ".const";
      IRONCLAD_TRY(expect(want.c_str()));
      bool is_signed = t->kind == TypeKind::S8 || t->kind == TypeKind::S16 ||
                       t->kind == TypeKind::S32 || t->kind == TypeKind::S64;
      IRONCLAD_TRY_ASSIGN(uint64_t bits, parse_integer(arg(1), is_signed));
      switch (t->kind) {
        case TypeKind::S8:
          v = ComponentValue::s8(static_cast<int8_t>(bits));
          break;
        case TypeKind::U8:
          v = ComponentValue::u8(static_cast<uint8_t>(bits));
          break;
        case TypeKind::S16:
          v = ComponentValue::s16(static_cast<int16_t>(bits));
          break;
        case TypeKind::U16:
          v = ComponentValue::u16(static_cast<uint16_t>(bits));
          break;
        case TypeKind::S32:
          v = ComponentValue::s32(static_cast<int32_t>(bits));
          break;
        case TypeKind::U32:
          v = ComponentValue::u32(static_cast<uint32_t>(bits));
          break;
        case TypeKind::S64:
          v = ComponentValue::s64(static_cast<int64_t>(bits));
          break;
        default:
          v = ComponentValue::u64(bits);
          break;
      }
      return out;
    }
    case TypeKind::F32:
    case TypeKind::F64: {
      bool f64 = t->kind == TypeKind::F64;
      IRONCLAD_TRY(expect(f64 ? "f64.const" : "f32.const"));
      IRONCLAD_TRY_ASSIGN(uint64_t bits, parse_float_bits(arg(1), f64, &out.any_nan));
      v.kind = f64 ? ComponentValueKind::F64 : ComponentValueKind::F32;
      v.bits = bits;
      return out;
    }
    case TypeKind::Char: {
      IRONCLAD_TRY(expect("char.const"));
      std::string s = arg(1);
      uint32_t cp = 0;
      unsigned char c = s.empty() ? 0 : static_cast<unsigned char>(s[0]);
      int n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      cp = n == 1 ? c : c & (0xff >> (n + 1));
      for (int k = 1; k < n && k < static_cast<int>(s.size()); ++k) cp = (cp << 6) | (s[k] & 0x3f);
      v = ComponentValue::character(cp);
      return out;
    }
    case TypeKind::String:
      IRONCLAD_TRY(expect("str.const"));
      v = ComponentValue::string(arg(1));
      return out;
    case TypeKind::List: {
      IRONCLAD_TRY(expect("list.const"));
      v.kind = ComponentValueKind::List;
      for (size_t i = 1; i < form.size(); ++i) {
        IRONCLAD_TRY_ASSIGN(Converted e, to_value(form[i], t->elem));
        out.any_nan |= e.any_nan;
        v.items.push_back(std::move(e.value));
      }
      return out;
    }
    case TypeKind::Tuple: {
      IRONCLAD_TRY(expect("tuple.const"));
      v.kind = ComponentValueKind::Tuple;
      if (form.size() - 1 != t->fields.size())
        return Error::make(ErrorKind::Usage, "tuple arity in " + form.dump());
      for (size_t i = 1; i < form.size(); ++i) {
        IRONCLAD_TRY_ASSIGN(Converted e, to_value(form[i], t->fields[i - 1].type));
        v.items.push_back(std::move(e.value));
      }
      return out;
    }
    case TypeKind::Record: {
      IRONCLAD_TRY(expect("record.const"));
      v.kind = ComponentValueKind::Record;
      v.items.resize(t->fields.size());
      for (size_t i = 1; i < form.size(); ++i) {
        const json& f = form[i];
        std::string name = f.size() > 1 ? text_of(f[1]) : "";
        size_t k = 0;
        while (k < t->fields.size() && t->fields[k].name != name) ++k;
        if (k == t->fields.size()) return Error::make(ErrorKind::Usage, "no field `" + name + "`");
        IRONCLAD_TRY_ASSIGN(Converted e, to_value(value_form(f, 2), t->fields[k].type));
        v.items[k] = std::move(e.value);
      }
      return out;
    }
    case TypeKind::Variant: {
      IRONCLAD_TRY(expect("variant.const"));
      std::string name = arg(1);
      size_t k = 0;
      while (k < t->cases.size() && t->cases[k].name != name) ++k;
      if (k == t->cases.size()) return Error::make(ErrorKind::Usage, "no case `" + name + "`");
      v = ComponentValue::variant(static_cast<uint32_t>(k));
      if (t->cases[k].type) {
        IRONCLAD_TRY_ASSIGN(Converted e, to_value(value_form(form, 2), t->cases[k].type));
        v.items.push_back(std::move(e.value));
      }
      return out;
    }
    case TypeKind::Enum: {
      IRONCLAD_TRY(expect("enum.const"));
      std::string name = arg(1);
      size_t k = 0;
      while (k < t->labels.size() && t->labels[k] != name) ++k;
      v = ComponentValue::enumeration(static_cast<uint32_t>(k));
      return out;
    }
    case TypeKind::Flags: {
      IRONCLAD_TRY(expect("flags.const"));
      uint32_t bits = 0;
      for (size_t i = 1; i < form.size(); ++i) {
        std::string name = text_of(form[i]);
        for (size_t k = 0; k < t->labels.size(); ++k) {
          if (t->labels[k] == name) bits |= uint32_t{1} << k;
        }
      }
      v = ComponentValue::flags(bits);
      return out;
    }
    case TypeKind::Option:
      if (op == "option.none") {
        v = ComponentValue::none();
        return out;
      }
      IRONCLAD_TRY(expect("option.some"));
      {
        IRONCLAD_TRY_ASSIGN(Converted e, to_value(value_form(form, 1), t->elem));
        v = ComponentValue::some(std::move(e.value));
      }
      return out;
    case TypeKind::Result: {
      bool err = op == "result.err";
      if (!err) IRONCLAD_TRY(expect("result.ok"));
      const ValType* payload = err ? t->err : t->elem;
      v = err ? ComponentValue::err() : ComponentValue::ok();
      if (payload) {
        IRONCLAD_TRY_ASSIGN(Converted e, to_value(value_form(form, 1), payload));
        v.items.push_back(std::move(e.value));
      }
      return out;
    }
    case TypeKind::Own:
    case TypeKind::Borrow:
      return Error::make(ErrorKind::Usage, "handles cannot be written in scripts");
  }
  return Error::make(ErrorKind::Usage, "unknown type");
}

bool matches(const ComponentValue& actual, const Converted& expected) {
  if (expected.any_nan &&
      (actual.kind == ComponentValueKind::F32 || actual.kind == ComponentValueKind::F64)) {
    return actual.kind == ComponentValueKind::F32 ? std::isnan(actual.as_f32())
                                                  : std::isnan(actual.as_f64());
  }
  return actual == expected.value;
}

class Runner {
 public:
  Runner(const std::string& json_path, const RunOptions& options, std::FILE* out)
      : dir_(fs::path(json_path).parent_path()),
        file_(fs::path(json_path).filename().string()),
        options_(options),
        out_(out) {}

  RunTotals run(const json& script) {
    std::string source = string_member(script, "source");
    if (!source.empty()) file_ = fs::path(source).filename().string();
    for (const json& cmd : member(script, "commands")) {
      line_ = member(cmd, "line").is_number_integer() ? member(cmd, "line").get<int>() : 0;
      std::string type = string_member(cmd, "type");
      if (type == "skipped") {
        ++totals_.skipped;
        continue;
      }
      if (type == "component") {
        component(cmd);
      } else if (type == "component_instance") {
        instance(cmd);
      } else if (type == "action") {
        auto r = invoke(member(cmd, "action"));
        if (!r.ok())
          fail("action: " + r.error().describe());
        else
          pass();
      } else if (type == "assert_return") {
        assert_return(cmd);
      } else if (type == "assert_trap") {
        auto r = invoke(member(cmd, "action"));
        expect_error(r.ok() ? std::optional<Error>{} : std::optional<Error>{r.error()},
                     ErrorKind::Trap, string_member(cmd, "text"), "assert_trap");
      } else if (type == "assert_invalid" || type == "assert_malformed") {
        auto c = load(string_member(cmd, "filename"));
        if (c.ok()) {
          fail(type + ": the component loaded; expected \"" + string_member(cmd, "text") + "\"");
        } else if (c.error().kind == ErrorKind::Invalid || c.error().kind == ErrorKind::Malformed) {
          note_text(c.error(), string_member(cmd, "text"), type);
        } else {
          fail(type + ": " + c.error().describe());
        }
      } else if (type == "assert_unlinkable" || type == "assert_trap_instantiate") {
        auto c = load(string_member(cmd, "filename"));
        std::optional<Error> e;
        if (!c.ok()) {
          e = c.error();
        } else {
          auto inst = instantiate(*c);
          if (!inst.ok()) e = inst.error();
        }
        ErrorKind want = type == "assert_unlinkable" ? ErrorKind::Link : ErrorKind::Trap;
        if (e && want == ErrorKind::Link && e->kind == ErrorKind::Invalid)
          e->kind = ErrorKind::Link;
        expect_error(e, want, string_member(cmd, "text"), type);
      } else {
        fail("unknown command type " + type);
      }
    }
    return totals_;
  }

 private:
  Result<std::shared_ptr<const component::Component>> load(const std::string& filename) {
    return component::load_component_file((dir_ / filename).string());
  }

  Result<std::unique_ptr<ComponentInstanceImpl>> instantiate(
      std::shared_ptr<const component::Component> c) {
    IRONCLAD_TRY_ASSIGN(std::unique_ptr<runtime::Tier> tier, make_tier(options_.tier));
    auto store = std::make_unique<runtime::Store>(std::move(tier));
    return ComponentInstanceImpl::create(std::move(c), linker_, std::move(store));
  }

  void component(const json& cmd) {
    auto c = load(string_member(cmd, "filename"));
    if (!c.ok()) {
      fail("component: " + c.error().describe());
      current_ = nullptr;
      return;
    }
    std::string name = string_member(cmd, "name");
    if ((member(cmd, "definition").is_boolean() && member(cmd, "definition").get<bool>())) {
      definitions_[name] = *c;
      pass();
      return;
    }
    auto inst = instantiate(*c);
    if (!inst.ok()) {
      fail("component: " + inst.error().describe());
      current_ = nullptr;
      return;
    }
    current_ = inst->get();
    if (!name.empty()) named_[name] = current_;
    instances_.push_back(std::move(*inst));
    pass();
  }

  void instance(const json& cmd) {
    auto it = definitions_.find(string_member(cmd, "definition"));
    if (it == definitions_.end()) {
      fail("component instance: no definition " + string_member(cmd, "definition"));
      return;
    }
    auto inst = instantiate(it->second);
    if (!inst.ok()) {
      fail("component instance: " + inst.error().describe());
      current_ = nullptr;
      return;
    }
    current_ = inst->get();
    named_[string_member(cmd, "name")] = current_;
    instances_.push_back(std::move(*inst));
    pass();
  }

  Result<std::optional<ComponentValue>> invoke(const json& action,
                                               const ValType** result_type = nullptr) {
    ComponentInstanceImpl* target = current_;
    if (member(action, "instance").is_string()) {
      auto it = named_.find(string_member(action, "instance"));
      target = it == named_.end() ? nullptr : it->second;
    }
    if (!target) return Error::make(ErrorKind::Usage, "no component instance to invoke");
    std::string field = string_member(action, "field");
    IRONCLAD_TRY_ASSIGN(auto f, target->find_function(field));
    std::vector<ComponentValue> args;
    const json& forms = member(action, "args");
    if (forms.size() != f->type->params.size()) {
      return Error::make(
          ErrorKind::Usage,
          "`" + field + "` takes " + std::to_string(f->type->params.size()) + " arguments");
    }
    for (size_t i = 0; i < forms.size(); ++i) {
      IRONCLAD_TRY_ASSIGN(Converted c, to_value(forms[i], f->type->params[i].type));
      args.push_back(std::move(c.value));
    }
    if (result_type) *result_type = f->type->result;
    return target->call_function(*f, args, nullptr);
  }

  void assert_return(const json& cmd) {
    const ValType* rt = nullptr;
    auto r = invoke(member(cmd, "action"), &rt);
    if (!r.ok()) {
      fail("assert_return: " + r.error().describe());
      return;
    }
    const json& expected = member(cmd, "expected");
    if (expected.empty()) {
      if (*r)
        fail("assert_return: expected no result, got " + (*r)->to_string());
      else
        pass();
      return;
    }
    if (!*r || !rt) {
      fail("assert_return: expected a result, got none");
      return;
    }
    auto want = to_value(expected[0], rt);
    if (!want.ok()) {
      fail("assert_return: " + want.error().message);
      return;
    }
    if (matches(**r, *want)) {
      pass();
    } else {
      fail("assert_return: expected " + want->value.to_string() + ", got " + (*r)->to_string());
    }
  }

  void expect_error(const std::optional<Error>& e, ErrorKind want, const std::string& text,
                    const std::string& what) {
    if (!e) {
      fail(what + ": succeeded; expected \"" + text + "\"");
      return;
    }
    if (e->kind != want) {
      fail(what + ": expected a " + to_string(want) + " (\"" + text + "\"), got " + e->describe());
      return;
    }
    note_text(*e, text, what);
  }

  void note_text(const Error& e, const std::string& text, const std::string& what) {
    ++totals_.passed;
    if (text.empty() || e.message.find(text) != std::string::npos) return;
    ++totals_.warnings;
    if (options_.show_warnings) {
      std::fprintf(out_, "%s:%d: warning: %s: expected \"%s\", got \"%s\"\n", file_.c_str(), line_,
                   what.c_str(), text.c_str(), e.message.c_str());
    }
  }

  void pass() { ++totals_.passed; }
  void fail(const std::string& what) {
    ++totals_.failed;
    std::fprintf(out_, "%s:%d: %s\n", file_.c_str(), line_, what.c_str());
  }

  fs::path dir_;
  std::string file_;
  const RunOptions& options_;
  std::FILE* out_;
  int line_ = 0;
  RunTotals totals_;
  ComponentLinker linker_;
  std::map<std::string, std::shared_ptr<const component::Component>> definitions_;
  std::vector<std::unique_ptr<ComponentInstanceImpl>> instances_;
  std::map<std::string, ComponentInstanceImpl*> named_;
  ComponentInstanceImpl* current_ = nullptr;
};

}  // namespace

RunTotals run_script(const std::string& json_path, const RunOptions& options, std::FILE* out) {
  std::ifstream in(json_path);
  json script = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!in || script.is_discarded() || !member(script, "commands").is_array()) {
    std::fprintf(out, "%s: cannot read the script\n", json_path.c_str());
    RunTotals t;
    t.failed = 1;
    return t;
  }
  Runner runner(json_path, options, out);
  return runner.run(script);
}

}  // namespace ironclad::cli::component_spectest
