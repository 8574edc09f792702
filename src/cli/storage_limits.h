// Limits on what the data directory keeps, for `run` and the `ext` commands:
// IRONCLAD_CODE_CACHE_LIMIT, the size of <data dir>/code-cache (JitConfig::artifact_cache_limit,
// docs/artifacts.md "Cache size"), and IRONCLAD_CRASH_REPORT_LIMIT, the number of crash
// reports kept in <data dir>/crashes (docs/crash-reports.md "Retention"). Environment
// variables rather than options: they are properties of the machine's disk, set once, not
// of one run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ironclad::cli {

// Bytes from "0", "1048576", "64K", "512M" or "2G" (binary units: K = 1024); nullopt when
// malformed or too large.
std::optional<uint64_t> parse_byte_size(const std::string& text);

// The limit IRONCLAD_CODE_CACHE_LIMIT asks for; nullopt when unset (the JIT's default). A
// malformed value is a warning on stderr and the default.
std::optional<uint64_t> code_cache_limit_from_env();

// The number of crash reports IRONCLAD_CRASH_REPORT_LIMIT asks for (decimal digits; 0: no
// limit); nullopt when unset (the host's default). A malformed value is a warning on stderr
// and the default.
std::optional<uint64_t> crash_report_limit_from_env();

}  // namespace ironclad::cli
