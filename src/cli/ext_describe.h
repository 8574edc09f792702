// How `ironclad ext` shows an extension: its manifest and what the host made of it.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "host/quarantine.h"
#include "ironclad/extension_host.h"

namespace ironclad::cli {

// "ID VERSION (NAME)", then indented lines: exports (idempotent ones marked), state, rung,
// tier and features, and why it is degraded or disabled; then the limits this module hit,
// in this process (status) and as the quarantine's limits table recorded them (`recorded`:
// the rows of this extension and module hash; the others are skipped).
void print_extension(std::FILE* out, const ExtensionManifest& manifest,
                     const ExtensionStatus& status,
                     const std::vector<host::LimitRecord>& recorded = {});

// The last hit of a limits table row: "last: spin at 2026-12-07 04:20:01, deadline 300 ms",
// "last: grow at ..., cap 131072 bytes, 262144 bytes asked for".
std::string describe_last_limit(const host::LimitRecord& record);

// The limits an extension hit (ExtensionStatus::timeouts, memory_refusals), one line each:
// "2 (last: spin at 2026-12-07 04:20:01, deadline 300 ms)"; "0" when none.
std::string describe_timeouts(const ExtensionStatus& status);
std::string describe_memory_refusals(const ExtensionStatus& status);

}  // namespace ironclad::cli
