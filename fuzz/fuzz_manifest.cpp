// libFuzzer target: extension.toml is written by extension authors and read by the host.
// Any text must give a manifest or an Invalid error naming what is wrong, never a crash.
// parse_manifest checks that the named wasm file exists before it reads [exports], so the
// target parses against a real directory holding one (empty) module file, "ext.wasm".
//
// Deep nesting needs large inputs (a dotted key of 50,000 parts is 100 KB), beyond what
// libFuzzer's mutations reach from small seeds; so the input is expanded first: the bytes
// 0x01 HI LO LEN FRAGMENT repeat the LEN (1..255) bytes of FRAGMENT HI*256+LO times (the
// whole text stays under 4 MiB). Control bytes are invalid in TOML anyway, so every other
// byte is the text itself. The seeds (fuzz/seeds/manifest/deep_*) use it for deep table
// headers, dotted keys, arrays and inline tables.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "host/manifest.h"

namespace {

char extension_dir[] = "/tmp/ironclad-fuzz-manifest-XXXXXX";

void remove_extension_dir() {
  std::error_code ec;
  std::filesystem::remove_all(extension_dir, ec);
}

// One directory for the whole fuzzing run, removed when it ends normally.
std::filesystem::path make_extension_dir() {
  if (mkdtemp(extension_dir) == nullptr) std::abort();
  std::atexit(remove_extension_dir);
  std::filesystem::path dir = extension_dir;
  std::ofstream(dir / "ext.wasm") << "";
  return dir;
}

constexpr size_t kMaxExpandedBytes = 4 << 20;

std::string expand(const uint8_t* data, size_t size) {
  std::string text;
  for (size_t i = 0; i < size;) {
    if (data[i] == 0x01 && i + 4 <= size && data[i + 3] != 0 && i + 4 + data[i + 3] <= size) {
      size_t count = size_t{data[i + 1]} << 8 | data[i + 2];
      std::string_view fragment(reinterpret_cast<const char*>(data + i + 4), data[i + 3]);
      for (size_t k = 0; k < count && text.size() + fragment.size() <= kMaxExpandedBytes; ++k)
        text += fragment;
      i += 4 + fragment.size();
    } else {
      if (text.size() < kMaxExpandedBytes) text += static_cast<char>(data[i]);
      ++i;
    }
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = make_extension_dir();
  auto manifest = ironclad::host::parse_manifest(expand(data, size),
                                                 dir / ironclad::host::kManifestFileName, dir);
  // A manifest that parses must stay inside its directory (the wasm path check).
  if (manifest.ok() && manifest->wasm.lexically_relative(dir).string().starts_with(".."))
    std::abort();
  return 0;
}
