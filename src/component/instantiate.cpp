// Instantiation: each definition of a component, in binary order, appends its run-time value
// to an index space, exactly as validation appended its static type; so run-time index k of
// a space always corresponds to static index k, and static resource types are bound to
// run-time ones as they are introduced (defined, imported, aliased, instantiated).
#include "component/instance.h"
#include "component/linker_impl.h"

namespace ironclad::component {

namespace {

runtime::Extern core_extern(const InstanceState& s, CoreSort sort, uint32_t index) {
  runtime::Extern e;
  switch (sort) {
    case CoreSort::Func:
      e.kind = wasm::ExternKind::Func;
      e.func = s.core_funcs[index];
      break;
    case CoreSort::Table:
      e.kind = wasm::ExternKind::Table;
      e.table = s.core_tables[index];
      break;
    case CoreSort::Memory:
      e.kind = wasm::ExternKind::Memory;
      e.memory = s.core_memories[index];
      break;
    case CoreSort::Global:
      e.kind = wasm::ExternKind::Global;
      e.global = s.core_globals[index];
      break;
    default:
      break;
  }
  return e;
}

// Binds the static resources of an instance type to the run-time ones of an instance.
void bind_resources(InstanceState& s, const InstanceType& type, const RtInstance& rt) {
  for (const NamedExtern& e : type.exports) {
    const RtItem* item = rt.find(e.name);
    if (!item) continue;
    if (e.type.sort == Sort::Type && e.type.type.kind == TypeDef::Kind::Resource &&
        item->resource) {
      s.resources[e.type.type.resource] = item->resource;
    } else if (e.type.sort == Sort::Instance && item->instance) {
      bind_resources(s, *e.type.instance, *item->instance);
    }
  }
}

}  // namespace

struct ComponentInstanceImpl::Instantiator {
  ComponentInstanceImpl& impl;
  const ComponentLinker::Impl& linker;

  Error internal(const InstanceState& s, const std::string& what) {
    return Error::make(ErrorKind::Internal, s.path + ": " + what);
  }

  RtItem item_of(InstanceState& s, const SortIndex& si) {
    RtItem item;
    item.sort = si.sort;
    switch (si.sort) {
      case Sort::Func:
        item.func = s.funcs[si.index];
        break;
      case Sort::Instance:
        item.instance = s.instances[si.index];
        break;
      case Sort::Type:
        item.resource = s.types[si.index];
        break;
      case Sort::Component:
        item = s.components[si.index];
        break;
      case Sort::Core:
        item.module = s.core_modules[si.index];
        break;
      case Sort::Value:
        break;
    }
    return item;
  }

  void push_item(InstanceState& s, const RtItem& item) {
    switch (item.sort) {
      case Sort::Func:
        s.funcs.push_back(item.func);
        break;
      case Sort::Instance:
        s.instances.push_back(item.instance);
        break;
      case Sort::Type:
        s.types.push_back(item.resource);
        break;
      case Sort::Component:
        s.components.push_back(item);
        break;
      case Sort::Core:
        s.core_modules.push_back(item.module);
        break;
      case Sort::Value:
        break;
    }
  }

