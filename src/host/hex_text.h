// Hex text for crash reports and their exports: one spelling for both, so a report and its
// Sentry event show the same digits.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace ironclad::host {

// 16 lowercase hex digits (hash values).
inline std::string hex64(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

// "0x..." (addresses). Strings, not JSON numbers: numbers above 2^53 lose precision in many
// JSON readers.
inline std::string hex_address(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

}  // namespace ironclad::host
