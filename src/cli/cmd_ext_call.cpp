// `ironclad ext call EXTDIR EXPORT [VALUES...]`: loads one extension and calls one of its
// exports as an application would, printing the results; what the host does about a fault
// (restart, demotion, retry, crash report) is printed on stderr as the application's event.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "cli/ext_commands.h"
#include "cli/ext_options.h"
#include "cli/invoke_args.h"
#include "cli/module_loader.h"

namespace ironclad::cli {
namespace {

struct CallOptions {
  HostOptions host;
  std::string extension_dir;
  std::string export_name;
  std::vector<std::string> values;
  bool show_tier = false;
};

// The export's parameter types, from the extension's module (the public API takes values of
// those types; the command line has text).
Result<std::vector<ValType>> param_types(const ExtensionManifest& manifest,
                                         const std::string& export_name) {
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<const wasm::Module> module,
                      load_module(manifest.wasm.string()));
  const wasm::Export* e = module->find_export(export_name);
  if (e == nullptr || e->kind != wasm::ExternKind::Func)
    return Error::make(ErrorKind::Usage, "extension '" + manifest.id +
                                             "' has no function export '" + export_name + "'");
  return module->func_type(e->index).params;
}

Result<std::vector<Value>> parse_values(const std::vector<ValType>& types,
                                        const std::vector<std::string>& texts,
                                        const std::string& export_name) {
  if (texts.size() != types.size())
    return Error::make(ErrorKind::Usage, "export '" + export_name + "' takes " +
                                             std::to_string(types.size()) + " values, " +
                                             std::to_string(texts.size()) + " given");
  std::vector<Value> values;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto v = parse_value(texts[i], types[i]);
    if (!v.ok()) {
      Error e = std::move(v).error();
      e.message = "value " + std::to_string(i + 1) + " of '" + export_name + "': " + e.message;
      return e;
    }
    values.push_back(*v);
  }
  return values;
}

Result<std::vector<Value>> call(const CallOptions& o) {
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<ExtensionHost> host,
                      ExtensionHost::create(host_config_of(o.host)));
  IRONCLAD_TRY_ASSIGN(Extension * ext, host->load(o.extension_dir));
  const ExtensionManifest& manifest = ext->manifest();
  if (manifest.find_export(o.export_name) == nullptr) {
    std::string listed;
    for (const ExtensionExportDecl& e : manifest.exports)
      listed += (listed.empty() ? "" : ", ") + e.name;
    return Error::make(ErrorKind::Usage, "extension '" + manifest.id + "' does not list '" +
                                             o.export_name + "' in " + manifest.file.string() +
                                             " (it lists: " + listed + ")");
  }
  IRONCLAD_TRY_ASSIGN(std::vector<ValType> types, param_types(manifest, o.export_name));
  IRONCLAD_TRY_ASSIGN(std::vector<Value> args, parse_values(types, o.values, o.export_name));
  if (o.show_tier) {
    ExtensionStatus s = ext->status();
    if (s.state == ExtensionState::Disabled) {
      std::fprintf(stderr, "ironclad: tier: none (disabled: %s)\n", printable(s.reason).c_str());
    } else {
      std::fprintf(stderr, "ironclad: tier: %s {%s} (rung %s)\n", s.tier.c_str(),
                   s.features.c_str(), to_string(s.rung));
    }
  }
  // The newest incident so far (the history may hold earlier runs', read at load).
  auto newest_incident = [&] {
    ExtensionStatus s = ext->status();
    return s.incidents.empty() ? std::chrono::system_clock::time_point{} : s.incidents.back().when;
  };
  const auto newest_before = newest_incident();
  auto results = ext->call(o.export_name, args);
  if (o.show_tier && results.ok()) {
    // After a recovered fault the call was answered by a safer rung: say which.
    ExtensionStatus s = ext->status();
    if (newest_incident() != newest_before)
      std::fprintf(stderr, "ironclad: tier: answered by %s {%s} (rung %s)\n", s.tier.c_str(),
                   s.features.c_str(), to_string(s.rung));
  }
  return results;
}

}  // namespace

void register_ext_call_command(CLI::App& ext, int& exit_status) {
  auto o = std::make_shared<CallOptions>();
  CLI::App* cmd = ext.add_subcommand(
      "call", "Load the extension in EXTDIR and call EXPORT with VALUES; print its results");
  cmd->add_option("EXTDIR", o->extension_dir, "The extension's directory (with extension.toml)")
      ->required();
  cmd->add_option("EXPORT", o->export_name, "An export the manifest lists")->required();
  cmd->add_option("VALUES", o->values,
                  "The export's parameters, by its wasm types: integers in decimal or 0x hex, "
                  "floats in decimal, inf or nan");
  add_host_options(cmd, o->host);
  cmd->add_flag("--show-tier", o->show_tier,
                "Print on stderr the tier and features the extension runs with");
  cmd->footer(
      "Exit status: 0 the call returned (results on stdout, one per line); 1 a trap, or the "
      "extension faulted and was restarted without retrying a non-idempotent export, or is "
      "disabled; 2 bad command line or values; 3 invalid manifest or module; 4 link error; "
      "66 unreadable file; 70 internal error");
  cmd->callback([o, &exit_status] {
    auto results = call(*o);
    if (!results.ok()) {
      std::fflush(stdout);
      report_error(o->extension_dir, results.error());
      exit_status = status_for(results.error());
      return;
    }
    for (const Value& v : *results) std::printf("%s\n", v.to_string().c_str());
    std::fflush(stdout);
    exit_status = exit_status::kOk;
  });
}

}  // namespace ironclad::cli
