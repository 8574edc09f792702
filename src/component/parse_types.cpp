// Type definitions: value types, function types, resource types, component and instance
// type declarations, core types and extern types.
#include <cstdio>
#include <unordered_set>

#include "component/parser.h"
#include "component/subtype.h"

namespace ironclad::component {

namespace {

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

std::optional<TypeKind> primitive_of(uint8_t code) {
  switch (code) {
    case 0x7f:
      return TypeKind::Bool;
    case 0x7e:
      return TypeKind::S8;
    case 0x7d:
      return TypeKind::U8;
    case 0x7c:
      return TypeKind::S16;
    case 0x7b:
      return TypeKind::U16;
    case 0x7a:
      return TypeKind::S32;
    case 0x79:
      return TypeKind::U32;
    case 0x78:
      return TypeKind::S64;
    case 0x77:
      return TypeKind::U64;
    case 0x76:
      return TypeKind::F32;
    case 0x75:
      return TypeKind::F64;
    case 0x74:
      return TypeKind::Char;
    case 0x73:
      return TypeKind::String;
  }
  return std::nullopt;
}

std::string lowercase(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Result<ironclad::ValType> read_core_valtype(wasm::Reader& r) {
  auto b = r.u8();
  if (!b.ok()) return std::move(b).error();
  switch (*b) {
    case 0x7f:
      return ironclad::ValType::I32;
    case 0x7e:
      return ironclad::ValType::I64;
    case 0x7d:
      return ironclad::ValType::F32;
    case 0x7c:
      return ironclad::ValType::F64;
    case 0x7b:
      return ironclad::ValType::V128;
    case 0x70:
      return ironclad::ValType::FuncRef;
    case 0x6f:
      return ironclad::ValType::ExternRef;
  }
  return r.error("unsupported core value type " + hex(*b));
}

Result<wasm::Limits> read_limits(wasm::Reader& r, bool memory) {
  auto flags = r.u8();
  if (!flags.ok()) return std::move(flags).error();
  wasm::Limits l;
  if (*flags > 1) {
    return r.error(memory ? "unsupported memory flags (shared or 64-bit memories)"
                          : "invalid table limits flags");
  }
  auto min = r.u32();
  if (!min.ok()) return std::move(min).error();
  l.min = *min;
  if (*flags == 1) {
    auto max = r.u32();
    if (!max.ok()) return std::move(max).error();
    l.max = *max;
  }
  return l;
}

}  // namespace

Result<const ValType*> Parser::value_type_at(Scope& scope, uint32_t index) {
  IRONCLAD_TRY(check_index(index, scope.types->size(), "type"));
  const TypeDef& d = (*scope.types)[index];
  if (d.kind != TypeDef::Kind::Value) {
    return invalid("type " + std::to_string(index) + " is a " + to_string(d.kind) +
                   ", not a value type");
  }
  return d.value;
}

Result<TypeDef> Parser::type_at(Scope& scope, uint32_t index) {
  IRONCLAD_TRY(check_index(index, scope.types->size(), "type"));
  return (*scope.types)[index];
}

Result<const Resource*> Parser::resource_at(Scope& scope, uint32_t index) {
  IRONCLAD_TRY(check_index(index, scope.types->size(), "type"));
  const TypeDef& d = (*scope.types)[index];
  if (d.kind != TypeDef::Kind::Resource) {
    return invalid("type " + std::to_string(index) + " is a " + to_string(d.kind) +
                   ", not a resource type");
  }
  return d.resource;
}

Result<const ValType*> Parser::read_valtype(R& r, Scope& scope) {
  auto v = r.s33();
  if (!v.ok()) return wrap(std::move(v).error());
  if (*v >= 0) return value_type_at(scope, static_cast<uint32_t>(*v));
  uint8_t code = static_cast<uint8_t>(*v & 0x7f);
  if (auto prim = primitive_of(code)) return arena_->primitive(*prim);
  if (code == 0x64) return invalid("error-context (async) is not supported");
  return malformed("invalid value type " + hex(code));
}

Result<const ValType*> Parser::read_defvaltype(R& r, uint8_t code, Scope& scope) {
  if (auto prim = primitive_of(code)) return arena_->primitive(*prim);
  ValType t;
  auto labels_unique = [&](const std::vector<std::string>& names,
                           const char* what) -> Result<void> {
    std::unordered_set<std::string> seen;
    for (const std::string& n : names) {
      if (!is_label(n))
        return invalid(std::string(what) + " name `" + n + "` is not a valid kebab-case label");
      if (!seen.insert(lowercase(n)).second)
        return invalid(std::string(what) + " name `" + n + "` conflicts with another");
    }
    return {};
  };
  auto count = [&](const char* what) -> Result<uint32_t> {
    auto n = r.length();
    if (!n.ok()) return wrap(std::move(n).error());
    if (*n == 0)
      return invalid(std::string(what) + " must have at least one " +
                     (std::string(what) == "tuple"    ? "element"
                      : std::string(what) == "record" ? "field"
                                                      : "case"));
    return *n;
  };
  switch (code) {
    case 0x72: {  // record
      t.kind = TypeKind::Record;
      IRONCLAD_TRY_ASSIGN(uint32_t n, count("record"));
      std::vector<std::string> names;
      for (uint32_t i = 0; i < n; ++i) {
        auto name = r.name();
        if (!name.ok()) return wrap(std::move(name).error());
        IRONCLAD_TRY_ASSIGN(const ValType* ft, read_valtype(r, scope));
        names.push_back(*name);
        t.fields.push_back({std::move(*name), ft});
      }
      IRONCLAD_TRY(labels_unique(names, "field"));
      break;
    }
    case 0x71: {  // variant
      t.kind = TypeKind::Variant;
      IRONCLAD_TRY_ASSIGN(uint32_t n, count("variant"));
      std::vector<std::string> names;
      for (uint32_t i = 0; i < n; ++i) {
        auto name = r.name();
        if (!name.ok()) return wrap(std::move(name).error());
        auto has = r.u8();
        if (!has.ok()) return wrap(std::move(has).error());
        if (*has > 1) return malformed("invalid optional value type flag");
        const ValType* ct = nullptr;
        if (*has == 1) {
          IRONCLAD_TRY_ASSIGN(ct, read_valtype(r, scope));
        }
        auto refines = r.u8();
        if (!refines.ok()) return wrap(std::move(refines).error());
        if (*refines != 0) return invalid("variant case refinements are not supported");
        names.push_back(*name);
        t.cases.push_back({std::move(*name), ct});
      }
      IRONCLAD_TRY(labels_unique(names, "case"));
      break;
    }
    case 0x70: {  // list
      t.kind = TypeKind::List;
      IRONCLAD_TRY_ASSIGN(t.elem, read_valtype(r, scope));
      break;
    }
    case 0x67:
      return invalid("fixed-length lists (a gated feature) are not supported");
    case 0x6f: {  // tuple
      t.kind = TypeKind::Tuple;
      IRONCLAD_TRY_ASSIGN(uint32_t n, count("tuple"));
      for (uint32_t i = 0; i < n; ++i) {
        IRONCLAD_TRY_ASSIGN(const ValType* et, read_valtype(r, scope));
        t.fields.push_back({"", et});
      }
      break;
    }
    case 0x6e:    // flags
    case 0x6d: {  // enum
      t.kind = code == 0x6e ? TypeKind::Flags : TypeKind::Enum;
      IRONCLAD_TRY_ASSIGN(uint32_t n, count(code == 0x6e ? "flags" : "enum"));
      if (code == 0x6e && n > kMaxFlags) {
        return invalid("flags with " + std::to_string(n) + " labels (at most " +
                       std::to_string(kMaxFlags) + ")");
      }
      for (uint32_t i = 0; i < n; ++i) {
        auto name = r.name();
        if (!name.ok()) return wrap(std::move(name).error());
        t.labels.push_back(std::move(*name));
      }
      IRONCLAD_TRY(labels_unique(t.labels, code == 0x6e ? "flag" : "enum case"));
      break;
    }
    case 0x6b: {  // option
      t.kind = TypeKind::Option;
      IRONCLAD_TRY_ASSIGN(t.elem, read_valtype(r, scope));
      break;
    }
    case 0x6a: {  // result
      t.kind = TypeKind::Result;
      for (const ValType** slot : {&t.elem, &t.err}) {
        auto has = r.u8();
        if (!has.ok()) return wrap(std::move(has).error());
        if (*has > 1) return malformed("invalid optional value type flag");
        if (*has == 1) {
          IRONCLAD_TRY_ASSIGN(*slot, read_valtype(r, scope));
        }
      }
      break;
    }
    case 0x69:    // own
    case 0x68: {  // borrow
      t.kind = code == 0x69 ? TypeKind::Own : TypeKind::Borrow;
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY_ASSIGN(t.resource, resource_at(scope, *index));
      break;
    }
    case 0x66:
      return invalid("stream types (async) are not supported");
    case 0x65:
      return invalid("future types (async) are not supported");
    case 0x64:
      return invalid("error-context (async) is not supported");
    case 0x63:
      return invalid("map types (a gated feature) are not supported");
    default:
      return malformed("invalid type code " + hex(code));
  }
  std::string error;
  const ValType* made = arena_->make(std::move(t), &error);
  if (!made) return invalid(error);
  return made;
}

Result<const FuncType*> Parser::read_functype(R& r, Scope& scope) {
  FuncType f;
  auto n = r.length();
  if (!n.ok()) return wrap(std::move(n).error());
  std::unordered_set<std::string> seen;
  for (uint32_t i = 0; i < *n; ++i) {
    auto name = r.name();
    if (!name.ok()) return wrap(std::move(name).error());
    if (!is_label(*name))
      return invalid("parameter name `" + *name + "` is not a valid kebab-case label");
    if (!seen.insert(lowercase(*name)).second)
      return invalid("parameter name `" + *name + "` conflicts with another");
    IRONCLAD_TRY_ASSIGN(const ValType* t, read_valtype(r, scope));
    f.params.push_back({std::move(*name), t});
  }
  auto kind = r.u8();
  if (!kind.ok()) return wrap(std::move(kind).error());
  if (*kind == 0x00) {
    IRONCLAD_TRY_ASSIGN(f.result, read_valtype(r, scope));
  } else if (*kind == 0x01) {
    auto named = r.length();
    if (!named.ok()) return wrap(std::move(named).error());
    if (*named != 0)
      return invalid(
          "functions with several named results are not supported (removed from the component "
          "model)");
  } else {
    return malformed("invalid function result list " + hex(*kind));
  }
  if (f.result && f.result->has_borrow)
    return invalid("a function result cannot contain a borrow handle");
  return arena_->make_func(std::move(f));
}

Result<TypeDef> Parser::read_deftype(R& r, Scope& scope, bool in_decl, uint32_t depth) {
  auto code = r.u8();
  if (!code.ok()) return wrap(std::move(code).error());
  TypeDef d;
  switch (*code) {
    case 0x40: {
      d.kind = TypeDef::Kind::Func;
      IRONCLAD_TRY_ASSIGN(d.func, read_functype(r, scope));
      return d;
    }
    case 0x43:
      return invalid("async function types are not supported");
    case 0x41: {
      d.kind = TypeDef::Kind::Component;
      IRONCLAD_TRY_ASSIGN(d.component, read_componenttype(r, depth));
      return d;
    }
    case 0x42: {
      d.kind = TypeDef::Kind::Instance;
      IRONCLAD_TRY_ASSIGN(d.instance, read_instancetype(r, depth));
      return d;
    }
    case 0x3f: {
      if (in_decl || !scope.component) {
        return invalid(
            "resource types can be defined only in a component, not in a type declaration");
      }
      auto rep = r.u8();
      if (!rep.ok()) return wrap(std::move(rep).error());
      if (*rep != 0x7f) return invalid("a resource's representation must be i32");
      auto has_dtor = r.u8();
      if (!has_dtor.ok()) return wrap(std::move(has_dtor).error());
      if (*has_dtor > 1) return malformed("invalid destructor flag");
      Resource* res = arena_->make_resource("", true);
      res->owner = scope.component;
      if (*has_dtor == 1) {
        auto f = r.u32();
        if (!f.ok()) return wrap(std::move(f).error());
        IRONCLAD_TRY(check_index(*f, scope.component->core.funcs.size(), "core function"));
        const wasm::FuncType& ft = scope.component->core.funcs[*f].type;
        if (ft != wasm::FuncType{{ironclad::ValType::I32}, {}}) {
          return invalid("a resource destructor must have type (i32) -> (), core function " +
                         std::to_string(*f) + " has " + ft.to_string());
        }
        res->dtor = *f;
      }
      d.kind = TypeDef::Kind::Resource;
      d.resource = res;
      return d;
    }
    default: {
      d.kind = TypeDef::Kind::Value;
      IRONCLAD_TRY_ASSIGN(d.value, read_defvaltype(r, *code, scope));
      return d;
    }
  }
}

Result<void> Parser::type_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("type section", "type", static_cast<uint32_t>(current_->types.size()), r.offset());
    IRONCLAD_TRY_ASSIGN(TypeDef d, read_deftype(r, scopes_.back(), false, 0));
    current_->types.push_back(d);
    uint32_t index = static_cast<uint32_t>(current_->type_defs.size());
    current_->type_defs.push_back(d);
    current_->definitions.push_back({Definition::Kind::Type, index});
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<const InstanceType*> Parser::read_instancetype(R& r, uint32_t depth) {
  if (depth + 1 > 100) return invalid("type declarations nested deeper than 100");
  DeclScope decl;
  scopes_.push_back(Scope{nullptr, &decl.types, &decl.core_types});
  auto n = r.length();
  if (!n.ok()) {
    scopes_.pop_back();
    return wrap(std::move(n).error());
  }
  for (uint32_t i = 0; i < *n; ++i) {
    auto result = read_decl(r, decl, scopes_.back(), false, depth + 1);
    if (!result.ok()) {
      scopes_.pop_back();
      return std::move(result).error();
    }
  }
  scopes_.pop_back();
  InstanceType t;
  t.exports = std::move(decl.exports);
  t.abstract_resources = std::move(decl.export_resources);
  return arena_->make_instance(std::move(t));
}

Result<const ComponentType*> Parser::read_componenttype(R& r, uint32_t depth) {
  if (depth + 1 > 100) return invalid("type declarations nested deeper than 100");
  DeclScope decl;
  scopes_.push_back(Scope{nullptr, &decl.types, &decl.core_types});
  auto n = r.length();
  if (!n.ok()) {
    scopes_.pop_back();
    return wrap(std::move(n).error());
  }
  for (uint32_t i = 0; i < *n; ++i) {
    auto result = read_decl(r, decl, scopes_.back(), true, depth + 1);
    if (!result.ok()) {
      scopes_.pop_back();
      return std::move(result).error();
    }
  }
  scopes_.pop_back();
  ComponentType t;
  t.imports = std::move(decl.imports);
  t.exports = std::move(decl.exports);
  t.import_resources = std::move(decl.import_resources);
  t.export_resources = std::move(decl.export_resources);
  return arena_->make_component(std::move(t));
}

Result<void> Parser::read_decl(R& r, DeclScope& decl, Scope& scope, bool component_type,
                               uint32_t depth) {
  auto kind = r.u8();
  if (!kind.ok()) return wrap(std::move(kind).error());
  switch (*kind) {
    case 0x00: {
      IRONCLAD_TRY_ASSIGN(CoreTypeInfo t, read_core_type(r, scope, false));
      decl.core_types.push_back(std::move(t));
      return {};
    }
    case 0x01: {
      IRONCLAD_TRY_ASSIGN(TypeDef d, read_deftype(r, scope, true, depth));
      decl.types.push_back(d);
      return {};
    }
    case 0x02: {
      IRONCLAD_TRY_ASSIGN(AliasDef a, read_alias(r));
      if (a.kind == AliasDef::Kind::Outer) {
        if (a.sort.sort == Sort::Type) {
          IRONCLAD_TRY_ASSIGN(TypeDef d, outer_type(a.outer_count, a.outer_index, false, nullptr));
          decl.types.push_back(d);
          return {};
        }
        if (a.sort.sort == Sort::Core && a.sort.core == CoreSort::Type) {
          CoreTypeInfo info;
          IRONCLAD_TRY(outer_type(a.outer_count, a.outer_index, true, &info));
          decl.core_types.push_back(std::move(info));
          return {};
        }
        return invalid("outer aliases in type declarations may name only types and core types");
      }
      if (a.kind == AliasDef::Kind::Export &&
          (a.sort.sort == Sort::Type || a.sort.sort == Sort::Instance)) {
        // Aliases of exports of an instance imported or exported earlier in this declaration.
        IRONCLAD_TRY(check_index(a.instance, decl.instances.size(), "instance"));
        const NamedExtern* e = decl.instances[a.instance]->find(a.name);
        if (!e)
          return invalid("instance " + std::to_string(a.instance) + " has no export `" + a.name +
                         "`");
        if (e->type.sort != a.sort.sort) {
          return invalid("export `" + a.name + "` is a " + to_string(e->type.sort) + ", not a " +
                         to_string(a.sort.sort));
        }
        if (a.sort.sort == Sort::Type) decl.types.push_back(e->type.type);
        if (a.sort.sort == Sort::Instance) decl.instances.push_back(e->type.instance);
        return {};
      }
      return invalid("this alias is not allowed in a type declaration");
    }
    case 0x03:
    case 0x04: {
      bool is_import = *kind == 0x03;
      if (is_import && !component_type) return invalid("instance types cannot declare imports");
      auto text = read_extern_name(r);
      if (!text.ok()) return wrap(std::move(text).error());
      std::string why;
      auto name = parse_extern_name(*text, &why);
      if (!name) return invalid(std::string(is_import ? "import" : "export") + " name " + why);
      std::vector<std::string>& keys = is_import ? decl.import_keys : decl.export_keys;
      std::string key = name->uniqueness_key();
      for (const std::string& k : keys) {
        if (k == key)
          return invalid("name `" + *text + "` conflicts with another in the same type");
      }
      keys.push_back(key);
      std::string interface = name->kind == ExternName::Kind::Interface ? *text : "";
      auto type = read_externtype(r, scope, *text, interface,
                                  is_import ? &decl.import_resources : &decl.export_resources);
      if (!type.ok()) return std::move(type).error();
      if (type->sort == Sort::Type) decl.types.push_back(type->type);
      if (type->sort == Sort::Instance) decl.instances.push_back(type->instance);
      (is_import ? decl.imports : decl.exports).push_back({*text, std::move(*type)});
      return {};
    }
  }
  return malformed("invalid declaration kind " + hex(*kind));
}

Result<ExternType> Parser::read_externtype(R& r, Scope& scope, const std::string& name,
                                           const std::string& interface,
                                           std::vector<const Resource*>* fresh) {
  auto sort = r.u8();
  if (!sort.ok()) return wrap(std::move(sort).error());
  ExternType t;
  switch (*sort) {
    case 0x00: {
      auto core = r.u8();
      if (!core.ok()) return wrap(std::move(core).error());
      if (*core != 0x11)
        return invalid("core items other than modules cannot be imported or exported");
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY(check_index(*index, scope.core_types->size(), "core type"));
      const CoreTypeInfo& info = (*scope.core_types)[*index];
      if (!info.module)
        return invalid("core type " + std::to_string(*index) + " is not a module type");
      t.sort = Sort::Core;
      t.module = info.module;
      return t;
    }
    case 0x01: {
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY_ASSIGN(TypeDef d, type_at(scope, *index));
      if (d.kind != TypeDef::Kind::Func)
        return invalid("type " + std::to_string(*index) + " is not a function type");
      t.sort = Sort::Func;
      t.func = d.func;
      return t;
    }
    case 0x02:
      return invalid("value imports and exports (a gated feature) are not supported");
    case 0x03: {
      auto bound = r.u8();
      if (!bound.ok()) return wrap(std::move(bound).error());
      t.sort = Sort::Type;
      if (*bound == 0x00) {
        auto index = r.u32();
        if (!index.ok()) return wrap(std::move(index).error());
        IRONCLAD_TRY_ASSIGN(TypeDef d, type_at(scope, *index));
        if (d.kind == TypeDef::Kind::Value) d.value = arena_->named(d.value, name, interface);
        t.type = d;
        t.eq_index = *index;
        return t;
      }
      if (*bound == 0x01) {
        Resource* res = arena_->make_resource(name, false);
        res->interface = interface;
        t.type.kind = TypeDef::Kind::Resource;
        t.type.resource = res;
        t.type_is_sub_resource = true;
        if (fresh) fresh->push_back(res);
        return t;
      }
      return malformed("invalid type bound " + hex(*bound));
    }
    case 0x04: {
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY_ASSIGN(TypeDef d, type_at(scope, *index));
      if (d.kind != TypeDef::Kind::Component)
        return invalid("type " + std::to_string(*index) + " is not a component type");
      t.sort = Sort::Component;
      t.component = d.component;
      return t;
    }
    case 0x05: {
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY_ASSIGN(TypeDef d, type_at(scope, *index));
      if (d.kind != TypeDef::Kind::Instance)
        return invalid("type " + std::to_string(*index) + " is not an instance type");
      t.sort = Sort::Instance;
      // Each import or export of an instance type binds its abstract resources afresh.
      TypeArena::ResourceMap map;
      for (const Resource* res : d.instance->abstract_resources) {
        Resource* copy = arena_->make_resource(res->name, false);
        copy->interface = interface.empty() ? name : interface;
        map[res] = copy;
        if (fresh) fresh->push_back(copy);
      }
      t.instance = arena_->substitute(d.instance, map);
      return t;
    }
  }
  return malformed("invalid extern type sort " + hex(*sort));
}

Result<wasm::FuncType> Parser::read_core_functype(R& r) {
  wasm::FuncType f;
  for (std::vector<ironclad::ValType>* list : {&f.params, &f.results}) {
    auto n = r.length();
    if (!n.ok()) return wrap(std::move(n).error());
    for (uint32_t i = 0; i < *n; ++i) {
      auto t = read_core_valtype(r);
      if (!t.ok()) return wrap(std::move(t).error());
      list->push_back(*t);
    }
  }
  return f;
}

Result<CoreTypeInfo> Parser::read_core_type(R& r, Scope& scope, bool in_module_type) {
  auto code = r.u8();
  if (!code.ok()) return wrap(std::move(code).error());
  CoreTypeInfo info;
  switch (*code) {
    case 0x60: {
      IRONCLAD_TRY_ASSIGN(info.func, read_core_functype(r));
      return info;
    }
    case 0x50: {
      if (in_module_type) return invalid("module types cannot be nested in module types");
      IRONCLAD_TRY_ASSIGN(info.module, read_core_moduletype(r, scope));
      return info;
    }
    case 0x4e:
    case 0x4f:
    case 0x00:
      return invalid("core GC types (rec, sub) are not supported");
  }
  return malformed("invalid core type " + hex(*code));
}

Result<CoreExternType> Parser::read_core_externtype(R& r, const std::vector<CoreTypeInfo>& types) {
  auto kind = r.u8();
  if (!kind.ok()) return wrap(std::move(kind).error());
  CoreExternType t;
  switch (*kind) {
    case 0x00: {
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY(check_index(*index, types.size(), "core type"));
      if (types[*index].module)
        return invalid("core type " + std::to_string(*index) + " is not a function type");
      t.kind = wasm::ExternKind::Func;
      t.func = types[*index].func;
      return t;
    }
    case 0x01: {
      auto elem = read_core_valtype(r);
      if (!elem.ok()) return wrap(std::move(elem).error());
      if (!is_ref(*elem)) return invalid("a table's element type must be a reference type");
      auto limits = read_limits(r, false);
      if (!limits.ok()) return wrap(std::move(limits).error());
      t.kind = wasm::ExternKind::Table;
      t.table.elem_type = *elem;
      t.table.limits = *limits;
      return t;
    }
    case 0x02: {
      auto limits = read_limits(r, true);
      if (!limits.ok()) return wrap(std::move(limits).error());
      t.kind = wasm::ExternKind::Memory;
      t.memory.limits = *limits;
      return t;
    }
    case 0x03: {
      auto vt = read_core_valtype(r);
      if (!vt.ok()) return wrap(std::move(vt).error());
      auto mut = r.u8();
      if (!mut.ok()) return wrap(std::move(mut).error());
      if (*mut > 1) return malformed("invalid global mutability");
      t.kind = wasm::ExternKind::Global;
      t.global.type = *vt;
      t.global.mutable_ = *mut == 1;
      return t;
    }
    case 0x04:
      return invalid("core tags (exception handling) are not supported");
  }
  return malformed("invalid core extern kind " + hex(*kind));
}

Result<const CoreModuleType*> Parser::read_core_moduletype(R& r, Scope&) {
  std::vector<CoreTypeInfo> types;
  scopes_.push_back(Scope{nullptr, nullptr, &types});
  auto done = [&](auto&& result) {
    scopes_.pop_back();
    return result;
  };
  CoreModuleType m;
  auto n = r.length();
  if (!n.ok()) return done(wrap(std::move(n).error()));
  for (uint32_t i = 0; i < *n; ++i) {
    auto kind = r.u8();
    if (!kind.ok()) return done(wrap(std::move(kind).error()));
    switch (*kind) {
      case 0x00: {
        auto module = r.name();
        if (!module.ok()) return done(wrap(std::move(module).error()));
        auto field = r.name();
        if (!field.ok()) return done(wrap(std::move(field).error()));
        auto t = read_core_externtype(r, types);
        if (!t.ok()) return done(std::move(t).error());
        m.imports.push_back({std::move(*module), std::move(*field), std::move(*t)});
        break;
      }
      case 0x01: {
        auto t = read_core_type(r, scopes_.back(), true);
        if (!t.ok()) return done(std::move(t).error());
        types.push_back(std::move(*t));
        break;
      }
      case 0x02: {
        auto sort = r.u8();
        if (!sort.ok()) return done(wrap(std::move(sort).error()));
        auto outer = r.u8();
        if (!outer.ok()) return done(wrap(std::move(outer).error()));
        if (*sort != 0x10 || *outer != 0x01)
          return done(invalid("module types may alias only outer core types"));
        auto count = r.u32();
        if (!count.ok()) return done(wrap(std::move(count).error()));
        auto index = r.u32();
        if (!index.ok()) return done(wrap(std::move(index).error()));
        CoreTypeInfo info;
        auto d = outer_type(*count, *index, true, &info);
        if (!d.ok()) return done(std::move(d).error());
        if (info.module) return done(invalid("module types cannot alias module types"));
        types.push_back(std::move(info));
        break;
      }
      case 0x03: {
        auto name = r.name();
        if (!name.ok()) return done(wrap(std::move(name).error()));
        auto t = read_core_externtype(r, types);
        if (!t.ok()) return done(std::move(t).error());
        for (const CoreExport& e : m.exports) {
          if (e.name == *name)
            return done(invalid("duplicate export `" + *name + "` in module type"));
        }
        m.exports.push_back({std::move(*name), std::move(*t)});
        break;
      }
      default:
        return done(malformed("invalid module type declaration " + hex(*kind)));
    }
  }
  return done(Result<const CoreModuleType*>(arena_->make_core_module(std::move(m))));
}

Result<void> Parser::core_type_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("core type section", "core type", static_cast<uint32_t>(current_->core.types.size()),
             r.offset());
    IRONCLAD_TRY_ASSIGN(CoreTypeInfo t, read_core_type(r, scopes_.back(), false));
    current_->core.types.push_back(std::move(t));
    current_->definitions.push_back({Definition::Kind::CoreType, 0});
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<TypeDef> Parser::outer_type(uint32_t count, uint32_t index, bool core,
                                   CoreTypeInfo* core_out) {
  if (count >= scopes_.size()) {
    return invalid("outer alias count " + std::to_string(count) + " exceeds the " +
                   std::to_string(scopes_.size() - 1) + " enclosing scopes");
  }
  Scope& target = scopes_[scopes_.size() - 1 - count];
  // Whether the alias crosses a component definition (types from outside a component may
  // not carry resources into it).
  bool crosses_component = false;
  for (size_t i = scopes_.size() - count; i < scopes_.size(); ++i) {
    if (scopes_[i].component) crosses_component = true;
  }
  if (core) {
    if (!target.core_types) return invalid("the outer scope has no core types");
    IRONCLAD_TRY(check_index(index, target.core_types->size(), "core type"));
    *core_out = (*target.core_types)[index];
    return TypeDef{};
  }
  if (!target.types) return invalid("the outer scope has no component types");
  IRONCLAD_TRY(check_index(index, target.types->size(), "type"));
  TypeDef d = (*target.types)[index];
  if (crosses_component) {
    std::vector<const Resource*> resources;
    ExternType e;
    e.sort = Sort::Type;
    e.type = d;
    collect_resources(e, resources);
    if (!resources.empty()) {
      return invalid(
          "an outer alias into a component cannot name a type that refers to a resource");
    }
  }
  return d;
}

}  // namespace ironclad::component
