// Core instances, component instances and aliases: where index spaces are linked together,
// so where most type checking of real components happens.
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

std::optional<wasm::ExternKind> core_kind(CoreSort s) {
  switch (s) {
    case CoreSort::Func:
      return wasm::ExternKind::Func;
    case CoreSort::Table:
      return wasm::ExternKind::Table;
    case CoreSort::Memory:
      return wasm::ExternKind::Memory;
    case CoreSort::Global:
      return wasm::ExternKind::Global;
    default:
      return std::nullopt;
  }
}

bool valid_core_sort(uint8_t b) {
  return b <= 0x04 || (b >= 0x10 && b <= 0x12);
}

}  // namespace

Result<CoreExternType> Parser::core_extern_of(CoreSort sort, uint32_t index) {
  CoreExternType t;
  auto& core = current_->core;
  switch (sort) {
    case CoreSort::Func:
      IRONCLAD_TRY(check_index(index, core.funcs.size(), "core function"));
      t.kind = wasm::ExternKind::Func;
      t.func = core.funcs[index].type;
      return t;
    case CoreSort::Table:
      IRONCLAD_TRY(check_index(index, core.tables.size(), "core table"));
      t.kind = wasm::ExternKind::Table;
      t.table = core.tables[index];
      return t;
    case CoreSort::Memory:
      IRONCLAD_TRY(check_index(index, core.memories.size(), "core memory"));
      t.kind = wasm::ExternKind::Memory;
      t.memory = core.memories[index];
      return t;
    case CoreSort::Global:
      IRONCLAD_TRY(check_index(index, core.globals.size(), "core global"));
      t.kind = wasm::ExternKind::Global;
      t.global = core.globals[index];
      return t;
    case CoreSort::Tag:
      return invalid("core tags (exception handling) are not supported");
    default:
      return invalid(std::string("a ") + to_string(sort) +
                     " cannot be exported from a core instance");
  }
}

Result<void> Parser::core_instance_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("core instance section", "core instance",
             static_cast<uint32_t>(current_->core.instances.size()), r.offset());
    IRONCLAD_TRY(core_instance(r));
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<void> Parser::core_instance(R& r) {
  auto kind = r.u8();
  if (!kind.ok()) return wrap(std::move(kind).error());
  CoreInstanceDef def;
  CoreInstanceInfo info;
  auto& core = current_->core;
  if (*kind == 0x00) {
    def.instantiate = true;
    auto module = r.u32();
    if (!module.ok()) return wrap(std::move(module).error());
    IRONCLAD_TRY(check_index(*module, core.modules.size(), "core module"));
    def.module = *module;
    auto n = r.length();
    if (!n.ok()) return wrap(std::move(n).error());
    std::unordered_set<std::string> names;
    for (uint32_t i = 0; i < *n; ++i) {
      auto name = r.name();
      if (!name.ok()) return wrap(std::move(name).error());
      auto sort = r.u8();
      if (!sort.ok()) return wrap(std::move(sort).error());
      if (*sort != 0x12) return invalid("core instantiation arguments must be core instances");
      auto instance = r.u32();
      if (!instance.ok()) return wrap(std::move(instance).error());
      IRONCLAD_TRY(check_index(*instance, core.instances.size(), "core instance"));
      if (!names.insert(*name).second)
        return invalid("duplicate instantiation argument `" + *name + "`");
      def.args.push_back({std::move(*name), *instance});
    }
    const CoreModuleType& mt = *core.modules[def.module];
    for (const CoreImport& imp : mt.imports) {
      const CoreInstanceDef::Arg* arg = nullptr;
      for (const auto& a : def.args) {
        if (a.name == imp.module) arg = &a;
      }
      if (!arg) {
        return invalid("core module " + std::to_string(def.module) + " imports `" + imp.module +
                       "` `" + imp.field + "`, but no instance is given for `" + imp.module + "`");
      }
      const CoreExport* have = core.instances[arg->instance].find(imp.field);
      if (!have) {
        return invalid("core module " + std::to_string(def.module) + " imports `" + imp.module +
                       "` `" + imp.field + "`, which core instance " +
                       std::to_string(arg->instance) + " does not export");
      }
      if (!core_extern_matches(have->type, imp.type)) {
        return invalid("core module " + std::to_string(def.module) + " imports `" + imp.module +
                       "` `" + imp.field + "` as " + describe(imp.type) + ", but core instance " +
                       std::to_string(arg->instance) + " exports " + describe(have->type));
      }
    }
    info.exports = mt.exports;
  } else if (*kind == 0x01) {
    auto n = r.length();
    if (!n.ok()) return wrap(std::move(n).error());
    for (uint32_t i = 0; i < *n; ++i) {
      auto name = r.name();
      if (!name.ok()) return wrap(std::move(name).error());
      auto sort = r.u8();
      if (!sort.ok()) return wrap(std::move(sort).error());
      if (!valid_core_sort(*sort)) return malformed("invalid core sort " + hex(*sort));
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      IRONCLAD_TRY_ASSIGN(CoreExternType t, core_extern_of(static_cast<CoreSort>(*sort), *index));
      if (info.find(*name)) return invalid("duplicate export `" + *name + "`");
      def.exports.push_back({*name, static_cast<CoreSort>(*sort), *index});
      info.exports.push_back({std::move(*name), std::move(t)});
    }
  } else {
    return malformed("invalid core instance kind " + hex(*kind));
  }
  uint32_t index = static_cast<uint32_t>(current_->core_instances.size());
  core.instances.push_back(std::move(info));
  current_->core_instances.push_back(std::move(def));
  current_->definitions.push_back({Definition::Kind::CoreInstance, index});
  return {};
}

