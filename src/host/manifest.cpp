#include "host/manifest.h"

#include <toml++/toml.h>

#include <system_error>

#include "host/bounded_file.h"
#include "host/toml_limits.h"

namespace ironclad::host {
namespace {

// One place builds the "<file>: key '<key>': <problem>" messages.
class Problems {
 public:
  explicit Problems(const std::filesystem::path& file) : file_(file.string()) {}
  Error key(const std::string& key, const std::string& problem) const {
    return Error::make(ErrorKind::Invalid, file_ + ": key '" + key + "': " + problem);
  }
  Error file(const std::string& problem) const {
    return Error::make(ErrorKind::Invalid, file_ + ": " + problem);
  }

 private:
  std::string file_;
};

const char* type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
  }
  return "unknown";
}

Result<toml::table> parse_toml(const std::string& text, const std::filesystem::path& file) {
  auto syntax_error = [&](const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return Error::make(ErrorKind::Invalid, file.string() + ":" + std::to_string(at.line) + ":" +
                                               std::to_string(at.column) + ": " +
                                               std::string(e.description()));
  };
  std::string source = file.string();
#if TOML_EXCEPTIONS
  // toml++ reports syntax errors by throwing here: nothing may escape (invariant 1).
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return syntax_error(e);
  } catch (const std::exception& e) {
    return Error::make(ErrorKind::Invalid, source + ": " + e.what());
  }
#else
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) return syntax_error(parsed.error());
  return std::move(parsed).table();
#endif
}

Result<std::string> required_string(const toml::table& table, const char* key,
                                    const Problems& problems) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return problems.key(key, "missing (it is required)");
  const toml::value<std::string>* s = node->as_string();
  if (s == nullptr)
    return problems.key(key, std::string("expected a string, got ") + type_name(node->type()));
  if (s->get().empty()) return problems.key(key, "must not be empty");
  return s->get();
}

bool valid_id(const std::string& id) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (id.empty() || !lower_or_digit(id[0])) return false;
  for (char c : id)
    if (!lower_or_digit(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

// The module path, which must stay inside the extension directory.
Result<std::filesystem::path> resolve_wasm(const std::string& wasm,
                                           const std::filesystem::path& dir,
                                           const Problems& problems) {
  std::filesystem::path relative(wasm);
  if (relative.is_absolute())
    return problems.key("wasm",
                        "'" + wasm + "' must be a path relative to the extension directory");
  std::filesystem::path joined = (dir / relative).lexically_normal();
  std::filesystem::path base = dir.lexically_normal();
  auto rel = joined.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..")
    return problems.key("wasm", "'" + wasm + "' is outside the extension directory");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(joined, ec))
    return problems.key("wasm", "'" + wasm + "' does not exist in " + dir.string());
  // The lexical check above is not enough: a symlink (to the file, or to a directory on
  // the way) inside the extension directory could lead anywhere. The file's real path,
  // every symlink resolved, must be inside the directory's real path, and it is what the
  // host loads (so a link swapped afterwards changes nothing).
  std::filesystem::path real = std::filesystem::canonical(joined, ec);
  std::error_code dir_ec;
  std::filesystem::path real_dir = std::filesystem::canonical(dir, dir_ec);
  if (ec || dir_ec)
    return problems.key("wasm", "'" + wasm + "' cannot be resolved: " +
                                    (ec ? ec : dir_ec).message());
  auto inside = real.lexically_relative(real_dir);
  if (inside.empty() || *inside.begin() == ".." || *inside.begin() == ".")
    return problems.key("wasm", "'" + wasm + "' leads outside the extension directory (to " +
                                    real.string() + ") through a symbolic link");
  return real;
}

Result<std::vector<ExtensionExportDecl>> read_exports(const toml::table& root,
                                                      const Problems& problems) {
  const toml::node* node = root.get("exports");
  if (node == nullptr)
    return problems.key("exports", "missing (a table naming the exports the extension offers)");
  const toml::table* table = node->as_table();
  if (table == nullptr)
    return problems.key("exports", std::string("expected a table, got ") + type_name(node->type()));
  if (table->empty()) return problems.key("exports", "names no export");
  std::vector<ExtensionExportDecl> exports;
  for (const auto& [name, value] : *table) {
    std::string key = "exports." + std::string(name.str());
    const toml::table* decl = value.as_table();
    if (decl == nullptr)
      return problems.key(key, std::string("expected a table such as { idempotent = true }, got ") +
                                   type_name(value.type()));
    ExtensionExportDecl out;
    out.name = std::string(name.str());
    for (const auto& [field, field_value] : *decl) {
      std::string field_key = key + "." + std::string(field.str());
      if (field.str() != "idempotent")
        return problems.key(field_key, "unknown key (an export knows only 'idempotent')");
      const toml::value<bool>* b = field_value.as_boolean();
      if (b == nullptr)
        return problems.key(
            field_key, std::string("expected a boolean, got ") + type_name(field_value.type()));
      out.idempotent = b->get();
    }
    exports.push_back(std::move(out));
  }
  return exports;
}

}  // namespace

