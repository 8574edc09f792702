// Turning the feature lists other parts of Ironclad write into the verifier's allowed set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ironclad::verify {

// Splits a feature list at commas and whitespace into lower-case names. Accepts both plain
// lists ("avx2,bmi2 fma", as cpu::FeatureSet::llvm_names() writes) and LLVM feature strings
// ("+avx2,-avx512f", as llvm_feature_string() writes): "+name" is taken, "-name" is left
// out, since it is a feature the code must not use. Empty entries are skipped.
std::vector<std::string> parse_feature_names(std::string_view text);

}  // namespace ironclad::verify