  // The host's item for a top-level import (checked to exist by check_imports).
  Result<RtItem> host_import(InstanceState& s, const ImportDef& imp) {
    RtItem item;
    item.sort = imp.type.sort;
    const std::string& name = imp.name.text;
    switch (imp.type.sort) {
      case Sort::Func: {
        const auto* top = linker.find("");
        auto f = std::make_shared<ComponentFunc>();
        f->type = imp.type.func;
        f->name = name;
        auto it = top ? top->functions.find(name) : decltype(top->functions.end()){};
        if (top && it != top->functions.end()) {
          f->host = &it->second;
        } else {
          f->missing = true;
        }
        item.func = f;
        return item;
      }
      case Sort::Type: {
        if (!imp.type.type_is_sub_resource) return item;  // (eq T): nothing to provide
        const auto* top = linker.find("");
        auto it = top ? top->resources.find(name) : decltype(top->resources.end()){};
        if (!top || it == top->resources.end())
          return internal(s, "resource `" + name + "` vanished");
        item.resource = it->second.get();
        return item;
      }
      case Sort::Instance: {
        const auto* iface = linker.find(name);
        auto rt = std::make_shared<RtInstance>();
        for (const NamedExtern& e : imp.type.instance->exports) {
          RtItem x;
          x.sort = e.type.sort;
          if (e.type.sort == Sort::Func) {
            auto f = std::make_shared<ComponentFunc>();
            f->type = e.type.func;
            f->name = name + "#" + e.name;
            auto it = iface ? iface->functions.find(e.name) : decltype(iface->functions.end()){};
            if (iface && it != iface->functions.end()) {
              f->host = &it->second;
            } else {
              f->missing = true;
            }
            x.func = f;
          } else if (e.type.sort == Sort::Type && e.type.type.kind == TypeDef::Kind::Resource &&
                     !e.type.type_is_sub_resource) {
            // `(eq T)` of a resource bound earlier (another interface's, aliased in).
            x.resource = s.resource(e.type.type.resource);
          } else if (e.type.sort == Sort::Type && e.type.type.kind == TypeDef::Kind::Resource) {
            auto it = iface ? iface->resources.find(e.name) : decltype(iface->resources.end()){};
            if (iface && it != iface->resources.end()) {
              x.resource = it->second.get();
            } else {
              // An allowed-missing interface: a resource of its own that nothing can make.
              auto r = std::make_unique<RuntimeResource>(name, e.name);
              x.resource = r.get();
              impl.resources_.push_back(std::move(r));
            }
          }
          rt->exports.push_back({e.name, std::move(x)});
        }
        item.instance = rt;
        return item;
      }
      default:
        return Error::make(ErrorKind::Link,
                           "import `" + name + "`: the host cannot provide a " +
                               (imp.type.sort == Sort::Core ? std::string("core module")
                                                            : to_string(imp.type.sort)));
    }
  }

  // Every top-level import the linker does not provide, named at once.
  Result<void> check_imports(const Component& c) {
    std::vector<std::string> missing;
    const auto* top = linker.find("");
    for (const ImportDef& imp : c.imports) {
      const std::string& name = imp.name.text;
      switch (imp.type.sort) {
        case Sort::Func:
          if ((!top || !top->functions.count(name)) && !linker.missing_allowed(name))
            missing.push_back(name);
          break;
        case Sort::Type:
          if (imp.type.type_is_sub_resource && (!top || !top->resources.count(name)))
            missing.push_back(name + " (resource)");
          break;
        case Sort::Instance: {
          // An interface whose imported part is only types needs nothing from the host.
          const auto* iface = linker.find(name);
          if (linker.missing_allowed(name)) break;
          for (const NamedExtern& e : imp.type.instance->exports) {
            if (e.type.sort == Sort::Func && (!iface || !iface->functions.count(e.name))) {
              missing.push_back(name + "#" + e.name);
            } else if (e.type.sort == Sort::Type && e.type.type_is_sub_resource &&
                       (!iface || !iface->resources.count(e.name))) {
              missing.push_back(name + "#" + e.name + " (resource)");
            } else if (e.type.sort == Sort::Instance || e.type.sort == Sort::Component ||
                       e.type.sort == Sort::Core) {
              missing.push_back(name + "#" + e.name + " (a nested " + to_string(e.type.sort) + ")");
            }
          }
          break;
        }
        default:
          missing.push_back(
              name + " (a " +
              std::string(imp.type.sort == Sort::Core ? "core module" : to_string(imp.type.sort)) +
              ")");
      }
    }
    if (missing.empty()) return {};
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Error::make(ErrorKind::Link,
                       "the component imports what the host does not provide: " + list);
  }

