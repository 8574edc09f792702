// How `ironclad ext` shows an extension: its manifest and what the host made of it.
#pragma once

#include <cstdio>

#include "ironclad/extension_host.h"

namespace ironclad::cli {

// "ID VERSION (NAME)", then indented lines: exports (idempotent ones marked), state, rung,
// tier and features, and why it is degraded or disabled.
void print_extension(std::FILE* out, const ExtensionManifest& manifest,
                     const ExtensionStatus& status);

// The limits an extension hit (ExtensionStatus::timeouts, memory_refusals), one line each:
// "2 (last: spin at 2026-12-07 04:20:01, deadline 300 ms)"; "0" when none.
std::string describe_timeouts(const ExtensionStatus& status);
std::string describe_memory_refusals(const ExtensionStatus& status);

}  // namespace ironclad::cli
