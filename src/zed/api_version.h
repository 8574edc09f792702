// Which zed:extension world an extension was built against. Zed reads the 6-byte custom
// section `zed:api-version` (three big-endian u16: major, minor, patch) from wherever it sits
// in the component (the extension's own core module, nested, in practice) and binds the WIT
// folder that version maps to (../shared/zed-extensions/wit/SOURCE.txt, Zed's
// crates/extension_host/src/wasm_host/wit.rs):
//   0.0.1-0.0.3 -> since_v0.0.1, 0.0.4-0.0.5 -> since_v0.0.4, 0.0.6 -> since_v0.0.6,
//   0.1.0 .. 0.5.0 -> their own folder, 0.6.0-0.7.0 -> since_v0.6.0, 0.8.0 -> since_v0.8.0.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "component/model.h"
#include "ironclad/error.h"

namespace ironclad::zed {

struct ZedApiVersion {
  uint16_t major = 0, minor = 0, patch = 0;
  std::string to_string() const;  // "0.6.0"
  auto operator<=>(const ZedApiVersion&) const = default;
};

// The world folder ("since_v0.6.0") for a version, or an Invalid error saying which versions
// exist when Zed has none for it.
Result<std::string> world_folder(ZedApiVersion version);

// Parses a section's payload: exactly 6 bytes.
Result<ZedApiVersion> parse_api_version(std::span<const uint8_t> payload);

// Finds the section in `c`: its own custom sections, then every core module's, then nested
// components', depth first (the first one found wins, as in Zed's parse_all walk). Errors
// (Invalid) name `file` and say the section is missing or malformed.
Result<ZedApiVersion> find_api_version(const component::Component& c, const std::string& file);

}  // namespace ironclad::zed
