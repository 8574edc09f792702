#include "zed/loader.h"

#include "component/loader.h"
#include "host/bounded_file.h"

namespace ironclad::zed {
namespace {

bool is_core_module(const std::vector<uint8_t>& b) {
  static const uint8_t kCore[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  return b.size() >= 8 && std::equal(kCore, kCore + 8, b.begin());
}

}  // namespace

Result<LoadedExtension> load_extension_dir(const std::filesystem::path& dir) {
  LoadedExtension ext;
  IRONCLAD_TRY_ASSIGN(ext.manifest, read_zed_manifest(dir));
  const std::string file = ext.manifest.wasm.string();
  std::error_code ec;
  if (!std::filesystem::exists(ext.manifest.wasm, ec))
    return Error::make(ErrorKind::Io,
                       file + ": missing: a published Zed extension ships its compiled "
                              "extension.wasm next to extension.toml");
  IRONCLAD_TRY_ASSIGN(ext.bytes, host::read_bounded_regular_file_bytes(ext.manifest.wasm,
                                                                       kMaxExtensionWasmBytes));
  if (is_core_module(ext.bytes))
    return Error::make(ErrorKind::Invalid,
                       file + ": a core WebAssembly module, not a component: Zed loads "
                              "extensions as components built against a zed:extension world "
                              "(zed_extension_api with cargo's wasm32-wasip2 target, or "
                              "wasm-tools component new)");
  if (!component::is_component_binary(ext.bytes))
    return Error::make(ErrorKind::Malformed,
                       file + ": not a WebAssembly component (no component preamble)");
  IRONCLAD_TRY_ASSIGN(ext.component, component::load_component(ext.bytes, file));
  IRONCLAD_TRY_ASSIGN(ext.api_version, find_api_version(*ext.component, file));
  auto folder = world_folder(ext.api_version);
  if (!folder.ok()) return Error::make(ErrorKind::Invalid, file + ": " + folder.error().message);
  ext.world_folder = *folder;
  return ext;
}

}  // namespace ironclad::zed
