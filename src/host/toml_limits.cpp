#include "host/toml_limits.h"

namespace ironclad::host {

std::optional<std::string> find_toml_too_deep(std::string_view text) {
  size_t line = 1;
  size_t parts = 1;  // parts of the dotted name being read (dots seen + 1)
  size_t i = 0;
  const size_t n = text.size();
  auto starts = [&](std::string_view s) { return text.substr(i, s.size()) == s; };
  while (i < n) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      parts = 1;
      ++i;
    } else if (c == '#') {
      while (i < n && text[i] != '\n') ++i;
    } else if (starts("\"\"\"") || starts("'''")) {
      // A multi-line string runs to the same three quotes (a basic one skips escapes).
      const std::string_view quotes = text.substr(i, 3);
      const bool basic = c == '"';
      i += 3;
      while (i < n && text.substr(i, 3) != quotes) {
        if (text[i] == '\n') ++line;
        i += (basic && text[i] == '\\') ? 2 : 1;
      }
      i += 3;
    } else if (c == '"' || c == '\'') {
      // A one-line string: a quoted key part, or a value.
      ++i;
      while (i < n && text[i] != c && text[i] != '\n') i += (c == '"' && text[i] == '\\') ? 2 : 1;
      if (i < n && text[i] == c) ++i;
    } else if (c == '.') {
      if (++parts > kMaxTomlKeyParts)
        return "line " + std::to_string(line) + ": a dotted key with more than " +
               std::to_string(kMaxTomlKeyParts) + " parts";
      ++i;
    } else {
      if (c == '=' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') parts = 1;
      ++i;
    }
  }
  return std::nullopt;
}

}  // namespace ironclad::host
