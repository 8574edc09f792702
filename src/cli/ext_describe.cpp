#include "cli/ext_describe.h"

#include <string>

namespace ironclad::cli {

void print_extension(std::FILE* out, const ExtensionManifest& manifest,
                     const ExtensionStatus& status) {
  std::fprintf(out, "%s %s (%s)\n", manifest.id.c_str(), manifest.version.c_str(),
               manifest.name.c_str());
  std::string exports;
  for (const ExtensionExportDecl& e : manifest.exports)
    exports += (exports.empty() ? "" : ", ") + e.name + (e.idempotent ? " (idempotent)" : "");
  std::fprintf(out, "  exports   %s\n", exports.c_str());
  std::fprintf(out, "  state     %s, rung %s\n", to_string(status.state), to_string(status.rung));
  if (!status.tier.empty()) {
    std::fprintf(out, "  tier      %s\n", status.tier.c_str());
    if (!status.features.empty()) std::fprintf(out, "  features  %s\n", status.features.c_str());
  }
  if (!status.reason.empty()) std::fprintf(out, "  why       %s\n", status.reason.c_str());
  std::fprintf(out, "  module    %s (hash %s)\n", manifest.wasm.string().c_str(),
               status.module_hash.c_str());
}

}  // namespace ironclad::cli
