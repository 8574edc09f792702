// libFuzzer target: extension.toml is written by extension authors and read by the host.
// Any text must give a manifest or an Invalid error naming what is wrong, never a crash.
// parse_manifest checks that the named wasm file exists before it reads [exports], so the
// target parses against a real directory holding one (empty) module file, "ext.wasm".
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "host/manifest.h"

namespace {

std::filesystem::path make_extension_dir() {
  char pattern[] = "/tmp/ironclad-fuzz-manifest-XXXXXX";
  if (mkdtemp(pattern) == nullptr) std::abort();
  std::filesystem::path dir = pattern;
  std::ofstream(dir / "ext.wasm") << "";
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = make_extension_dir();
  auto manifest =
      ironclad::host::parse_manifest(std::string(reinterpret_cast<const char*>(data), size),
                                     dir / ironclad::host::kManifestFileName, dir);
  // A manifest that parses must stay inside its directory (the wasm path check).
  if (manifest.ok() && manifest->wasm.lexically_relative(dir).string().starts_with(".."))
    std::abort();
  return 0;
}