Result<ExtensionManifest> parse_manifest(const std::string& text, const std::filesystem::path& file,
                                         const std::filesystem::path& dir) {
  Problems problems(file);
  if (text.size() > kMaxManifestBytes)
    return problems.file("larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  if (auto too_deep = find_toml_too_deep(text))
    return problems.file(*too_deep + " (a manifest nests 3 levels at most)");
  IRONCLAD_TRY_ASSIGN(toml::table root, parse_toml(text, file));
  for (const auto& [key, value] : root) {
    std::string_view k = key.str();
    if (k != "id" && k != "name" && k != "version" && k != "wasm" && k != "exports")
      return problems.key(std::string(k), "unknown key (known: id, name, version, wasm, exports)");
  }
  ExtensionManifest m;
  m.dir = dir;
  m.file = file;
  IRONCLAD_TRY_ASSIGN(m.id, required_string(root, "id", problems));
  if (!valid_id(m.id))
    return problems.key("id", "'" + m.id +
                                  "' is not a valid id (lowercase letters, digits, '.', '_', '-'; "
                                  "starting with a letter or digit)");
  IRONCLAD_TRY_ASSIGN(m.name, required_string(root, "name", problems));
  IRONCLAD_TRY_ASSIGN(m.version, required_string(root, "version", problems));
  IRONCLAD_TRY_ASSIGN(std::string wasm, required_string(root, "wasm", problems));
  IRONCLAD_TRY_ASSIGN(m.wasm, resolve_wasm(wasm, dir, problems));
  IRONCLAD_TRY_ASSIGN(m.exports, read_exports(root, problems));
  return m;
}

Result<ExtensionManifest> read_manifest(const std::filesystem::path& dir) {
  std::filesystem::path file = dir / kManifestFileName;
  IRONCLAD_TRY_ASSIGN(std::string text, read_bounded_regular_file(file, kMaxManifestBytes));
  return parse_manifest(text, file, dir);
}

Result<void> check_exports(const ExtensionManifest& manifest, const wasm::Module& module) {
  Problems problems(manifest.file);
  for (const ExtensionExportDecl& decl : manifest.exports) {
    const wasm::Export* e = module.find_export(decl.name);
    std::string key = "exports." + decl.name;
    if (e == nullptr)
      return problems.key(key, "the module " + manifest.wasm.filename().string() +
                                   " has no export '" + decl.name + "'");
    if (e->kind != wasm::ExternKind::Func)
      return problems.key(key, "the module's export '" + decl.name + "' is a " +
                                   wasm::to_string(e->kind) + ", not a function");
  }
  return {};
}

}  // namespace ironclad::host

namespace ironclad {

const ExtensionExportDecl* ExtensionManifest::find_export(std::string_view name) const {
  for (const ExtensionExportDecl& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace ironclad
