#include "cli/storage_limits.h"

#include <cstdio>
#include <cstdlib>

namespace ironclad::cli {

std::optional<uint64_t> parse_byte_size(const std::string& text) {
  size_t digits = 0;
  uint64_t value = 0;
  for (; digits < text.size() && text[digits] >= '0' && text[digits] <= '9'; ++digits) {
    if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(text[digits] - '0');
  }
  if (digits == 0) return std::nullopt;
  std::string unit = text.substr(digits);
  unsigned shift = unit.empty() ? 0 : unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : 64;
  if (shift == 64 || value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

std::optional<uint64_t> code_cache_limit_from_env() {
  const char* env = std::getenv("IRONCLAD_CODE_CACHE_LIMIT");
  if (env == nullptr) return std::nullopt;
  std::optional<uint64_t> limit = parse_byte_size(env);
  if (!limit)
    std::fprintf(stderr,
                 "ironclad: warning: IRONCLAD_CODE_CACHE_LIMIT=%s is not a size (e.g. 512M, 2G, "
                 "0 for no limit); using the default\n",
                 env);
  return limit;
}

}  // namespace ironclad::cli

namespace ironclad::cli {

std::optional<uint64_t> crash_report_limit_from_env() {
  const char* env = std::getenv("IRONCLAD_CRASH_REPORT_LIMIT");
  if (env == nullptr) return std::nullopt;
  // parse_byte_size without a unit is exactly a decimal count.
  std::optional<uint64_t> limit = parse_byte_size(env);
  if (!limit || std::string(env).find_first_not_of("0123456789") != std::string::npos) {
    std::fprintf(stderr,
                 "ironclad: warning: IRONCLAD_CRASH_REPORT_LIMIT=%s is not a number of reports "
                 "(e.g. 200, 0 for no limit); using the default\n",
                 env);
    return std::nullopt;
  }
  return limit;
}

}  // namespace ironclad::cli
