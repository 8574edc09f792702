// Loading a Zed extension directory: its manifest, its extension.wasm as a component, and
// the API version it was built against. Nothing is instantiated here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "component/model.h"
#include "ironclad/error.h"
#include "zed/api_version.h"
#include "zed/manifest.h"

namespace ironclad::zed {

// The largest extension.wasm accepted (the shared ones are under 4 MiB).
inline constexpr size_t kMaxExtensionWasmBytes = 256u << 20;

struct LoadedExtension {
  ZedManifest manifest;
  std::vector<uint8_t> bytes;  // extension.wasm (keys the quarantine)
  std::shared_ptr<const component::Component> component;
  ZedApiVersion api_version;
  std::string world_folder;  // "since_v0.6.0"
};

// Errors name the file and why: no manifest, a bad key, no extension.wasm, a core module
// where a component belongs, a malformed component, a missing or unknown zed:api-version.
Result<LoadedExtension> load_extension_dir(const std::filesystem::path& dir);

}  // namespace ironclad::zed