Result<void> Parser::instance_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("instance section", "instance", static_cast<uint32_t>(current_->instance_types.size()),
             r.offset());
    IRONCLAD_TRY(instance(r));
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<void> Parser::instance(R& r) {
  auto kind = r.u8();
  if (!kind.ok()) return wrap(std::move(kind).error());
  InstanceDef def;
  auto read_sortidx = [&](SortIndex& out) -> Result<void> {
    auto sort = r.u8();
    if (!sort.ok()) return wrap(std::move(sort).error());
    if (*sort > 0x05) return malformed("invalid sort " + hex(*sort));
    out.sort = static_cast<Sort>(*sort);
    if (out.sort == Sort::Core) {
      auto core = r.u8();
      if (!core.ok()) return wrap(std::move(core).error());
      if (!valid_core_sort(*core)) return malformed("invalid core sort " + hex(*core));
      out.core = static_cast<CoreSort>(*core);
    }
    auto index = r.u32();
    if (!index.ok()) return wrap(std::move(index).error());
    out.index = *index;
    return {};
  };
  const InstanceType* result = nullptr;
  if (*kind == 0x00) {
    def.instantiate = true;
    auto component = r.u32();
    if (!component.ok()) return wrap(std::move(component).error());
    IRONCLAD_TRY(check_index(*component, current_->component_types.size(), "component"));
    def.component = *component;
    auto n = r.length();
    if (!n.ok()) return wrap(std::move(n).error());
    std::unordered_set<std::string> names;
    for (uint32_t i = 0; i < *n; ++i) {
      auto name = r.name();
      if (!name.ok()) return wrap(std::move(name).error());
      InstanceDef::Item item;
      item.name = std::move(*name);
      IRONCLAD_TRY(read_sortidx(item.item));
      if (!names.insert(item.name).second)
        return invalid("duplicate instantiation argument `" + item.name + "`");
      IRONCLAD_TRY(extern_of(item.item));  // every argument must exist, imported or not
      def.args.push_back(std::move(item));
    }
    const ComponentType& ct = *current_->component_types[def.component];
    TypeArena::ResourceMap bind;
    for (const NamedExtern& imp : ct.imports) {
      const InstanceDef::Item* arg = nullptr;
      for (const auto& a : def.args) {
        if (a.name == imp.name) arg = &a;
      }
      if (!arg) return invalid("missing instantiation argument for import `" + imp.name + "`");
      IRONCLAD_TRY_ASSIGN(ExternType actual, extern_of(arg->item));
      std::string why;
      if (!match_extern(*arena_, actual, imp.type, bind, &why)) {
        return invalid("instantiation argument `" + imp.name +
                       "` does not match the import: " + why);
      }
    }
    // Resources the component defines are generative: fresh for this instance.
    for (const Resource* res : ct.export_resources) {
      if (bind.count(res)) continue;
      Resource* copy = arena_->make_resource(res->name, false);
      copy->interface = res->interface;
      bind[res] = copy;
    }
    InstanceType it;
    for (const NamedExtern& e : ct.exports)
      it.exports.push_back({e.name, arena_->substitute(e.type, bind)});
    result = arena_->make_instance(std::move(it));
  } else if (*kind == 0x01) {
    auto n = r.length();
    if (!n.ok()) return wrap(std::move(n).error());
    InstanceType it;
    std::unordered_set<std::string> keys;
    for (uint32_t i = 0; i < *n; ++i) {
      auto text = read_extern_name(r);
      if (!text.ok()) return wrap(std::move(text).error());
      std::string why;
      auto name = parse_extern_name(*text, &why);
      if (!name) return invalid("export name " + why);
      if (!keys.insert(name->uniqueness_key()).second)
        return invalid("export name `" + *text + "` conflicts with another");
      InstanceDef::Item item;
      item.name = *text;
      IRONCLAD_TRY(read_sortidx(item.item));
      IRONCLAD_TRY_ASSIGN(ExternType t, extern_of(item.item));
      it.exports.push_back({*text, std::move(t)});
      def.exports.push_back(std::move(item));
    }
    result = arena_->make_instance(std::move(it));
  } else {
    return malformed("invalid instance kind " + hex(*kind));
  }
  uint32_t index = static_cast<uint32_t>(current_->instances.size());
  current_->instance_types.push_back(result);
  current_->instances.push_back(std::move(def));
  current_->definitions.push_back({Definition::Kind::Instance, index});
  return {};
}

