// The section loop, core modules, nested components, imports and exports.
#include <cstdio>
#include <cstring>

#include "component/loader.h"
#include "component/parser.h"
#include "component/subtype.h"
#include "wasm/decoder.h"
#include "wasm/module_file.h"
#include "wasm/validator.h"

namespace ironclad::component {

namespace {

constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
constexpr uint32_t kMaxNesting = 100;  // nested components and type declarations

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

const char* section_name(uint8_t id) {
  switch (id) {
    case 0:
      return "custom section";
    case 1:
      return "core module section";
    case 2:
      return "core instance section";
    case 3:
      return "core type section";
    case 4:
      return "component section";
    case 5:
      return "instance section";
    case 6:
      return "alias section";
    case 7:
      return "type section";
    case 8:
      return "canon section";
    case 9:
      return "start section";
    case 10:
      return "import section";
    case 11:
      return "export section";
    case 12:
      return "value section";
  }
  return "unknown section";
}

CoreExternType core_extern_from_module(const wasm::Module& m, wasm::ExternKind kind,
                                       uint32_t index) {
  CoreExternType t;
  t.kind = kind;
  switch (kind) {
    case wasm::ExternKind::Func:
      t.func = m.func_type(index);
      break;
    case wasm::ExternKind::Table:
      t.table = m.tables[index];
      break;
    case wasm::ExternKind::Memory:
      t.memory = m.memories[index];
      break;
    case wasm::ExternKind::Global:
      t.global = m.globals[index].type;
      break;
  }
  return t;
}

}  // namespace

const char* to_string(StringEncoding e) {
  switch (e) {
    case StringEncoding::Utf8:
      return "utf8";
    case StringEncoding::Utf16:
      return "utf16";
    case StringEncoding::Latin1Utf16:
      return "latin1+utf16";
  }
  return "?";
}

const CoreExport* CoreInstanceInfo::find(std::string_view name) const {
  for (const CoreExport& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool is_component_binary(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kMagic, 4) == 0 && bytes[6] == 0x01 &&
         bytes[7] == 0x00;
}

Parser::Parser(std::span<const uint8_t> file, std::string file_name)
    : file_(file), file_name_(std::move(file_name)), arena_(std::make_shared<TypeArena>()) {}

Error Parser::invalid(const std::string& what) const {
  return Error::make(ErrorKind::Invalid, file_name_ + ": " + where_ + ": " + what);
}

Error Parser::malformed(const std::string& what) const {
  return Error::make(ErrorKind::Malformed, file_name_ + ": " + where_ + ": " + what);
}

Error Parser::wrap(Error inner) const {
  // Reader errors read "at offset 0x1f: what"; the item's own offset is in where_.
  inner.message = file_name_ + ": " + where_ + ": " + inner.message;
  return inner;
}

void Parser::set_item(const char* section, const char* item, uint32_t index, uint32_t offset) {
  where_ = path_ + ", " + section + ", " + item + " " + std::to_string(index) + " at offset " +
           hex(offset);
}

Result<void> Parser::check_index(uint32_t index, size_t size, const char* what) {
  if (index < size) return {};
  return invalid(std::string(what) + " index out of bounds: " + std::to_string(index) +
                 " (there are " + std::to_string(size) + ")");
}

Result<std::unique_ptr<Component>> Parser::parse(uint32_t begin, uint32_t end, std::string path,
                                                 uint32_t depth) {
  auto c = std::make_unique<Component>();
  c->arena = arena_;
  c->offset = begin;
  c->size = end - begin;
  c->path = path;
  Component* saved_current = current_;
  std::string saved_path = path_, saved_where = where_;
  current_ = c.get();
  path_ = path;
  where_ = path;
  scopes_.push_back(Scope{c.get(), &c->types, &c->core.types});

  auto restore = [&] {
    scopes_.pop_back();
    current_ = saved_current;
    path_ = saved_path;
    where_ = saved_where;
  };

  R r(file_, begin, end);
  if (end - begin < 8) {
    restore();
    return Error::make(ErrorKind::Malformed,
                       file_name_ + ": " + path + ": unexpected end (no component preamble)");
  }
  const uint8_t* p = file_.data() + begin;
  if (std::memcmp(p, kMagic, 4) != 0) {
    restore();
    return Error::make(ErrorKind::Malformed,
                       file_name_ + ": " + path + ": magic header not detected");
  }
  if (p[6] != 0x01 || p[7] != 0x00) {
    restore();
    return Error::make(ErrorKind::Malformed,
                       file_name_ + ": " + path + ": not a component (layer " +
                           std::to_string(p[6] | p[7] << 8) + "; a core module has layer 0)");
  }
  if (p[4] != 0x0d || p[5] != 0x00) {
    restore();
    return Error::make(ErrorKind::Malformed, file_name_ + ": " + path +
                                                 ": unsupported component binary version " +
                                                 hex(p[4] | p[5] << 8) + " (this reads 0xd)");
  }
  (void)r.skip(8);
  while (!r.at_end()) {
    uint32_t section_offset = r.offset();
    where_ = path_ + ", section at offset " + hex(section_offset);
    Result<void> result = [&]() -> Result<void> {
      auto id = r.u8();
      if (!id.ok()) return wrap(std::move(id).error());
      auto size = r.u32();
      if (!size.ok()) return wrap(std::move(size).error());
      where_ = path_ + ", " + section_name(*id) + " at offset " + hex(section_offset);
      if (*size > r.remaining()) {
        return malformed("section size " + std::to_string(*size) +
                         " runs past the end of the component (" + std::to_string(r.remaining()) +
                         " bytes left)");
      }
      R section(file_, r.position(), r.position() + *size);
      IRONCLAD_TRY(parse_section(section, *id, *size, depth));
      return r.skip(*size);
    }();
    if (!result.ok()) {
      restore();
      return std::move(result).error();
    }
  }

  // The component's own type: its imports and exports; the resources its imports introduce
  // are bound by a parent's instantiation arguments, all others in its exports are fresh.
  ComponentType type;
  for (const ImportDef& i : c->imports) {
    type.imports.push_back({i.name.text, i.type});
    if (i.type.sort == Sort::Type && i.type.type_is_sub_resource) {
      type.import_resources.push_back(i.type.type.resource);
    }
    if (i.type.sort == Sort::Instance) {
      for (const Resource* res : i.type.instance->abstract_resources)
        type.import_resources.push_back(res);
    }
  }
  std::vector<const Resource*> exported;
  for (const ExportDef& e : c->exports) {
    type.exports.push_back({e.name.text, e.type});
    collect_resources(e.type, exported);
  }
  for (const Resource* res : exported) {
    bool imported = false;
    for (const Resource* i : type.import_resources) imported |= i == res;
    if (!imported) type.export_resources.push_back(res);
  }
  c->type = arena_->make_component(std::move(type));
  restore();
  return c;
}

Result<void> Parser::parse_section(R& r, uint8_t id, uint32_t size, uint32_t depth) {
  switch (id) {
    case 0: {
      auto name = r.name();
      if (!name.ok()) return wrap(std::move(name).error());
      CustomSectionDef custom;
      custom.name = std::move(*name);
      custom.offset = r.offset();
      custom.size = r.remaining();
      custom.data.assign(file_.data() + r.position(), file_.data() + r.end());
      current_->customs.push_back(std::move(custom));
      return {};
    }
    case 1:
      return core_module_section(r.position(), r.position() + size);
    case 2:
      return core_instance_section(r);
    case 3:
      return core_type_section(r);
    case 4:
      return component_section(r.position(), r.position() + size, depth);
    case 5:
      return instance_section(r);
    case 6:
      return alias_section(r);
    case 7:
      return type_section(r);
    case 8:
      return canon_section(r);
    case 9:
      return invalid("start functions (value definitions, a gated feature) are not supported");
    case 10:
      return import_section(r);
    case 11:
      return export_section(r);
    case 12:
      return invalid("value definitions (a gated feature) are not supported");
  }
  return malformed("unknown section id " + std::to_string(id));
}

Result<void> Parser::core_module_section(uint32_t begin, uint32_t end) {
  uint32_t index = static_cast<uint32_t>(current_->core.modules.size());
  std::string name = "core module " + std::to_string(index);
  std::vector<uint8_t> bytes(file_.begin() + begin, file_.begin() + end);
  auto decoded = wasm::decode_module(std::move(bytes), name);
  auto located = [&](Error e) {
    e.message = file_name_ + ": " + path_ + ", " + e.message + " (" + name +
                " starts at file offset " + hex(begin) + "; offsets above are within it)";
    return e;
  };
  if (!decoded.ok()) return located(std::move(decoded).error());
  auto valid = wasm::validate_module(**decoded, name);
  if (!valid.ok()) return located(std::move(valid).error());
  std::shared_ptr<const wasm::Module> module = std::move(*decoded);

  CoreModuleType type;
  for (const wasm::Import& imp : module->imports) {
    CoreExternType t;
    t.kind = imp.kind;
    switch (imp.kind) {
      case wasm::ExternKind::Func:
        t.func = module->types[imp.func_type_index];
        break;
      case wasm::ExternKind::Table:
        t.table = imp.table;
        break;
      case wasm::ExternKind::Memory:
        t.memory = imp.memory;
        break;
      case wasm::ExternKind::Global:
        t.global = imp.global;
        break;
    }
    type.imports.push_back({imp.module, imp.field, std::move(t)});
  }
  for (const wasm::Export& exp : module->exports) {
    type.exports.push_back({exp.name, core_extern_from_module(*module, exp.kind, exp.index)});
  }
  CoreModuleDef def;
  def.module = module;
  def.offset = begin;
  def.size = end - begin;
  def.name = module->module_name.value_or(name);
  current_->core.modules.push_back(arena_->make_core_module(std::move(type)));
  uint32_t def_index = static_cast<uint32_t>(current_->core_modules.size());
  current_->core_modules.push_back(std::move(def));
  current_->definitions.push_back({Definition::Kind::CoreModule, def_index});
  return {};
}

Result<void> Parser::component_section(uint32_t begin, uint32_t end, uint32_t depth) {
  if (depth + 1 > kMaxNesting) {
    return invalid("components nested deeper than " + std::to_string(kMaxNesting));
  }
  uint32_t index = static_cast<uint32_t>(current_->component_types.size());
  auto nested = parse(begin, end, path_ + " > component " + std::to_string(index), depth + 1);
  if (!nested.ok()) return std::move(nested).error();
  current_->component_types.push_back((*nested)->type);
  uint32_t def_index = static_cast<uint32_t>(current_->components.size());
  current_->components.push_back(std::move(*nested));
  current_->definitions.push_back({Definition::Kind::Component, def_index});
  return {};
}

Result<std::string> Parser::read_extern_name(R& r) {
  auto disc = r.u8();
  if (!disc.ok()) return std::move(disc).error();
  if (*disc > 0x02) return r.error("invalid name discriminant " + hex(*disc));
  auto name = r.name();
  if (!name.ok()) return std::move(name).error();
  if (*disc == 0x02) {
    // Attributes (implements, versionsuffix, external-id): read and ignored by typing.
    auto count = r.length();
    if (!count.ok()) return std::move(count).error();
    bool seen[3] = {false, false, false};
    for (uint32_t i = 0; i < *count; ++i) {
      auto kind = r.u8();
      if (!kind.ok()) return std::move(kind).error();
      if (*kind > 0x02) return r.error("invalid name attribute " + hex(*kind));
      if (seen[*kind]) return r.error("duplicate name attribute");
      seen[*kind] = true;
      auto value = r.name();
      if (!value.ok()) return std::move(value).error();
    }
  }
  return std::move(*name);
}

Result<void> Parser::push_extern(const ExternType& type, const std::string&) {
  switch (type.sort) {
    case Sort::Core:
      current_->core.modules.push_back(type.module);
      break;
    case Sort::Func:
      current_->funcs.push_back(type.func);
      break;
    case Sort::Type:
      current_->types.push_back(type.type);
      break;
    case Sort::Component:
      current_->component_types.push_back(type.component);
      break;
    case Sort::Instance:
      current_->instance_types.push_back(type.instance);
      break;
    case Sort::Value:
      return invalid("value imports and exports (a gated feature) are not supported");
  }
  return {};
}

Result<void> Parser::import_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("import section", "import", static_cast<uint32_t>(current_->imports.size()),
             r.offset());
    IRONCLAD_TRY(import(r));
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<void> Parser::import(R& r) {
  auto text = read_extern_name(r);
  if (!text.ok()) return wrap(std::move(text).error());
  std::string why;
  auto name = parse_extern_name(*text, &why);
  if (!name) return invalid("import name " + why);
  for (const ImportDef& other : current_->imports) {
    if (other.name.uniqueness_key() == name->uniqueness_key()) {
      return invalid("import name `" + *text + "` conflicts with import `" + other.name.text + "`");
    }
  }
  std::string interface = name->kind == ExternName::Kind::Interface ? *text : "";
  std::vector<const Resource*> fresh;
  auto type = read_externtype(r, scopes_.back(), *text, interface, &fresh);
  if (!type.ok()) return std::move(type).error();
  if (name->kind == ExternName::Kind::Constructor || name->kind == ExternName::Kind::Method ||
      name->kind == ExternName::Kind::Static) {
    if (type->sort != Sort::Func) return invalid("`" + *text + "` must be a function");
  }
  IRONCLAD_TRY(push_extern(*type, *text));
  uint32_t index = static_cast<uint32_t>(current_->imports.size());
  current_->imports.push_back({std::move(*name), std::move(*type)});
  current_->definitions.push_back({Definition::Kind::Import, index});
  return {};
}

Result<void> Parser::export_section(R& r) {
  auto count = r.length();
  if (!count.ok()) return wrap(std::move(count).error());
  for (uint32_t i = 0; i < *count; ++i) {
    set_item("export section", "export", static_cast<uint32_t>(current_->exports.size()),
             r.offset());
    IRONCLAD_TRY(export_(r));
  }
  if (!r.at_end()) return wrap(r.error("section size mismatch"));
  return {};
}

Result<void> Parser::export_(R& r) {
  auto text = read_extern_name(r);
  if (!text.ok()) return wrap(std::move(text).error());
  std::string why;
  auto name = parse_extern_name(*text, &why);
  if (!name) return invalid("export name " + why);
  for (const ExportDef& other : current_->exports) {
    if (other.name.uniqueness_key() == name->uniqueness_key()) {
      return invalid("export name `" + *text + "` conflicts with export `" + other.name.text + "`");
    }
  }
  SortIndex item;
  auto sort = r.u8();
  if (!sort.ok()) return wrap(std::move(sort).error());
  if (*sort > 0x05) return wrap(r.error("invalid sort " + hex(*sort)));
  item.sort = static_cast<Sort>(*sort);
  if (item.sort == Sort::Core) {
    auto core = r.u8();
    if (!core.ok()) return wrap(std::move(core).error());
    item.core = static_cast<CoreSort>(*core);
    if (item.core != CoreSort::Module) {
      return invalid("a component can export only core modules among core items, not a " +
                     std::string(to_string(item.core)));
    }
  }
  auto index = r.u32();
  if (!index.ok()) return wrap(std::move(index).error());
  item.index = *index;
  auto inferred = extern_of(item);
  if (!inferred.ok()) return std::move(inferred).error();
  ExternType type = std::move(*inferred);
  auto has_ascription = r.u8();
  if (!has_ascription.ok()) return wrap(std::move(has_ascription).error());
  if (*has_ascription > 1) return wrap(r.error("invalid export type ascription flag"));
  if (*has_ascription == 1) {
    std::vector<const Resource*> fresh;
    auto ascribed = read_externtype(r, scopes_.back(), *text, "", &fresh);
    if (!ascribed.ok()) return std::move(ascribed).error();
    TypeArena::ResourceMap bind;
    std::string mismatch;
    if (!match_extern(*arena_, type, *ascribed, bind, &mismatch)) {
      return invalid("export `" + *text + "`: the ascribed type does not match: " + mismatch);
    }
    type = arena_->substitute(*ascribed, bind);
    if (ascribed->sort == Sort::Type && ascribed->type_is_sub_resource) {
      type = *ascribed;  // a fresh abstract resource hides the definition
    }
  }
  if (type.sort == Sort::Type && type.type.kind == TypeDef::Kind::Value) {
    type.type.value = arena_->named(type.type.value, *text, "");
  }
  if (name->kind == ExternName::Kind::Constructor || name->kind == ExternName::Kind::Method ||
      name->kind == ExternName::Kind::Static) {
    if (type.sort != Sort::Func) return invalid("`" + *text + "` must be a function");
  }
  if (type.sort == Sort::Func && type.func->has_borrow_result) {
    return invalid("export `" + *text + "`: a function result cannot contain a borrow handle");
  }
  IRONCLAD_TRY(push_extern(type, *text));
  uint32_t export_index = static_cast<uint32_t>(current_->exports.size());
  current_->exports.push_back({std::move(*name), item, std::move(type)});
  current_->definitions.push_back({Definition::Kind::Export, export_index});
  return {};
}

Result<ExternType> Parser::extern_of(const SortIndex& item) {
  ExternType t;
  t.sort = item.sort;
  Component& c = *current_;
  switch (item.sort) {
    case Sort::Core:
      if (item.core != CoreSort::Module) return invalid("only core modules can be used here");
      IRONCLAD_TRY(check_index(item.index, c.core.modules.size(), "core module"));
      t.module = c.core.modules[item.index];
      return t;
    case Sort::Func:
      IRONCLAD_TRY(check_index(item.index, c.funcs.size(), "function"));
      t.func = c.funcs[item.index];
      return t;
    case Sort::Type:
      IRONCLAD_TRY(check_index(item.index, c.types.size(), "type"));
      t.type = c.types[item.index];
      return t;
    case Sort::Component:
      IRONCLAD_TRY(check_index(item.index, c.component_types.size(), "component"));
      t.component = c.component_types[item.index];
      return t;
    case Sort::Instance:
      IRONCLAD_TRY(check_index(item.index, c.instance_types.size(), "instance"));
      t.instance = c.instance_types[item.index];
      return t;
    case Sort::Value:
      return invalid("values (a gated feature) are not supported");
  }
  return invalid("unknown sort");
}

Result<std::shared_ptr<const Component>> load_component(std::span<const uint8_t> bytes,
                                                        std::string_view name_for_errors) {
  if (bytes.size() > UINT32_MAX) {
    return Error::make(ErrorKind::Malformed, std::string(name_for_errors) + ": larger than 4 GiB");
  }
  Parser parser(bytes, std::string(name_for_errors));
  auto c = parser.parse(0, static_cast<uint32_t>(bytes.size()), "component", 0);
  if (!c.ok()) return std::move(c).error();
  return std::shared_ptr<const Component>(std::move(*c));
}

Result<std::shared_ptr<const Component>> load_component_file(const std::string& path) {
  auto bytes = wasm::read_file_bytes(path);
  if (!bytes.ok()) return std::move(bytes).error();
  return load_component(*bytes, path);
}

}  // namespace ironclad::component
