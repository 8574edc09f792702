#include "component/types.h"

#include <algorithm>
#include <cstdio>

namespace ironclad::component {

const char* to_string(TypeKind kind) {
  switch (kind) {
    case TypeKind::Bool:
      return "bool";
    case TypeKind::S8:
      return "s8";
    case TypeKind::U8:
      return "u8";
    case TypeKind::S16:
      return "s16";
    case TypeKind::U16:
      return "u16";
    case TypeKind::S32:
      return "s32";
    case TypeKind::U32:
      return "u32";
    case TypeKind::S64:
      return "s64";
    case TypeKind::U64:
      return "u64";
    case TypeKind::F32:
      return "f32";
    case TypeKind::F64:
      return "f64";
    case TypeKind::Char:
      return "char";
    case TypeKind::String:
      return "string";
    case TypeKind::Record:
      return "record";
    case TypeKind::Variant:
      return "variant";
    case TypeKind::List:
      return "list";
    case TypeKind::Tuple:
      return "tuple";
    case TypeKind::Flags:
      return "flags";
    case TypeKind::Enum:
      return "enum";
    case TypeKind::Option:
      return "option";
    case TypeKind::Result:
      return "result";
    case TypeKind::Own:
      return "own";
    case TypeKind::Borrow:
      return "borrow";
  }
  return "?";
}

const char* to_string(TypeDef::Kind kind) {
  switch (kind) {
    case TypeDef::Kind::None:
      return "nothing";
    case TypeDef::Kind::Value:
      return "value type";
    case TypeDef::Kind::Func:
      return "function type";
    case TypeDef::Kind::Component:
      return "component type";
    case TypeDef::Kind::Instance:
      return "instance type";
    case TypeDef::Kind::Resource:
      return "resource type";
  }
  return "?";
}

const char* to_string(CoreSort sort) {
  switch (sort) {
    case CoreSort::Func:
      return "core func";
    case CoreSort::Table:
      return "core table";
    case CoreSort::Memory:
      return "core memory";
    case CoreSort::Global:
      return "core global";
    case CoreSort::Tag:
      return "core tag";
    case CoreSort::Type:
      return "core type";
    case CoreSort::Module:
      return "core module";
    case CoreSort::Instance:
      return "core instance";
  }
  return "?";
}

const char* to_string(Sort sort) {
  switch (sort) {
    case Sort::Core:
      return "core";
    case Sort::Func:
      return "func";
    case Sort::Value:
      return "value";
    case Sort::Type:
      return "type";
    case Sort::Component:
      return "component";
    case Sort::Instance:
      return "instance";
  }
  return "?";
}

size_t ValType::num_cases() const {
  switch (kind) {
    case TypeKind::Variant:
      return cases.size();
    case TypeKind::Enum:
      return labels.size();
    case TypeKind::Option:
    case TypeKind::Result:
      return 2;
    default:
      return 0;
  }
}

const ValType* ValType::case_type(size_t i) const {
  switch (kind) {
    case TypeKind::Variant:
      return cases[i].type;
    case TypeKind::Option:
      return i == 1 ? elem : nullptr;
    case TypeKind::Result:
      return i == 0 ? elem : err;
    default:
      return nullptr;
  }
}

uint32_t ValType::discriminant_size(size_t n) {
  if (n <= 256) return 1;
  if (n <= 65536) return 2;
  return 4;
}

const NamedExtern* InstanceType::find(std::string_view name) const {
  for (const NamedExtern& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const CoreExport* CoreModuleType::find_export(std::string_view name) const {
  for (const CoreExport& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

namespace {

uint64_t align_to(uint64_t n, uint64_t a) {
  return (n + a - 1) / a * a;
}

using CoreVal = ironclad::ValType;

CoreVal join(CoreVal a, CoreVal b) {
  if (a == b) return a;
  if ((a == CoreVal::I32 && b == CoreVal::F32) || (a == CoreVal::F32 && b == CoreVal::I32)) {
    return CoreVal::I32;
  }
  return CoreVal::I64;
}

// Layout of a primitive: size (= alignment) and its one flat type (strings: two).
void layout_primitive(ValType& t) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::S8:
    case TypeKind::U8:
      t.size = t.align = 1;
      t.flat = {CoreVal::I32};
      break;
    case TypeKind::S16:
    case TypeKind::U16:
      t.size = t.align = 2;
      t.flat = {CoreVal::I32};
      break;
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::Char:
      t.size = t.align = 4;
      t.flat = {CoreVal::I32};
      break;
    case TypeKind::S64:
    case TypeKind::U64:
      t.size = t.align = 8;
      t.flat = {CoreVal::I64};
      break;
    case TypeKind::F32:
      t.size = t.align = 4;
      t.flat = {CoreVal::F32};
      break;
    case TypeKind::F64:
      t.size = t.align = 8;
      t.flat = {CoreVal::F64};
      break;
    case TypeKind::String:
      t.size = 8;
      t.align = 4;
      t.flat = {CoreVal::I32, CoreVal::I32};
      break;
    default:
      break;
  }
}

void append_flat(ValType& t, const ValType* child) {
  if (child->flat_overflow || t.flat.size() + child->flat.size() > kMaxFlatKept) {
    t.flat_overflow = true;
    return;
  }
  t.flat.insert(t.flat.end(), child->flat.begin(), child->flat.end());
}

// Computes layout, flat types, depth, size and flags from the children; false + `error` when
// a limit is broken.
bool finish(ValType& t, std::string* error) {
  std::vector<const ValType*> children;
  for (const Field& f : t.fields) children.push_back(f.type);
  for (const Case& c : t.cases) {
    if (c.type) children.push_back(c.type);
  }
  if (t.elem) children.push_back(t.elem);
  if (t.err) children.push_back(t.err);
  t.depth = 1;
  t.tree_size = 1;
  for (const ValType* c : children) {
    t.depth = std::max(t.depth, c->depth + 1);
    t.tree_size = std::min<uint64_t>(t.tree_size + c->tree_size, kMaxTypeSize + 1);
    t.has_borrow = t.has_borrow || c->has_borrow;
    t.has_resource = t.has_resource || c->has_resource;
    t.has_memory = t.has_memory || c->has_memory;
  }
  if (t.kind == TypeKind::String || t.kind == TypeKind::List) t.has_memory = true;
  if (t.depth > kMaxTypeDepth) {
    *error = "type nesting deeper than " + std::to_string(kMaxTypeDepth);
    return false;
  }
  if (t.tree_size > kMaxTypeSize) {
    *error = "type too large (more than " + std::to_string(kMaxTypeSize) + " nodes)";
    return false;
  }
  uint64_t size = 0, align = 1;
  t.flat.clear();
  t.flat_overflow = false;
  switch (t.kind) {
    case TypeKind::List:
      size = 8;
      align = 4;
      t.flat = {CoreVal::I32, CoreVal::I32};
      break;
    case TypeKind::Record:
    case TypeKind::Tuple:
      for (const Field& f : t.fields) {
        size = align_to(size, f.type->align) + f.type->size;
        align = std::max<uint64_t>(align, f.type->align);
        append_flat(t, f.type);
        if (size > kMaxElemSize) break;
      }
      size = align_to(size, align);
      break;
    case TypeKind::Flags:
      size = align = t.labels.size() <= 8 ? 1 : t.labels.size() <= 16 ? 2 : 4;
      t.flat = {CoreVal::I32};
      break;
    case TypeKind::Own:
    case TypeKind::Borrow:
      size = align = 4;
      t.flat = {CoreVal::I32};
      t.has_resource = true;
      if (t.kind == TypeKind::Borrow) t.has_borrow = true;
      break;
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result: {
      size_t n = t.num_cases();
      uint64_t disc = ValType::discriminant_size(n);
      uint64_t case_align = 1, case_size = 0;
      std::vector<CoreVal> joined;
      for (size_t i = 0; i < n; ++i) {
        const ValType* c = t.case_type(i);
        if (!c) continue;
        case_align = std::max<uint64_t>(case_align, c->align);
        case_size = std::max<uint64_t>(case_size, c->size);
        if (c->flat_overflow) {
          t.flat_overflow = true;
          continue;
        }
        for (size_t j = 0; j < c->flat.size(); ++j) {
          if (j < joined.size()) {
            joined[j] = join(joined[j], c->flat[j]);
          } else {
            joined.push_back(c->flat[j]);
          }
        }
      }
      align = std::max(disc, case_align);
      size = align_to(align_to(disc, case_align) + case_size, align);
      if (!t.flat_overflow && joined.size() + 1 <= kMaxFlatKept) {
        t.flat.push_back(CoreVal::I32);
        t.flat.insert(t.flat.end(), joined.begin(), joined.end());
      } else {
        t.flat_overflow = true;
      }
      break;
    }
    default:
      layout_primitive(t);
      size = t.size;
      align = t.align;
      break;
  }
  if (t.flat_overflow) t.flat.clear();
  if (size > kMaxElemSize) {
    *error = "type's canonical ABI size exceeds 2^28 - 1 bytes";
    return false;
  }
  t.size = static_cast<uint32_t>(size);
  t.align = static_cast<uint32_t>(align);
  return true;
}

// The structural key of a node whose children are canonical.
std::string structural_key(const ValType& t) {
  std::string k;
  char buf[32];
  auto ptr = [&](const void* p) {
    std::snprintf(buf, sizeof buf, "%p,", p);
    k += buf;
  };
  auto str = [&](const std::string& s) {
    k += std::to_string(s.size());
    k += ':';
    k += s;
  };
  k += static_cast<char>('A' + static_cast<int>(t.kind));
  for (const Field& f : t.fields) {
    str(f.name);
    ptr(f.type->canonical);
  }
  for (const Case& c : t.cases) {
    str(c.name);
    ptr(c.type ? c.type->canonical : nullptr);
  }
  for (const std::string& l : t.labels) str(l);
  k += '|';
  ptr(t.elem ? t.elem->canonical : nullptr);
  ptr(t.err ? t.err->canonical : nullptr);
  ptr(t.resource);
  return k;
}

}  // namespace

TypeArena::TypeArena() {
  for (size_t i = 0; i <= static_cast<size_t>(TypeKind::String); ++i) {
    ValType t;
    t.kind = static_cast<TypeKind>(i);
    std::string unused;
    finish(t, &unused);
    values_.push_back(std::move(t));
    ValType* node = &values_.back();
    node->canonical = node;
    canonical_.emplace(structural_key(*node), node);
    primitives_[i] = node;
  }
}

const ValType* TypeArena::make(ValType node, std::string* error) {
  std::string ignored;
  if (!finish(node, error ? error : &ignored)) return nullptr;
  // The canonical form: the same structure over canonical children, without names.
  ValType canon = node;
  canon.name.clear();
  canon.interface.clear();
  for (Field& f : canon.fields) f.type = f.type->canonical;
  for (Case& c : canon.cases) c.type = c.type ? c.type->canonical : nullptr;
  if (canon.elem) canon.elem = canon.elem->canonical;
  if (canon.err) canon.err = canon.err->canonical;
  std::string key = structural_key(canon);
  auto it = canonical_.find(key);
  const ValType* canonical = nullptr;
  if (it != canonical_.end()) {
    canonical = it->second;
  } else {
    values_.push_back(std::move(canon));
    ValType* c = &values_.back();
    c->canonical = c;
    canonical_.emplace(std::move(key), c);
    canonical = c;
  }
  // An unnamed node over the canonical children is the canonical node itself; a node with
  // named parts is kept (WIT printing names them) and points at its canonical form.
  bool same_children = node.name.empty() && node.interface.empty() &&
                       node.elem == canonical->elem && node.err == canonical->err;
  for (size_t i = 0; same_children && i < node.fields.size(); ++i) {
    same_children = node.fields[i].type == canonical->fields[i].type;
  }
  for (size_t i = 0; same_children && i < node.cases.size(); ++i) {
    same_children = node.cases[i].type == canonical->cases[i].type;
  }
  if (same_children) return canonical;
  node.canonical = canonical;
  values_.push_back(std::move(node));
  return &values_.back();
}

const ValType* TypeArena::named(const ValType* type, std::string name, std::string interface) {
  ValType node = *type;
  node.name = std::move(name);
  node.interface = std::move(interface);
  node.canonical = type->canonical;
  values_.push_back(std::move(node));
  return &values_.back();
}

const FuncType* TypeArena::make_func(FuncType type) {
  type.flat_params.clear();
  type.params_overflow = false;
  for (const Field& p : type.params) {
    if (p.type->flat_overflow || type.flat_params.size() + p.type->flat.size() > 16) {
      type.params_overflow = true;
      type.flat_params.clear();
      break;
    }
    type.flat_params.insert(type.flat_params.end(), p.type->flat.begin(), p.type->flat.end());
  }
  type.result_overflow =
      type.result && (type.result->flat_overflow || type.result->flat.size() > 1);
  type.has_borrow_result = type.result && type.result->has_borrow;
  funcs_.push_back(std::move(type));
  return &funcs_.back();
}

Resource* TypeArena::make_resource(std::string name, bool defined) {
  Resource r;
  r.id = next_resource_id_++;
  r.name = std::move(name);
  r.defined = defined;
  resources_.push_back(std::move(r));
  return &resources_.back();
}

const InstanceType* TypeArena::make_instance(InstanceType type) {
  instances_.push_back(std::move(type));
  return &instances_.back();
}

const ComponentType* TypeArena::make_component(ComponentType type) {
  components_.push_back(std::move(type));
  return &components_.back();
}

const CoreModuleType* TypeArena::make_core_module(CoreModuleType type) {
  modules_.push_back(std::move(type));
  return &modules_.back();
}

const ValType* TypeArena::substitute(const ValType* t, const ResourceMap& map) {
  if (!t || !t->has_resource || map.empty()) return t;
  ValType node = *t;
  bool changed = false;
  for (Field& f : node.fields) {
    const ValType* s = substitute(f.type, map);
    changed |= s != f.type;
    f.type = s;
  }
  for (Case& c : node.cases) {
    const ValType* s = substitute(c.type, map);
    changed |= s != c.type;
    c.type = s;
  }
  if (node.elem) {
    const ValType* s = substitute(node.elem, map);
    changed |= s != node.elem;
    node.elem = s;
  }
  if (node.err) {
    const ValType* s = substitute(node.err, map);
    changed |= s != node.err;
    node.err = s;
  }
  if (node.resource) {
    auto it = map.find(node.resource);
    if (it != map.end()) {
      changed |= it->second != node.resource;
      node.resource = it->second;
    }
  }
  if (!changed) return t;
  node.canonical = nullptr;
  // Same shape as an already valid type: no limit can be broken.
  return make(std::move(node), nullptr);
}

const FuncType* TypeArena::substitute(const FuncType* t, const ResourceMap& map) {
  if (!t || map.empty()) return t;
  FuncType f = *t;
  bool changed = false;
  for (Field& p : f.params) {
    const ValType* s = substitute(p.type, map);
    changed |= s != p.type;
    p.type = s;
  }
  const ValType* r = substitute(f.result, map);
  changed |= r != f.result;
  f.result = r;
  return changed ? make_func(std::move(f)) : t;
}

TypeDef TypeArena::substitute(const TypeDef& t, const ResourceMap& map) {
  TypeDef d = t;
  switch (t.kind) {
    case TypeDef::Kind::Value:
      d.value = substitute(t.value, map);
      break;
    case TypeDef::Kind::Func:
      d.func = substitute(t.func, map);
      break;
    case TypeDef::Kind::Instance:
      d.instance = substitute(t.instance, map);
      break;
    case TypeDef::Kind::Component:
      d.component = substitute(t.component, map);
      break;
    case TypeDef::Kind::Resource: {
      auto it = map.find(t.resource);
      if (it != map.end()) d.resource = it->second;
      break;
    }
    case TypeDef::Kind::None:
      break;
  }
  return d;
}

ExternType TypeArena::substitute(const ExternType& t, const ResourceMap& map) {
  ExternType e = t;
  e.func = substitute(t.func, map);
  e.value = substitute(t.value, map);
  e.type = substitute(t.type, map);
  e.instance = substitute(t.instance, map);
  e.component = substitute(t.component, map);
  return e;
}

const InstanceType* TypeArena::substitute(const InstanceType* t, const ResourceMap& map) {
  if (!t || map.empty()) return t;
  InstanceType i;
  i.exports.reserve(t->exports.size());
  for (const NamedExtern& e : t->exports) i.exports.push_back({e.name, substitute(e.type, map)});
  for (const Resource* r : t->abstract_resources) {
    auto it = map.find(r);
    i.abstract_resources.push_back(it == map.end() ? r : it->second);
  }
  return make_instance(std::move(i));
}

const ComponentType* TypeArena::substitute(const ComponentType* t, const ResourceMap& map) {
  if (!t || map.empty()) return t;
  ComponentType c;
  for (const NamedExtern& e : t->imports) c.imports.push_back({e.name, substitute(e.type, map)});
  for (const NamedExtern& e : t->exports) c.exports.push_back({e.name, substitute(e.type, map)});
  for (const Resource* r : t->import_resources) {
    auto it = map.find(r);
    c.import_resources.push_back(it == map.end() ? r : it->second);
  }
  for (const Resource* r : t->export_resources) {
    auto it = map.find(r);
    c.export_resources.push_back(it == map.end() ? r : it->second);
  }
  return make_component(std::move(c));
}

bool same_func(const FuncType& a, const FuncType& b) {
  if (a.params.size() != b.params.size()) return false;
  for (size_t i = 0; i < a.params.size(); ++i) {
    if (a.params[i].name != b.params[i].name) return false;
    if (!same_type(a.params[i].type, b.params[i].type)) return false;
  }
  if ((a.result == nullptr) != (b.result == nullptr)) return false;
  return !a.result || same_type(a.result, b.result);
}

bool same_typedef(const TypeDef& a, const TypeDef& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeDef::Kind::Value:
      return same_type(a.value, b.value);
    case TypeDef::Kind::Func:
      return same_func(*a.func, *b.func);
    case TypeDef::Kind::Resource:
      return a.resource == b.resource;
    // Instance and component types as type definitions are compared by subtyping both
    // ways elsewhere; as values of the type index space they are equal when identical.
    case TypeDef::Kind::Instance:
      return a.instance == b.instance;
    case TypeDef::Kind::Component:
      return a.component == b.component;
    case TypeDef::Kind::None:
      return true;
  }
  return false;
}

bool core_extern_matches(const CoreExternType& actual, const CoreExternType& expected) {
  if (actual.kind != expected.kind) return false;
  auto limits_match = [](const wasm::Limits& a, const wasm::Limits& e) {
    if (a.min < e.min) return false;
    if (!e.max) return true;
    return a.max && *a.max <= *e.max;
  };
  switch (actual.kind) {
    case wasm::ExternKind::Func:
      return actual.func == expected.func;
    case wasm::ExternKind::Table:
      return actual.table.elem_type == expected.table.elem_type &&
             limits_match(actual.table.limits, expected.table.limits);
    case wasm::ExternKind::Memory:
      return limits_match(actual.memory.limits, expected.memory.limits);
    case wasm::ExternKind::Global:
      return actual.global.type == expected.global.type &&
             actual.global.mutable_ == expected.global.mutable_;
  }
  return false;
}

std::string describe(const CoreExternType& t) {
  auto limits = [](const wasm::Limits& l) {
    return std::to_string(l.min) + (l.max ? ".." + std::to_string(*l.max) : "");
  };
  switch (t.kind) {
    case wasm::ExternKind::Func:
      return "func " + t.func.to_string();
    case wasm::ExternKind::Table:
      return std::string("table ") + to_string(t.table.elem_type) + " " + limits(t.table.limits);
    case wasm::ExternKind::Memory:
      return "memory " + limits(t.memory.limits);
    case wasm::ExternKind::Global:
      return std::string("global ") + (t.global.mutable_ ? "mut " : "") + to_string(t.global.type);
  }
  return "?";
}

std::string describe(const ValType* t) {
  if (!t) return "_";
  if (!t->name.empty()) return t->name;
  std::string s;
  auto list = [&](auto&& items, auto&& one) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) s += ", ";
      one(items[i]);
    }
  };
  switch (t->kind) {
    case TypeKind::List:
      return "list<" + describe(t->elem) + ">";
    case TypeKind::Option:
      return "option<" + describe(t->elem) + ">";
    case TypeKind::Result:
      if (!t->elem && !t->err) return "result";
      if (!t->err) return "result<" + describe(t->elem) + ">";
      return "result<" + describe(t->elem) + ", " + describe(t->err) + ">";
    case TypeKind::Own:
      return "own<" + t->resource->name + ">";
    case TypeKind::Borrow:
      return "borrow<" + t->resource->name + ">";
    case TypeKind::Tuple:
      s = "tuple<";
      list(t->fields, [&](const Field& f) { s += describe(f.type); });
      return s + ">";
    case TypeKind::Record:
      s = "record { ";
      list(t->fields, [&](const Field& f) { s += f.name + ": " + describe(f.type); });
      return s + " }";
    case TypeKind::Variant:
      s = "variant { ";
      list(t->cases, [&](const Case& c) {
        s += c.name;
        if (c.type) s += "(" + describe(c.type) + ")";
      });
      return s + " }";
    case TypeKind::Enum:
      s = "enum { ";
      list(t->labels, [&](const std::string& l) { s += l; });
      return s + " }";
    case TypeKind::Flags:
      s = "flags { ";
      list(t->labels, [&](const std::string& l) { s += l; });
      return s + " }";
    default:
      return to_string(t->kind);
  }
}

std::string describe(const FuncType& f) {
  std::string s = "func(";
  for (size_t i = 0; i < f.params.size(); ++i) {
    if (i) s += ", ";
    s += f.params[i].name + ": " + describe(f.params[i].type);
  }
  s += ")";
  if (f.result) s += " -> " + describe(f.result);
  return s;
}

std::string describe(const ExternType& t) {
  switch (t.sort) {
    case Sort::Core:
      return "core module";
    case Sort::Func:
      return describe(*t.func);
    case Sort::Value:
      return "value " + describe(t.value);
    case Sort::Type:
      if (t.type_is_sub_resource) return "type (sub resource)";
      return std::string("type (") + to_string(t.type.kind) + ")";
    case Sort::Component:
      return "component";
    case Sort::Instance:
      return "instance";
  }
  return "?";
}

}  // namespace ironclad::component
