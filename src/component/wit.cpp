#include "component/wit.h"

#include <map>
#include <set>

namespace ironclad::component {

std::string wit_type(const ValType* t) {
  if (!t) return "_";
  if (!t->name.empty()) return t->name;
  auto join = [](const std::vector<std::string>& parts) {
    std::string s;
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    return s;
  };
  switch (t->kind) {
    case TypeKind::List:
      return "list<" + wit_type(t->elem) + ">";
    case TypeKind::Option:
      return "option<" + wit_type(t->elem) + ">";
    case TypeKind::Result:
      if (!t->elem && !t->err) return "result";
      if (!t->err) return "result<" + wit_type(t->elem) + ">";
      return "result<" + wit_type(t->elem) + ", " + wit_type(t->err) + ">";
    case TypeKind::Own:
      return t->resource->name.empty() ? "own<_>" : t->resource->name;
    case TypeKind::Borrow:
      return "borrow<" + t->resource->name + ">";
    case TypeKind::Tuple: {
      std::vector<std::string> parts;
      for (const Field& f : t->fields) parts.push_back(wit_type(f.type));
      return "tuple<" + join(parts) + ">";
    }
    case TypeKind::Record:
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Flags:
      // Anonymous only in invalid exports; say what it is.
      return describe(t);
    default:
      return to_string(t->kind);
  }
}

std::string wit_func(const FuncType& f, bool skip_self) {
  std::string s = "func(";
  bool first = true;
  for (size_t i = skip_self ? 1 : 0; i < f.params.size(); ++i) {
    if (!first) s += ", ";
    first = false;
    s += f.params[i].name + ": " + wit_type(f.params[i].type);
  }
  s += ")";
  if (f.result) s += " -> " + wit_type(f.result);
  return s;
}

namespace {

// Where each index of the top-level type and instance index spaces came from.
struct Origin {
  enum class Kind : uint8_t { Local, InstanceExport, Import, Export, Outer };
  Kind kind = Kind::Local;
  uint32_t instance = 0;  // InstanceExport
  std::string name;       // InstanceExport: the export's name; Import/Export: the name
};

struct Origins {
  std::vector<Origin> types;
  std::vector<std::string> instance_interface;  // per instance index: the import name, or ""
};

Origins trace(const Component& c) {
  Origins o;
  for (const Definition& d : c.definitions) {
    switch (d.kind) {
      case Definition::Kind::Type:
        o.types.push_back({});
        break;
      case Definition::Kind::Alias: {
        const AliasDef& a = c.aliases[d.index];
        if (a.sort.sort == Sort::Type) {
          if (a.kind == AliasDef::Kind::Export) {
            o.types.push_back({Origin::Kind::InstanceExport, a.instance, a.name});
          } else {
            o.types.push_back({Origin::Kind::Outer, 0, ""});
          }
        } else if (a.sort.sort == Sort::Instance) {
          o.instance_interface.push_back("");
        }
        break;
      }
      case Definition::Kind::Import: {
        const ImportDef& i = c.imports[d.index];
        if (i.type.sort == Sort::Type) o.types.push_back({Origin::Kind::Import, 0, i.name.text});
        if (i.type.sort == Sort::Instance) o.instance_interface.push_back(i.name.text);
        break;
      }
      case Definition::Kind::Export: {
        const ExportDef& e = c.exports[d.index];
        if (e.type.sort == Sort::Type) o.types.push_back({Origin::Kind::Export, 0, e.name.text});
        if (e.type.sort == Sort::Instance) o.instance_interface.push_back("");
        break;
      }
      case Definition::Kind::Instance:
        o.instance_interface.push_back("");
        break;
      default:
        break;
    }
  }
  return o;
}

std::string type_definition(const std::string& name, const ValType* t) {
  std::string s;
  auto body = [&](const char* keyword, const std::vector<std::string>& items) {
    s = std::string("  ") + keyword + " " + name + " {\n";
    for (const std::string& i : items) s += "    " + i + ",\n";
    s += "  }\n";
  };
  std::vector<std::string> items;
  switch (t->kind) {
    case TypeKind::Record:
      for (const Field& f : t->fields) items.push_back(f.name + ": " + wit_type(f.type));
      body("record", items);
      return s;
    case TypeKind::Variant:
      for (const Case& c : t->cases)
        items.push_back(c.type ? c.name + "(" + wit_type(c.type) + ")" : c.name);
      body("variant", items);
      return s;
    case TypeKind::Enum:
      body("enum", t->labels);
      return s;
    case TypeKind::Flags:
      body("flags", t->labels);
      return s;
    default: {
      // An alias of another type: print what it stands for without this node's own name.
      ValType unnamed = *t;
      unnamed.name.clear();
      return "  type " + name + " = " + wit_type(&unnamed) + ";\n";
    }
  }
}

}  // namespace

std::string world_wit(const Component& c) {
  Origins origins = trace(c);
  std::string out = "package root:component;\n\nworld root {\n";

  // Interface imports.
  for (const ImportDef& i : c.imports) {
    if (i.type.sort == Sort::Instance) {
      if (i.name.kind == ExternName::Kind::Interface) {
        out += "  import " + i.name.text + ";\n";
      } else {
        out += "  import " + i.name.text + ": interface {\n";
        for (const NamedExtern& e : i.type.instance->exports) {
          if (e.type.sort == Sort::Func)
            out += "    " + e.name + ": " + wit_func(*e.type.func) + ";\n";
        }
        out += "  }\n";
      }
    }
  }

  // Types imported at the top level: from interfaces (`use`) or defined here.
  std::vector<std::pair<std::string, std::vector<std::string>>> uses;  // interface -> names
  std::vector<std::string> definitions;
  // Functions of resources, by resource name, in import order.
  std::map<std::string, std::vector<std::string>> resource_members;
  for (const ImportDef& i : c.imports) {
    if (i.type.sort != Sort::Func) continue;
    const ExternName& n = i.name;
    const FuncType& f = *i.type.func;
    if (n.kind == ExternName::Kind::Method) {
      resource_members[n.resource].push_back("    " + n.member + ": " + wit_func(f, true) + ";\n");
    } else if (n.kind == ExternName::Kind::Static) {
      resource_members[n.resource].push_back("    " + n.member + ": static " + wit_func(f) + ";\n");
    } else if (n.kind == ExternName::Kind::Constructor) {
      std::string params = wit_func(f);
      params = params.substr(4, params.find(')') - 3);  // "(a: t, ...)"
      resource_members[n.resource].push_back("    constructor" + params + ";\n");
    }
  }
  for (const ImportDef& i : c.imports) {
    if (i.type.sort != Sort::Type) continue;
    if (i.type.type_is_sub_resource) {
      auto it = resource_members.find(i.name.text);
      if (it == resource_members.end() || it->second.empty()) {
        definitions.push_back("  resource " + i.name.text + ";\n");
      } else {
        std::string s = "  resource " + i.name.text + " {\n";
        for (const std::string& m : it->second) s += m;
        definitions.push_back(s + "  }\n");
      }
      continue;
    }
    const Origin* origin =
        i.type.eq_index < origins.types.size() ? &origins.types[i.type.eq_index] : nullptr;
    if (origin && origin->kind == Origin::Kind::InstanceExport &&
        origin->instance < origins.instance_interface.size() &&
        !origins.instance_interface[origin->instance].empty()) {
      const std::string& iface = origins.instance_interface[origin->instance];
      std::string item =
          origin->name == i.name.text ? origin->name : origin->name + " as " + i.name.text;
      auto u = uses.begin();
      while (u != uses.end() && u->first != iface) ++u;
      if (u == uses.end()) {
        uses.push_back({iface, {}});
        u = uses.end() - 1;
      }
      u->second.push_back(item);
      continue;
    }
    if (i.type.type.kind == TypeDef::Kind::Value) {
      definitions.push_back(type_definition(i.name.text, i.type.type.value));
    }
  }
  for (const auto& [iface, names] : uses) {
    out += "  use " + iface + ".{";
    for (size_t k = 0; k < names.size(); ++k) out += (k ? ", " : "") + names[k];
    out += "};\n";
  }
  for (const std::string& d : definitions) out += "\n" + d;

  // Plain function imports.
  for (const ImportDef& i : c.imports) {
    if (i.type.sort == Sort::Func && i.name.kind == ExternName::Kind::Label) {
      out += "  import " + i.name.text + ": " + wit_func(*i.type.func) + ";\n";
    }
  }

  bool any_export = false;
  for (const ExportDef& e : c.exports) {
    if (e.type.sort != Sort::Func && e.type.sort != Sort::Instance) continue;
    if (!any_export) out += "\n";
    any_export = true;
    if (e.type.sort == Sort::Func) {
      out += "  export " + e.name.text + ": " + wit_func(*e.type.func) + ";\n";
    } else if (e.name.kind == ExternName::Kind::Interface) {
      out += "  export " + e.name.text + ";\n";
    } else {
      out += "  export " + e.name.text + ": interface {\n";
      for (const NamedExtern& x : e.type.instance->exports) {
        if (x.type.sort == Sort::Func)
          out += "    " + x.name + ": " + wit_func(*x.type.func) + ";\n";
      }
      out += "  }\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace ironclad::component
