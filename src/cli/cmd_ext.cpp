// `ironclad ext list|call|status|enable`: extensions from the command line, through the same
// ExtensionHost an embedding application uses (docs/cli.md, "ironclad ext").
#include "cli/commands.h"
#include "cli/ext_commands.h"

namespace ironclad::cli {

void register_ext_command(CLI::App& app, int& exit_status) {
  CLI::App* ext = app.add_subcommand(
      "ext", "Load, call and inspect extensions (directories with an extension.toml)");
  ext->require_subcommand(1);
  register_ext_list_command(*ext, exit_status);
  register_ext_call_command(*ext, exit_status);
  register_ext_status_command(*ext, exit_status);
  register_ext_enable_command(*ext, exit_status);
}

}  // namespace ironclad::cli