  Result<void> run(InstanceState& s, const std::vector<std::pair<std::string, RtItem>>* args) {
    const Component& c = *s.def;
    runtime::Store& store = *impl.store_;
    for (const Definition& d : c.definitions) {
      switch (d.kind) {
        case Definition::Kind::CoreModule:
          s.core_modules.push_back(c.core_modules[d.index].module);
          break;
        case Definition::Kind::CoreType:
          break;
        case Definition::Kind::Component: {
          RtItem item;
          item.sort = Sort::Component;
          item.component = c.components[d.index].get();
          item.component_env = &s;
          s.components.push_back(item);
          break;
        }
        case Definition::Kind::CoreInstance: {
          const CoreInstanceDef& def = c.core_instances[d.index];
          CoreInstanceRt rt;
          if (def.instantiate) {
            std::shared_ptr<const wasm::Module> module = s.core_modules[def.module];
            std::vector<runtime::Extern> imports;
            for (const wasm::Import& imp : module->imports) {
              const CoreInstanceDef::Arg* arg = nullptr;
              for (const auto& a : def.args) {
                if (a.name == imp.module) arg = &a;
              }
              std::optional<runtime::Extern> e;
              if (arg) e = s.core_instances[arg->instance].find(imp.field);
              if (!e)
                return internal(
                    s, "core import `" + imp.module + "` `" + imp.field + "` has no value");
              imports.push_back(*e);
            }
            IRONCLAD_TRY_ASSIGN(rt.instance, store.instantiate(module, imports));
          } else {
            for (const auto& e : def.exports)
              rt.exports.push_back({e.name, core_extern(s, e.sort, e.index)});
          }
          s.core_instances.push_back(std::move(rt));
          break;
        }
        case Definition::Kind::Instance: {
          const InstanceDef& def = c.instances[d.index];
          const InstanceType* static_type = c.instance_types[s.instances.size()];
          auto rt = std::make_shared<RtInstance>();
          if (def.instantiate) {
            const RtItem& comp = s.components[def.component];
            std::vector<std::pair<std::string, RtItem>> child_args;
            for (const auto& a : def.args) child_args.push_back({a.name, item_of(s, a.item)});
            auto child = std::make_unique<InstanceState>();
            child->def = comp.component;
            child->parent = &s;
            child->env = comp.component_env;
            child->path = s.path + " > instance " + std::to_string(s.instances.size());
            InstanceState* raw = child.get();
            impl.states_.push_back(std::move(child));
            IRONCLAD_TRY(run(*raw, &child_args));
            *rt = raw->exports;
          } else {
            for (const auto& e : def.exports) rt->exports.push_back({e.name, item_of(s, e.item)});
          }
          bind_resources(s, *static_type, *rt);
          s.instances.push_back(rt);
          break;
        }
        case Definition::Kind::Alias:
          IRONCLAD_TRY(alias(s, c.aliases[d.index]));
          break;
        case Definition::Kind::Type: {
          const TypeDef& def = c.type_defs[d.index];
          if (def.kind != TypeDef::Kind::Resource) {
            s.types.push_back(nullptr);
            break;
          }
          std::string name = "resource";
          for (const ExportDef& e : c.exports) {
            if (e.type.sort == Sort::Type && e.item.index == s.types.size()) name = e.name.text;
          }
          auto r = std::make_unique<RuntimeResource>("", name);
          r->impl = &s;
          if (def.resource->dtor) r->dtor = s.core_funcs[*def.resource->dtor];
          s.resources[def.resource] = r.get();
          s.types.push_back(r.get());
          impl.resources_.push_back(std::move(r));
          break;
        }
        case Definition::Kind::Canon:
          IRONCLAD_TRY(canon(s, c.canons[d.index]));
          break;
        case Definition::Kind::Import: {
          const ImportDef& imp = c.imports[d.index];
          RtItem item;
          if (args) {
            const RtItem* found = nullptr;
            for (const auto& [n, it] : *args) {
              if (n == imp.name.text) found = &it;
            }
            if (!found) return internal(s, "no argument for import `" + imp.name.text + "`");
            item = *found;
          } else {
            IRONCLAD_TRY_ASSIGN(item, host_import(s, imp));
          }
          item.sort = imp.type.sort;
          if (imp.type.sort == Sort::Type) {
            if (imp.type.type.kind == TypeDef::Kind::Resource) {
              if (!imp.type.type_is_sub_resource)
                item.resource = s.resource(imp.type.type.resource);
              if (item.resource) s.resources[imp.type.type.resource] = item.resource;
            } else {
              item.resource = nullptr;
            }
          }
          if (imp.type.sort == Sort::Instance && item.instance)
            bind_resources(s, *imp.type.instance, *item.instance);
          push_item(s, item);
          break;
        }
        case Definition::Kind::Export: {
          const ExportDef& exp = c.exports[d.index];
          RtItem item = item_of(s, exp.item);
          if (exp.type.sort == Sort::Type && exp.type.type.kind == TypeDef::Kind::Resource &&
              item.resource) {
            s.resources[exp.type.type.resource] = item.resource;
          }
          if (exp.type.sort == Sort::Instance && item.instance)
            bind_resources(s, *exp.type.instance, *item.instance);
          s.exports.exports.push_back({exp.name.text, item});
          push_item(s, item);
          break;
        }
      }
    }
    return {};
  }

