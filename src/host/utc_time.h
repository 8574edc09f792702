// UTC time as text, for crash report ids, their listing and their Sentry export: one
// conversion (gmtime_r + strftime), each caller choosing only its format.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace ironclad::host {

// `seconds` since the epoch in UTC, formatted with strftime's `format`
// (e.g. "%Y-%m-%dT%H:%M:%SZ").
inline std::string utc_time_text(int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace ironclad::host
