// `ironclad validate FILE.wasm...`: decodes and validates each module or component without
// running it.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/module_loader.h"
#include "component/loader.h"
#include "wasm/module_file.h"

namespace ironclad::cli {

void register_validate_command(CLI::App& app, int& exit_status) {
  CLI::App* cmd = app.add_subcommand("validate", "Decode and validate WebAssembly modules and components");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Module or component files (.wasm)");
  // Unknown options are reported by the callback, with the documented status.
  cmd->allow_extras();
  cmd->footer(
      "Prints 'FILE: ok' for each valid module ('FILE: ok (component)' for a component), or\n"
      "a one-line error naming the file.\n"
      "Exit status: 0 all valid, 3 a module is malformed or invalid, 66 a file cannot be\n"
      "read, 2 bad command line.");
  cmd->callback([cmd, files, &exit_status] {
    if (!cmd->remaining().empty() || files->empty()) {
      std::fprintf(stderr, "ironclad: validate: %s (ironclad validate --help)\n",
                   files->empty() ? "no module file given"
                                  : ("unknown option '" + cmd->remaining().front() + "'").c_str());
      exit_status = exit_status::kUsage;
      return;
    }
    int status = exit_status::kOk;
    for (const std::string& file : *files) {
      auto bytes = wasm::read_file_bytes(file);
      Result<void> result;
      bool is_component = bytes.ok() && component::is_component_binary(*bytes);
      if (!bytes.ok()) {
        result = std::move(bytes).error();
      } else if (is_component) {
        auto c = component::load_component(*bytes, file);
        if (!c.ok()) result = std::move(c).error();
      } else {
        auto module = load_module(file);
        if (!module.ok()) result = std::move(module).error();
      }
      if (result.ok()) {
        std::printf("%s: ok%s\n", file.c_str(), is_component ? " (component)" : "");
        continue;
      }
      report_error(file, result.error());
      // Keep the worst status: an unreadable file outranks an invalid one.
      int s = status_for(result.error());
      if (status == exit_status::kOk || s > status) status = s;
    }
    std::fflush(stdout);
    exit_status = status;
  });
}

}  // namespace ironclad::cli