  Result<void> alias(InstanceState& s, const AliasDef& a) {
    switch (a.kind) {
      case AliasDef::Kind::Export: {
        const RtItem* item = s.instances[a.instance]->find(a.name);
        if (!item)
          return internal(
              s, "instance " + std::to_string(a.instance) + " has no export `" + a.name + "`");
        RtItem copy = *item;
        copy.sort = a.sort.sort;
        push_item(s, copy);
        return {};
      }
      case AliasDef::Kind::CoreExport: {
        auto e = s.core_instances[a.instance].find(a.name);
        if (!e)
          return internal(
              s, "core instance " + std::to_string(a.instance) + " has no export `" + a.name + "`");
        switch (e->kind) {
          case wasm::ExternKind::Func:
            s.core_funcs.push_back(e->func);
            break;
          case wasm::ExternKind::Table:
            s.core_tables.push_back(e->table);
            break;
          case wasm::ExternKind::Memory:
            s.core_memories.push_back(e->memory);
            break;
          case wasm::ExternKind::Global:
            s.core_globals.push_back(e->global);
            break;
        }
        return {};
      }
      case AliasDef::Kind::Outer: {
        InstanceState* target = &s;
        for (uint32_t k = 0; k < a.outer_count && target; ++k) target = target->env;
        if (!target) return internal(s, "outer alias beyond the root");
        if (a.sort.sort == Sort::Type) {
          s.types.push_back(target->types[a.outer_index]);
        } else if (a.sort.sort == Sort::Component) {
          s.components.push_back(target->components[a.outer_index]);
        } else if (a.sort.sort == Sort::Core && a.sort.core == CoreSort::Module) {
          s.core_modules.push_back(target->core_modules[a.outer_index]);
        }
        return {};
      }
    }
    return {};
  }

  Result<void> canon(InstanceState& s, const CanonDef& def) {
    RtOptions o;
    o.encoding = def.options.encoding;
    if (def.options.memory) o.memory = s.core_memories[*def.options.memory];
    if (def.options.realloc) o.realloc = s.core_funcs[*def.options.realloc];
    if (def.options.post_return) o.post_return = s.core_funcs[*def.options.post_return];
    switch (def.kind) {
      case CanonDef::Kind::Lift: {
        auto f = std::make_shared<ComponentFunc>();
        f->type = def.type;
        f->instance = &s;
        f->core = s.core_funcs[def.func];
        f->options = o;
        f->name = s.path + " func " + std::to_string(s.funcs.size());
        for (const ExportDef& e : s.def->exports) {
          if (e.item.sort == Sort::Func && e.item.index == s.funcs.size()) f->name = e.name.text;
        }
        s.funcs.push_back(f);
        return {};
      }
      case CanonDef::Kind::Lower:
        s.core_funcs.push_back(impl.make_lowered(s, s.funcs[def.func], def, o));
        return {};
      default:
        if (!s.resource(def.resource)) return internal(s, "resource of a built-in is not bound");
        s.core_funcs.push_back(impl.make_resource_builtin(s, def));
        return {};
    }
  }
};

Result<std::unique_ptr<ComponentInstanceImpl>> ComponentInstanceImpl::create(
    std::shared_ptr<const Component> component, const ComponentLinker& linker,
    std::unique_ptr<runtime::Store> store) {
  std::unique_ptr<ComponentInstanceImpl> impl(new ComponentInstanceImpl());
  impl->component_ = std::move(component);
  impl->linker_ = &linker;
  impl->store_ = std::move(store);
  auto root = std::make_unique<InstanceState>();
  root->def = impl->component_.get();
  root->path = "component";
  InstanceState* raw = root.get();
  impl->states_.push_back(std::move(root));
  Instantiator inst{*impl, linker.impl()};
  IRONCLAD_TRY(inst.check_imports(*impl->component_));
  IRONCLAD_TRY(inst.run(*raw, nullptr));
  return impl;
}

ComponentInstanceImpl::~ComponentInstanceImpl() = default;

}  // namespace ironclad::component
