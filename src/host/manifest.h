// extension.toml: reading and checking an extension's manifest (format: docs/recovery.md).
//
//   id = "imagefx"                 # [a-z0-9][a-z0-9._-]*, required
//   name = "Image effects"         # required
//   version = "1.2.0"              # required
//   wasm = "imagefx.wasm"          # required: a file inside the extension directory
//   [exports]                      # required, at least one
//   blur = { idempotent = true }   # idempotent defaults to false
//   stats = {}
//
// Unknown keys are errors (a misspelt `idempotnt` must not silently make a call
// non-retryable). Every error names the file, the key and the problem:
//   "ext/imagefx/extension.toml: key 'exports.blur.idempotent': expected a boolean, got string"
#pragma once

#include <filesystem>
#include <string>

#include "ironclad/error.h"
#include "ironclad/extension_host.h"
#include "wasm/module.h"

namespace ironclad::host {

inline constexpr const char* kManifestFileName = "extension.toml";

// Reads dir/extension.toml. Errors: Io when the file cannot be read; Invalid for a TOML
// syntax error (with line and column), a missing, mistyped or unknown key, a bad id, or a
// wasm file that is missing or outside `dir`.
Result<ExtensionManifest> read_manifest(const std::filesystem::path& dir);

// The same checks on manifest text (`file` and `dir` are what messages and paths use).
Result<ExtensionManifest> parse_manifest(const std::string& text, const std::filesystem::path& file,
                                         const std::filesystem::path& dir);

// Every export the manifest lists must be a function export of the module. Invalid error
// naming the file, the key and the export otherwise.
Result<void> check_exports(const ExtensionManifest& manifest, const wasm::Module& module);

}  // namespace ironclad::host
