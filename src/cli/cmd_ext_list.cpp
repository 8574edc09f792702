// `ironclad ext list DIR`: loads every extension of DIR as an application would and shows
// each one, and every extension that failed to load with the file, key and problem.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "cli/ext_commands.h"
#include "cli/ext_describe.h"
#include "cli/ext_options.h"
#include "cli/terminal_text.h"
#include "host/quarantine.h"

namespace ironclad::cli {
namespace {

struct ListOptions {
  HostOptions host;
  std::string dir;
};

int list(const ListOptions& o) {
  auto host = ExtensionHost::create(host_config_of(o.host));
  if (!host.ok()) {
    report_error("ext list", host.error());
    return status_for(host.error());
  }
  std::vector<Error> errors;
  std::vector<Extension*> loaded = (*host)->load_all(o.dir, &errors);
  // The limits each one hit in earlier runs (the host opened the same quarantine: any
  // problem with it was a warning event already).
  std::vector<host::LimitRecord> recorded;
  if (!loaded.empty()) {
    auto quarantine = host::Quarantine::open((*host)->data_dir());
    if (quarantine.ok()) {
      auto limits = (*quarantine)->limits();
      if (limits.ok()) recorded = std::move(*limits);
    }
  }
  for (Extension* ext : loaded) print_extension(stdout, ext->manifest(), ext->status(), recorded);
  std::fflush(stdout);
  // One line each, naming the file, the key and the problem (the host's messages do).
  for (const Error& e : errors)
    std::fprintf(stderr, "ironclad: not loaded: %s\n", printable(e.message).c_str());
  if (loaded.empty() && errors.empty())
    std::fprintf(stderr, "ironclad: %s: no extension (no subdirectory with an extension.toml)\n",
                 o.dir.c_str());
  std::printf("%zu loaded, %zu failed\n", loaded.size(), errors.size());
  return errors.empty() ? exit_status::kOk : status_for(errors.front());
}

}  // namespace

void register_ext_list_command(CLI::App& ext, int& exit_status) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* cmd = ext.add_subcommand(
      "list", "Load every extension of DIR and show its exports, state, tier and features");
  cmd->add_option("DIR", o->dir, "A directory whose subdirectories hold extension.toml files")
      ->required();
  add_host_options(cmd, o->host);
  cmd->footer(
      "Exit status: 0 when every extension loaded; otherwise the status of the first failure "
      "(3 invalid manifest or module, 4 link error, 66 unreadable file, 2 bad option)");
  cmd->callback([o, &exit_status] { exit_status = list(*o); });
}

}  // namespace ironclad::cli
