// How `ironclad ext` shows an extension: its manifest and what the host made of it.
#pragma once

#include <cstdio>

#include "ironclad/extension_host.h"

namespace ironclad::cli {

// "ID VERSION (NAME)", then indented lines: exports (idempotent ones marked), state, rung,
// tier and features, and why it is degraded or disabled.
void print_extension(std::FILE* out, const ExtensionManifest& manifest,
                     const ExtensionStatus& status);

}  // namespace ironclad::cli
