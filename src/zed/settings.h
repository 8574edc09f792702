// get-settings: what Zed answers an extension, from a settings JSON the embedder passes
// (Zed's own settings.json shape: {"lsp": {ID: {...}}, "context_servers": {ID: {...}},
// "languages": {NAME: {...}}}). Zed answers with these serde shapes (wit/since_v*/settings.rs):
//   "lsp"             {"binary": {"path","arguments","env"}|null, "initialization_options",
//                      "settings"}
//   "context_servers" {"command": {...}|null, "settings"}
//   "language"        {"tab_size", "hard_tabs", "preferred_line_length"}
// An extension's deserializer ignores fields it does not know, so one shape serves every
// world version.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ironclad/error.h"

namespace ironclad::zed {

// The JSON text the extension gets, or an error string (unknown category).
Result<std::string> settings_for(const nlohmann::json& settings, const std::string& category,
                                 const std::optional<std::string>& key);

// Reads a settings file (JSON; comments are accepted, as in Zed's files). Errors name
// the file.
Result<nlohmann::json> read_settings_file(const std::string& path);

}  // namespace ironclad::zed
