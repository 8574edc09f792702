// A Zed extension's extension.toml, as Zed's extensions publish it: id, name, version,
// schema_version, description, authors, repository, and the tables of what it provides
// (language servers, grammars, context servers, slash commands, debug adapters) and the
// capabilities it declares. Keys Zed's format has and this host does not use are kept;
// unknown keys are reported as warnings, never fatal (real manifests carry many).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::zed {

struct ZedLanguageServerDecl {
  std::string id;    // the table's key: what language-server-command receives
  std::string name;  // "name" (may be empty)
  std::vector<std::string> languages;  // "language" and "languages" together
};

struct ZedManifest {
  std::filesystem::path dir, file, wasm;
  std::string id, name, version, description, repository;
  int64_t schema_version = 0;
  std::vector<std::string> authors;
  std::vector<ZedLanguageServerDecl> language_servers;
  std::vector<std::string> grammars, context_servers, slash_commands, debug_adapters;
  // Whatever the manifest says under "capabilities" (kept as TOML text per entry).
  std::vector<std::string> declared_capabilities;
  // One line per unknown key, "extension.toml: unknown key 'x'", and per odd value.
  std::vector<std::string> warnings;

  const ZedLanguageServerDecl* find_language_server(const std::string& id) const;
};

// Reads `dir`/extension.toml. Errors name the file, the key and why (Io, Invalid). The
// module is `dir`/extension.wasm; its existence is checked by the loader, not here.
Result<ZedManifest> read_zed_manifest(const std::filesystem::path& dir);

}  // namespace ironclad::zed