Result<AliasDef> Parser::read_alias(R& r) {
  AliasDef a;
  auto sort = r.u8();
  if (!sort.ok()) return wrap(std::move(sort).error());
  if (*sort > 0x05) return malformed("invalid sort " + hex(*sort));
  a.sort.sort = static_cast<Sort>(*sort);
  if (a.sort.sort == Sort::Core) {
    auto core = r.u8();
    if (!core.ok()) return wrap(std::move(core).error());
    if (!valid_core_sort(*core)) return malformed("invalid core sort " + hex(*core));
    a.sort.core = static_cast<CoreSort>(*core);
  }
  auto tag = r.u8();
  if (!tag.ok()) return wrap(std::move(tag).error());
  switch (*tag) {
    case 0x00:
    case 0x01: {
      a.kind = *tag == 0x00 ? AliasDef::Kind::Export : AliasDef::Kind::CoreExport;
      if (a.kind == AliasDef::Kind::CoreExport && a.sort.sort != Sort::Core) {
        return invalid("a core export alias must name a core sort");
      }
      if (a.kind == AliasDef::Kind::Export && a.sort.sort == Sort::Core &&
          a.sort.core != CoreSort::Module) {
        return invalid(
            "an export alias of a component instance cannot name a core item other than a module");
      }
      auto instance = r.u32();
      if (!instance.ok()) return wrap(std::move(instance).error());
      a.instance = *instance;
      auto name = r.name();
      if (!name.ok()) return wrap(std::move(name).error());
      a.name = std::move(*name);
      return a;
    }
    case 0x02: {
      a.kind = AliasDef::Kind::Outer;
      auto count = r.u32();
      if (!count.ok()) return wrap(std::move(count).error());
      auto index = r.u32();
      if (!index.ok()) return wrap(std::move(index).error());
      a.outer_count = *count;
      a.outer_index = *index;
      bool allowed = a.sort.sort == Sort::Type || a.sort.sort == Sort::Component ||
                     (a.sort.sort == Sort::Core &&
                      (a.sort.core == CoreSort::Type || a.sort.core == CoreSort::Module));
      if (!allowed)
        return invalid(
            "outer aliases may name only types, components, core types and core modules");
      return a;
    }
  }
  return malformed("invalid alias kind " + hex(*tag));
}

