// `ironclad zed ...`: Zed's extensions, as published (docs/zed.md).
//
//   ironclad zed check EXTDIR [--tier T]       load, bind, instantiate, init-extension; prints
//                                              id, API version, world folder and tier
//   ironclad zed lsp-command EXTDIR SERVER_ID --worktree DIR [--grant CAP]... [--settings F]
//                            [--github-api URL]
//                                              prints {"command", "args", "env"} (exit 0) or
//                                              the extension's error (exit 1)
//   ironclad zed call EXTDIR EXPORT ARGS-AS-JSON [--worktree DIR] [--grant CAP]...
//                                              calls any export with JSON arguments; prints
//                                              its result as JSON (exit 0) or the
//                                              extension's error (exit 1)
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/ext_describe.h"
#include "cli/terminal_text.h"
#include "host/bounded_file.h"
#include "ironclad/zed.h"
#include "runtime/start_trace.h"
#include "zed/json_call.h"
#include "zed/network.h"
#include "zed/worktree.h"

namespace ironclad::cli {
namespace {

struct ZedOptions {
  std::string dir;
  std::string tier = "auto";
  std::string policy = "conservative";
  std::string emulate_cpu;
  std::string data_dir;
  double timeout_seconds = 5;
  std::vector<std::string> grants;
  std::string settings_file;
  std::string worktree;
  std::string server;
  std::string github_api;  // "" = NetworkOptions' default (https://api.github.com)
  std::string export_name;
  std::string args_json;
  bool show_start = false;  // check --show-start: the engine's start before the first instruction
};

void add_common(CLI::App* cmd, ZedOptions& o) {
  cmd->add_option("EXTDIR", o.dir, "The extension's directory (extension.toml, extension.wasm)")
      ->required();
  cmd->add_option("--tier", o.tier,
                  "auto (= tiered: start in the interpreter, compile called functions in the "
                  "background), tiered, jit (compile the whole module first) or interp")
      ->check(CLI::IsMember({"auto", "tiered", "jit", "interp"}));
  cmd->add_option("--policy", o.policy,
                  "The CPU policy the JIT plans with: conservative, native, x86-64-v1..v4, ...");
  cmd->add_option("--emulate-cpu", o.emulate_cpu,
                  "Run as if on this CPU profile (e.g. alderlake-n): what it lacks raises SIGILL "
                  "and the recovery ladder handles it (docs/emulation.md)");
  cmd->add_option("--data-dir", o.data_dir,
                  "Quarantine, crash reports, code cache and the extensions' own directories "
                  "(default: $IRONCLAD_DATA_DIR or ~/.local/share/ironclad)");
  cmd->add_option("--timeout", o.timeout_seconds, "Seconds one call may take (0: no deadline)");
}

void print_event(const ZedEvent& e) {
  std::fprintf(stderr, "ironclad: zed: %s: %s\n", to_string(e.kind), printable(e.message).c_str());
}

Result<std::unique_ptr<ZedHost>> make_host(const ZedOptions& o) {
  ZedHostConfig config;
  config.data_dir = o.data_dir;
  config.tier = o.tier;
  config.policy = o.policy;
  config.emulate_cpu = o.emulate_cpu;
  config.call_timeout = std::chrono::milliseconds(static_cast<int64_t>(o.timeout_seconds * 1000));
  config.grants = o.grants;
  if (!o.settings_file.empty()) {
    IRONCLAD_TRY_ASSIGN(config.settings_json,
                        host::read_bounded_regular_file(o.settings_file, 16u << 20));
  }
  if (!o.worktree.empty()) {
    std::error_code ec;
    auto root = std::filesystem::absolute(o.worktree, ec);
    if (ec || !std::filesystem::is_directory(root, ec))
      return Error::make(ErrorKind::Io, o.worktree + ": not a directory (--worktree)");
    config.worktrees.push_back({1, root, zed::current_environment()});
  }
  // libcurl and libarchive with NetworkOptions' limits (docs/zed.md, "Downloads and the
  // network"); every call is still subject to the extension's capabilities.
  zed::NetworkOptions network;
  if (!o.github_api.empty()) network.github_api_base = o.github_api;
  config.network = zed::make_network(network);
  config.on_event = print_event;
  return ZedHost::create(std::move(config));
}

int run_check(const ZedOptions& o) {
  auto host = make_host(o);
  if (!host.ok()) return report_error(o.dir, host.error()), status_for(host.error());
  auto ext = (*host)->load(o.dir);
  if (!ext.ok()) return report_error(o.dir, ext.error()), status_for(ext.error());
  if (auto init = (*ext)->init(); !init.ok()) {
    report_error(o.dir, init.error());
    return exit_status::kTrap;
  }
  ExtensionStatus status = (*ext)->status();
  std::printf("id: %s\nname: %s\nversion: %s\napi version: %s\nworld: %s\ntier: %s\n",
              printable((*ext)->id()).c_str(), printable((*ext)->name()).c_str(),
              printable((*ext)->version()).c_str(), (*ext)->api_version().c_str(),
              (*ext)->world_folder().c_str(), status.tier.c_str());
  // What init-extension ran into (a memory.grow refused at the cap is no error of the call).
  std::printf("timeouts: %s\nmemory refusals: %s\n", describe_timeouts(status).c_str(),
              describe_memory_refusals(status).c_str());
  if (o.show_start) {
    std::fflush(stdout);
    std::fputs(runtime::start_trace::report().c_str(), stderr);
  }
  return exit_status::kOk;
}

int run_lsp_command(const ZedOptions& o) {
  auto host = make_host(o);
  if (!host.ok()) return report_error(o.dir, host.error()), status_for(host.error());
  auto ext = (*host)->load(o.dir);
  if (!ext.ok()) return report_error(o.dir, ext.error()), status_for(ext.error());
  auto answer = (*ext)->language_server_command(o.server, 1);
  if (!answer.ok()) {
    report_error(o.dir, answer.error());
    return answer.error().kind == ErrorKind::Usage ? exit_status::kUsage : exit_status::kTrap;
  }
  if (!answer->value) {
    std::fprintf(stderr, "ironclad: %s: language-server-command: %s\n", printable(o.dir).c_str(),
                 printable(answer->extension_error).c_str());
    return exit_status::kTrap;
  }
  nlohmann::json env = nlohmann::json::object();
  for (const auto& [k, v] : answer->value->env) env[k] = v;
  nlohmann::json out{
      {"command", answer->value->command}, {"args", answer->value->args}, {"env", env}};
  std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return exit_status::kOk;
}

int run_call(const ZedOptions& o) {
  auto args = nlohmann::json::parse(o.args_json, nullptr, /*allow_exceptions=*/false);
  if (args.is_discarded() || !args.is_array()) {
    std::fprintf(stderr,
                 "ironclad: zed call: ARGS-AS-JSON must be a JSON array, one element per "
                 "parameter of %s (e.g. '[\"server-id\", null]'), got: %s\n",
                 printable(o.export_name).c_str(), printable(o.args_json).c_str());
    return exit_status::kUsage;
  }
  auto host = make_host(o);
  if (!host.ok()) return report_error(o.dir, host.error()), status_for(host.error());
  auto ext = (*host)->load(o.dir);
  if (!ext.ok()) return report_error(o.dir, ext.error()), status_for(ext.error());
  std::optional<uint64_t> worktree;
  if (!o.worktree.empty()) worktree = 1;
  auto answer = zed::call_with_json(**ext, o.export_name, args, worktree);
  if (!answer.ok()) {
    report_error(o.dir, answer.error());
    return answer.error().kind == ErrorKind::Usage ? exit_status::kUsage : exit_status::kTrap;
  }
  if (answer->extension_error) {
    std::fprintf(stderr, "ironclad: %s: %s: %s\n", printable(o.dir).c_str(),
                 printable(o.export_name).c_str(), printable(*answer->extension_error).c_str());
    return exit_status::kTrap;
  }
  std::printf("%s\n",
              answer->value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return exit_status::kOk;
}

}  // namespace

void register_zed_command(CLI::App& app, int& exit_status) {
  auto* zed = app.add_subcommand("zed", "Run Zed's extensions as published (docs/zed.md)");
  zed->require_subcommand(1);
  auto options = std::make_shared<ZedOptions>();

  auto* check = zed->add_subcommand(
      "check",
      "Load, bind, instantiate and init an extension; print its id, API version, world "
      "and tier");
  add_common(check, *options);
  check->add_flag("--show-start", options->show_start,
                  "Print on stderr how long the host took from main to the extension's first "
                  "instruction, by phase (as `ironclad run --show-start`)");
  check->callback([options, &exit_status] { exit_status = run_check(*options); });

  auto* lsp = zed->add_subcommand(
      "lsp-command", "Print the command an extension gives for a language server, as JSON");
  add_common(lsp, *options);
  lsp->add_option("SERVER_ID", options->server, "The language server's id (extension.toml)")
      ->required();
  lsp->add_option("--worktree", options->worktree, "The worktree's root directory")->required();
  lsp->add_option("--grant", options->grants,
                  "Grant a capability: process:exec:CMD, download-file:HOST, npm:install:PKG "
                  "(a target may be * or end in *)");
  lsp->add_option("--settings", options->settings_file,
                  "Zed-shaped settings JSON ({\"lsp\": {ID: {...}}})");
  lsp->add_option("--github-api", options->github_api,
                  "Root of GitHub's REST API for the extension's release calls (default "
                  "https://api.github.com; a mirror or a local test server)")
      ->check([](const std::string& url) {
        return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0
                   ? std::string()
                   : std::string("--github-api: an http:// or https:// URL");
      });
  lsp->callback([options, &exit_status] { exit_status = run_lsp_command(*options); });

  auto* call = zed->add_subcommand(
      "call", "Call any export of an extension with JSON arguments; print its result as JSON");
  add_common(call, *options);
  call->add_option("EXPORT", options->export_name,
                   "The export (language-server-initialization-options, labels-for-completions, "
                   "run-slash-command, ...); an unknown one lists them")
      ->required();
  call->add_option("ARGS-AS-JSON", options->args_json,
                   "A JSON array, one element per parameter (docs/zed.md: records as objects, "
                   "options as null or the value, variants as \"case\" or {\"case\": payload}, "
                   "borrow<worktree> as null)")
      ->required();
  call->add_option("--worktree", options->worktree,
                   "The worktree's root directory (for borrow<worktree> parameters)");
  call->add_option("--grant", options->grants,
                   "Grant a capability: process:exec:CMD, download-file:HOST, npm:install:PKG");
  call->add_option("--settings", options->settings_file,
                   "Zed-shaped settings JSON ({\"lsp\": {ID: {...}}})");
  call->callback([options, &exit_status] { exit_status = run_call(*options); });
}

}  // namespace ironclad::cli
