#include "component/subtype.h"

#include <algorithm>
#include <unordered_set>

namespace ironclad::component {

namespace {

bool match_typedef(TypeArena& arena, const TypeDef& actual, const ExternType& expected,
                   TypeArena::ResourceMap& bind, std::string* why) {
  if (expected.type_is_sub_resource) {
    if (actual.kind != TypeDef::Kind::Resource) {
      *why = std::string("expected a resource type, found a ") + to_string(actual.kind);
      return false;
    }
    bind[expected.type.resource] = actual.resource;
    return true;
  }
  TypeDef want = arena.substitute(expected.type, bind);
  if (actual.kind != want.kind) {
    *why =
        std::string("expected a ") + to_string(want.kind) + ", found a " + to_string(actual.kind);
    return false;
  }
  switch (want.kind) {
    case TypeDef::Kind::Value:
      if (same_type(actual.value, want.value)) return true;
      *why = "expected type " + describe(want.value) + ", found " + describe(actual.value);
      return false;
    case TypeDef::Kind::Func:
      if (same_func(*actual.func, *want.func)) return true;
      *why = "expected " + describe(*want.func) + ", found " + describe(*actual.func);
      return false;
    case TypeDef::Kind::Resource:
      if (actual.resource == want.resource) return true;
      *why = "expected resource `" + want.resource->name + "`, found resource `" +
             actual.resource->name + "`";
      return false;
    case TypeDef::Kind::Instance: {
      // Equal instance types: each a subtype of the other.
      ExternType a, e;
      a.sort = e.sort = Sort::Instance;
      a.instance = actual.instance;
      e.instance = want.instance;
      TypeArena::ResourceMap b1 = bind, b2 = bind;
      return match_extern(arena, a, e, b1, why) && match_extern(arena, e, a, b2, why);
    }
    case TypeDef::Kind::Component: {
      ExternType a, e;
      a.sort = e.sort = Sort::Component;
      a.component = actual.component;
      e.component = want.component;
      TypeArena::ResourceMap b1 = bind, b2 = bind;
      return match_extern(arena, a, e, b1, why) && match_extern(arena, e, a, b2, why);
    }
    case TypeDef::Kind::None:
      return true;
  }
  return false;
}

bool match_core_module(const CoreModuleType& actual, const CoreModuleType& expected,
                       std::string* why) {
  // The actual module may import less: each of its imports must be offered by the expected
  // type, at a type the actual import accepts.
  for (const CoreImport& imp : actual.imports) {
    const CoreImport* offered = nullptr;
    for (const CoreImport& e : expected.imports) {
      if (e.module == imp.module && e.field == imp.field) offered = &e;
    }
    if (!offered) {
      *why =
          "core module imports `" + imp.module + "` `" + imp.field + "`, which the type does not";
      return false;
    }
    if (!core_extern_matches(offered->type, imp.type)) {
      *why = "core import `" + imp.module + "` `" + imp.field + "`: expected " +
             describe(offered->type) + ", found " + describe(imp.type);
      return false;
    }
  }
  for (const CoreExport& exp : expected.exports) {
    const CoreExport* have = actual.find_export(exp.name);
    if (!have) {
      *why = "core module has no export `" + exp.name + "`";
      return false;
    }
    if (!core_extern_matches(have->type, exp.type)) {
      *why = "core export `" + exp.name + "`: expected " + describe(exp.type) + ", found " +
             describe(have->type);
      return false;
    }
  }
  return true;
}

}  // namespace

bool match_extern(TypeArena& arena, const ExternType& actual, const ExternType& expected,
                  TypeArena::ResourceMap& bind, std::string* why) {
  std::string ignored;
  if (!why) why = &ignored;
  if (actual.sort != expected.sort) {
    *why = std::string("expected a ") +
           (expected.sort == Sort::Core ? "core module" : to_string(expected.sort)) + ", found a " +
           (actual.sort == Sort::Core ? "core module" : to_string(actual.sort));
    return false;
  }
  switch (expected.sort) {
    case Sort::Core:
      return match_core_module(*actual.module, *expected.module, why);
    case Sort::Func: {
      const FuncType* want = arena.substitute(expected.func, bind);
      if (same_func(*actual.func, *want)) return true;
      *why = "expected " + describe(*want) + ", found " + describe(*actual.func);
      return false;
    }
    case Sort::Value: {
      const ValType* want = arena.substitute(expected.value, bind);
      if (same_type(actual.value, want)) return true;
      *why = "expected value " + describe(want) + ", found " + describe(actual.value);
      return false;
    }
    case Sort::Type:
      return match_typedef(arena, actual.type, expected, bind, why);
    case Sort::Instance:
      for (const NamedExtern& e : expected.instance->exports) {
        const NamedExtern* have = actual.instance->find(e.name);
        if (!have) {
          *why = "missing export `" + e.name + "`";
          return false;
        }
        std::string inner;
        if (!match_extern(arena, have->type, e.type, bind, &inner)) {
          *why = "export `" + e.name + "`: " + inner;
          return false;
        }
      }
      return true;
    case Sort::Component: {
      // Contravariant imports: every import of the actual component must be one the expected
      // type provides, at a type the actual one accepts. Matching them binds the actual
      // component's abstract import resources to the expected type's (`reverse`), which its
      // exports then refer to.
      TypeArena::ResourceMap reverse;
      for (const NamedExtern& imp : actual.component->imports) {
        const NamedExtern* offered = nullptr;
        for (const NamedExtern& e : expected.component->imports) {
          if (e.name == imp.name) offered = &e;
        }
        if (!offered) {
          *why = "component imports `" + imp.name + "`, which the expected type does not";
          return false;
        }
        std::string inner;
        if (!match_extern(arena, arena.substitute(offered->type, bind), imp.type, reverse,
                          &inner)) {
          *why = "import `" + imp.name + "`: " + inner;
          return false;
        }
      }
      for (const NamedExtern& e : expected.component->exports) {
        const NamedExtern* have = nullptr;
        for (const NamedExtern& a : actual.component->exports) {
          if (a.name == e.name) have = &a;
        }
        if (!have) {
          *why = "missing export `" + e.name + "`";
          return false;
        }
        std::string inner;
        if (!match_extern(arena, arena.substitute(have->type, reverse), e.type, bind, &inner)) {
          *why = "export `" + e.name + "`: " + inner;
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

namespace {

struct ResourceCollector {
  std::vector<const Resource*>& out;
  std::unordered_set<const void*> seen;

  void add(const Resource* r) {
    if (r && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  void value(const ValType* t) {
    if (!t || !t->has_resource || !seen.insert(t->canonical).second) return;
    add(t->resource);
    for (const Field& f : t->fields) value(f.type);
    for (const Case& c : t->cases) value(c.type);
    value(t->elem);
    value(t->err);
  }
  void func(const FuncType* f) {
    if (!f) return;
    for (const Field& p : f->params) value(p.type);
    value(f->result);
  }
  void typedef_(const TypeDef& d) {
    switch (d.kind) {
      case TypeDef::Kind::Value:
        value(d.value);
        break;
      case TypeDef::Kind::Func:
        func(d.func);
        break;
      case TypeDef::Kind::Resource:
        add(d.resource);
        break;
      case TypeDef::Kind::Instance:
        instance(d.instance);
        break;
      case TypeDef::Kind::Component:
        component(d.component);
        break;
      case TypeDef::Kind::None:
        break;
    }
  }
  void instance(const InstanceType* i) {
    if (!i || !seen.insert(i).second) return;
    for (const NamedExtern& e : i->exports) extern_(e.type);
  }
  void component(const ComponentType* c) {
    if (!c || !seen.insert(c).second) return;
    for (const NamedExtern& e : c->imports) extern_(e.type);
    for (const NamedExtern& e : c->exports) extern_(e.type);
  }
  void extern_(const ExternType& t) {
    func(t.func);
    value(t.value);
    typedef_(t.type);
    instance(t.instance);
    component(t.component);
  }
};

}  // namespace

void collect_resources(const ExternType& t, std::vector<const Resource*>& out) {
  ResourceCollector c{out, {}};
  c.extern_(t);
}

}  // namespace ironclad::component
