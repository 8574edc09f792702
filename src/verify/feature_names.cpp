#include "verify/feature_names.h"

#include <cctype>

namespace ironclad::verify {

std::vector<std::string> parse_feature_names(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ',' || std::isspace(static_cast<unsigned char>(text[i]))))
      ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ',' && !std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    std::string_view entry = text.substr(start, i - start);
    if (entry.empty()) continue;
    if (entry.front() == '-') continue;  // disabled in an LLVM feature string
    if (entry.front() == '+') entry.remove_prefix(1);
    if (entry.empty()) continue;
    std::string name(entry);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(std::move(name));
  }
  return out;
}

}  // namespace ironclad::verify
