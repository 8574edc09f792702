// Limits checked on TOML text before a parser sees it. toml++ bounds the nesting of arrays
// and inline tables (256) but not the parts of a dotted key: `[a.a.a...]` with 50,000 parts
// (100 KB) overflows the stack inside libtomlplusplus, killing the host for one bad
// extension.toml. A manifest nests three levels at most (exports.NAME.idempotent).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ironclad::host {

// The most parts a dotted key or table header may have, and the most bytes a manifest may
// hold (it is a few hundred bytes in practice).
inline constexpr size_t kMaxTomlKeyParts = 64;
inline constexpr size_t kMaxManifestBytes = 1 << 20;

// nullopt when `text` has no dotted key (or table header) of more than kMaxTomlKeyParts
// parts; else "line N: ..." saying what is too deep. Strings and comments are skipped, so a
// dot inside a string value never counts; a value's dots (1.5) end at `=`, `,` or a
// bracket, so they do not accumulate either.
std::optional<std::string> find_toml_too_deep(std::string_view text);

}  // namespace ironclad::host
