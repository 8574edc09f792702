#include "cli/ext_describe.h"
#include "cli/terminal_text.h"

#include <string>

namespace ironclad::cli {

void print_extension(std::FILE* out, const ExtensionManifest& manifest,
                     const ExtensionStatus& status) {
  // Everything from the manifest is the extension author's text.
  std::fprintf(out, "%s %s (%s)\n", printable(manifest.id).c_str(),
               printable(manifest.version).c_str(), printable(manifest.name).c_str());
  std::string exports;
  for (const ExtensionExportDecl& e : manifest.exports)
    exports += (exports.empty() ? "" : ", ") + printable(e.name) +
               (e.idempotent ? " (idempotent)" : "");
  std::fprintf(out, "  exports   %s\n", exports.c_str());
  std::fprintf(out, "  state     %s, rung %s\n", to_string(status.state), to_string(status.rung));
  if (!status.tier.empty()) {
    std::fprintf(out, "  tier      %s\n", status.tier.c_str());
    if (!status.features.empty()) std::fprintf(out, "  features  %s\n", status.features.c_str());
  }
  if (!status.reason.empty())
    std::fprintf(out, "  why       %s\n", printable(status.reason).c_str());
  std::fprintf(out, "  module    %s (hash %s)\n", printable(manifest.wasm.string()).c_str(),
               status.module_hash.c_str());
}

}  // namespace ironclad::cli
