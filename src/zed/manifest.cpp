#include "zed/manifest.h"

#include <toml++/toml.h>

#include <set>
#include <sstream>

#include "host/bounded_file.h"
#include "host/toml_limits.h"

namespace ironclad::zed {
namespace {

Result<toml::table> parse(const std::string& text, const std::string& file) {
  auto syntax_error = [&](const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return Error::make(ErrorKind::Invalid, file + ":" + std::to_string(at.line) + ":" +
                                               std::to_string(at.column) + ": " +
                                               std::string(e.description()));
  };
#if TOML_EXCEPTIONS
  // toml++ throws on syntax errors here: nothing may escape (invariant 1).
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return syntax_error(e);
  } catch (const std::exception& e) {
    return Error::make(ErrorKind::Invalid, file + ": " + e.what());
  }
#else
  toml::parse_result parsed = toml::parse(text, file);
  if (!parsed) return syntax_error(parsed.error());
  return std::move(parsed).table();
#endif
}

// Top-level keys of Zed's extension.toml (crates/extension/src/extension_manifest.rs):
// the ones this host reads and the ones it accepts without using.
const std::set<std::string, std::less<>> kKnownKeys = {
    "id", "name", "version", "schema_version", "description", "authors", "repository",
    "lib", "themes", "icon_themes", "languages", "grammars", "language_servers",
    "context_servers", "agent_servers", "slash_commands", "indexed_docs_providers",
    "snippets", "capabilities", "debug_adapters", "debug_locators", "provides"};

std::vector<std::string> table_keys(const toml::node* node) {
  std::vector<std::string> keys;
  if (const toml::table* t = node ? node->as_table() : nullptr)
    for (const auto& [k, v] : *t) keys.emplace_back(k.str());
  return keys;
}

std::vector<std::string> strings_of(const toml::node* node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (auto s = node->value<std::string>()) out.push_back(*s);
  if (const toml::array* a = node->as_array())
    for (const toml::node& n : *a)
      if (auto s = n.value<std::string>()) out.push_back(*s);
  return out;
}

}  // namespace

const ZedLanguageServerDecl* ZedManifest::find_language_server(const std::string& server) const {
  for (const ZedLanguageServerDecl& s : language_servers)
    if (s.id == server) return &s;
  return nullptr;
}

Result<ZedManifest> read_zed_manifest(const std::filesystem::path& dir) {
  ZedManifest m;
  m.dir = dir;
  m.file = dir / "extension.toml";
  m.wasm = dir / "extension.wasm";
  const std::string file = m.file.string();
  IRONCLAD_TRY_ASSIGN(std::string text,
                      host::read_bounded_regular_file(m.file, host::kMaxManifestBytes));
  if (auto deep = host::find_toml_too_deep(text))
    return Error::make(ErrorKind::Invalid, file + ": " + *deep);
  IRONCLAD_TRY_ASSIGN(toml::table root, parse(text, file));

  auto string_key = [&](const char* key, bool required) -> Result<std::string> {
    const toml::node* n = root.get(key);
    if (!n) {
      if (required)
        return Error::make(ErrorKind::Invalid, file + ": missing key '" + key + "'");
      return std::string();
    }
    auto s = n->value<std::string>();
    if (!s) return Error::make(ErrorKind::Invalid, file + ": key '" + key + "' must be a string");
    return *s;
  };
  IRONCLAD_TRY_ASSIGN(m.id, string_key("id", true));
  if (m.id.empty()) return Error::make(ErrorKind::Invalid, file + ": key 'id' is empty");
  IRONCLAD_TRY_ASSIGN(m.name, string_key("name", true));
  IRONCLAD_TRY_ASSIGN(m.version, string_key("version", true));
  IRONCLAD_TRY_ASSIGN(m.description, string_key("description", false));
  IRONCLAD_TRY_ASSIGN(m.repository, string_key("repository", false));
  if (const toml::node* n = root.get("schema_version")) {
    auto v = n->value<int64_t>();
    if (!v) return Error::make(ErrorKind::Invalid, file + ": key 'schema_version' must be an integer");
    m.schema_version = *v;
  }
  m.authors = strings_of(root.get("authors"));

  if (const toml::table* servers = root["language_servers"].as_table()) {
    for (const auto& [key, value] : *servers) {
      ZedLanguageServerDecl decl;
      decl.id = std::string(key.str());
      if (const toml::table* t = value.as_table()) {
        decl.name = t->get("name") ? t->get("name")->value_or(std::string()) : "";
        decl.languages = strings_of(t->get("language"));
        for (std::string& l : strings_of(t->get("languages"))) decl.languages.push_back(l);
      } else {
        m.warnings.push_back(file + ": language_servers." + decl.id + " is not a table");
      }
      m.language_servers.push_back(std::move(decl));
    }
  }
  m.grammars = table_keys(root.get("grammars"));
  m.context_servers = table_keys(root.get("context_servers"));
  m.slash_commands = table_keys(root.get("slash_commands"));
  m.debug_adapters = table_keys(root.get("debug_adapters"));
  if (const toml::array* caps = root["capabilities"].as_array()) {
    for (const toml::node& c : *caps) {
      std::ostringstream out;
      if (const toml::table* t = c.as_table()) out << toml::json_formatter(*t);
      m.declared_capabilities.push_back(out.str());
    }
  }
  for (const auto& [key, value] : root) {
    if (!kKnownKeys.count(key.str()))
      m.warnings.push_back(file + ": unknown key '" + std::string(key.str()) + "' (kept, unused)");
  }
  return m;
}

}  // namespace ironclad::zed
