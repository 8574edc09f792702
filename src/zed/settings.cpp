#include "zed/settings.h"

#include "host/bounded_file.h"

namespace ironclad::zed {
namespace {

using nlohmann::json;

json member(const json& j, const std::string& key) {
  if (j.is_object() && j.contains(key)) return j.at(key);
  return nullptr;
}

// Zed's CommandSettings: path, arguments, env; null when the user gave none.
json command_settings(const json& binary) {
  if (!binary.is_object()) return nullptr;
  return json{{"path", member(binary, "path")},
              {"arguments", member(binary, "arguments")},
              {"env", member(binary, "env")}};
}

}  // namespace

Result<std::string> settings_for(const json& settings, const std::string& category,
                                 const std::optional<std::string>& key) {
  const std::string k = key.value_or("");
  if (category == "lsp") {
    json entry = member(member(settings, "lsp"), k);
    json out{{"binary", command_settings(member(entry, "binary"))},
             {"initialization_options", member(entry, "initialization_options")},
             {"settings", member(entry, "settings")}};
    return out.dump();
  }
  if (category == "context_servers") {
    json entry = member(member(settings, "context_servers"), k);
    json out{{"command", command_settings(member(entry, "command"))},
             {"settings", member(entry, "settings")}};
    return out.dump();
  }
  if (category == "language") {
    json entry = member(member(settings, "languages"), k);
    auto get = [&](const char* name, json fallback) {
      json v = member(entry, name);
      if (v.is_null()) v = member(settings, name);
      return v.is_null() ? fallback : v;
    };
    json out{{"tab_size", get("tab_size", 4)},
             {"hard_tabs", get("hard_tabs", false)},
             {"preferred_line_length", get("preferred_line_length", 80)}};
    return out.dump();
  }
  return Error::make(ErrorKind::Usage, "Unknown settings category: " + category);
}

Result<json> read_settings_file(const std::string& path) {
  IRONCLAD_TRY_ASSIGN(std::string text, host::read_bounded_regular_file(path, 16u << 20));
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (j.is_discarded())
    return Error::make(ErrorKind::Invalid, path + ": not valid JSON (settings file)");
  if (!j.is_object())
    return Error::make(ErrorKind::Invalid, path + ": the settings must be a JSON object");
  return j;
}

}  // namespace ironclad::zed