Result<void> Parser::alias_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("alias section", "alias", static_cast<uint32_t>(current_->aliases.size()), r.offset());
    IRONCLAD_TRY(alias(r));
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<void> Parser::alias(R& r) {
  IRONCLAD_TRY_ASSIGN(AliasDef a, read_alias(r));
  Component& c = *current_;
  switch (a.kind) {
    case AliasDef::Kind::Export: {
      IRONCLAD_TRY(check_index(a.instance, c.instance_types.size(), "instance"));
      const NamedExtern* e = c.instance_types[a.instance]->find(a.name);
      if (!e)
        return invalid("instance " + std::to_string(a.instance) + " has no export `" + a.name +
                       "`");
      if (e->type.sort != a.sort.sort ||
          (a.sort.sort == Sort::Core && a.sort.core != CoreSort::Module)) {
        return invalid(
            "export `" + a.name + "` of instance " + std::to_string(a.instance) + " is a " +
            (e->type.sort == Sort::Core ? "core module" : to_string(e->type.sort)) + ", not a " +
            (a.sort.sort == Sort::Core ? to_string(a.sort.core) : to_string(a.sort.sort)));
      }
      IRONCLAD_TRY(push_extern(e->type, a.name));
      break;
    }
    case AliasDef::Kind::CoreExport: {
      IRONCLAD_TRY(check_index(a.instance, c.core.instances.size(), "core instance"));
      const CoreExport* e = c.core.instances[a.instance].find(a.name);
      if (!e)
        return invalid("core instance " + std::to_string(a.instance) + " has no export `" + a.name +
                       "`");
      auto kind = core_kind(a.sort.core);
      if (!kind)
        return invalid(std::string("a ") + to_string(a.sort.core) +
                       " cannot be aliased from a core instance");
      if (e->type.kind != *kind) {
        return invalid("export `" + a.name + "` of core instance " + std::to_string(a.instance) +
                       " is a " + wasm::to_string(e->type.kind) + ", not a " +
                       wasm::to_string(*kind));
      }
      switch (*kind) {
        case wasm::ExternKind::Func:
          c.core.funcs.push_back({e->type.func});
          break;
        case wasm::ExternKind::Table:
          c.core.tables.push_back(e->type.table);
          break;
        case wasm::ExternKind::Memory:
          c.core.memories.push_back(e->type.memory);
          break;
        case wasm::ExternKind::Global:
          c.core.globals.push_back(e->type.global);
          break;
      }
      break;
    }
    case AliasDef::Kind::Outer: {
      if (a.sort.sort == Sort::Type) {
        IRONCLAD_TRY_ASSIGN(TypeDef d, outer_type(a.outer_count, a.outer_index, false, nullptr));
        c.types.push_back(d);
      } else if (a.sort.sort == Sort::Core && a.sort.core == CoreSort::Type) {
        CoreTypeInfo info;
        IRONCLAD_TRY(outer_type(a.outer_count, a.outer_index, true, &info));
        c.core.types.push_back(std::move(info));
      } else {
        if (a.outer_count >= scopes_.size()) {
          return invalid("outer alias count " + std::to_string(a.outer_count) +
                         " exceeds the enclosing scopes");
        }
        Scope& target = scopes_[scopes_.size() - 1 - a.outer_count];
        if (!target.component)
          return invalid("outer aliases of components and modules must name a component");
        if (a.sort.sort == Sort::Component) {
          IRONCLAD_TRY(
              check_index(a.outer_index, target.component->component_types.size(), "component"));
          c.component_types.push_back(target.component->component_types[a.outer_index]);
        } else {
          IRONCLAD_TRY(
              check_index(a.outer_index, target.component->core.modules.size(), "core module"));
          c.core.modules.push_back(target.component->core.modules[a.outer_index]);
        }
      }
      break;
    }
  }
  uint32_t index = static_cast<uint32_t>(c.aliases.size());
  c.aliases.push_back(std::move(a));
  c.definitions.push_back({Definition::Kind::Alias, index});
  return {};
}

}  // namespace ironclad::component
