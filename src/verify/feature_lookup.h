// Internal: a set of feature names matched case-insensitively ("AVX2" == "avx2").
#pragma once

#include <cctype>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ironclad::verify::detail {

class FeatureLookup {
 public:
  explicit FeatureLookup(const std::vector<std::string>& names) {
    for (const std::string& name : names) names_.insert(lower(name));
  }
  // `name` must be lower case, as every name of the ISA-set mapping is (so the lookup, done
  // for every instruction, allocates nothing).
  bool contains(std::string_view name) const { return names_.find(name) != names_.end(); }

 private:
  static std::string lower(std::string_view name) {
    std::string out(name);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  std::set<std::string, std::less<>> names_;
};

}  // namespace ironclad::verify::detail
