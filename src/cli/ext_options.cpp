#include "cli/ext_options.h"
#include "cli/terminal_text.h"

#include <cstdio>
#include <cstdlib>

#include "cli/storage_limits.h"
#include "host/crash_report.h"

namespace ironclad::cli {

void add_data_dir_option(CLI::App* cmd, HostOptions& options) {
  cmd->add_option("--data-dir", options.data_dir,
                  "Where the quarantine, crash reports and compiled-code cache are kept (default: "
                  "$IRONCLAD_DATA_DIR, else $XDG_DATA_HOME/ironclad, else "
                  "~/.local/share/ironclad)");
}

void add_host_options(CLI::App* cmd, HostOptions& options) {
  cmd->add_option("--tier", options.tier,
                  "Planned tier: auto (= tiered: start in the interpreter, compile called "
                  "functions in the background, when the policy allows a JIT), tiered, jit "
                  "(compile the whole module first) or interp")
      ->capture_default_str();
  cmd->add_option("--policy", options.policy,
                  "CPU feature policy of the planned rung: native, conservative, baseline or "
                  "interpreter")
      ->capture_default_str();
  cmd->add_option("--cpu-features", options.cpu_features,
                  "Feature overrides '+x,-y' applied after the policy (and after "
                  "IRONCLAD_CPU_FEATURES); unverified additions are refused with a warning");
  cmd->add_option("--emulate-cpu", options.emulate_cpu,
                  "Run JIT code as if on this CPU profile (e.g. alderlake-n): instructions it "
                  "lacks fault as they would there (else IRONCLAD_EMULATE_CPU)");
  cmd->add_flag("--no-code-cache", options.no_code_cache,
                "Compile the JIT code every time instead of keeping it in <data dir>/code-cache");
  add_data_dir_option(cmd, options);
}

std::filesystem::path data_dir_of(const HostOptions& options) {
  if (!options.data_dir.empty()) return options.data_dir;
  return host::default_data_dir();
}

HostConfig host_config_of(const HostOptions& options) {
  HostConfig config;
  config.data_dir = data_dir_of(options);
  config.tier = options.tier;
  config.policy = options.policy;
  config.cpu_features = options.cpu_features;
  config.emulate_cpu = options.emulate_cpu;
  if (const char* env = std::getenv("IRONCLAD_EMULATE_CPU"); config.emulate_cpu.empty() && env)
    config.emulate_cpu = env;
  config.code_cache = !options.no_code_cache;
  if (config.code_cache) config.code_cache_limit = code_cache_limit_from_env();
  if (auto limit = crash_report_limit_from_env()) config.crash_report_limit = *limit;
  config.on_event = print_host_event;
  return config;
}

void print_host_event(const HostEvent& event) {
  // Loaded is the normal case: saying it for every extension would bury what matters.
  if (event.kind == HostEventKind::Loaded) return;
  // The call's own error says it timed out, in the same words; only where it was written
  // down is news.
  if (event.kind == HostEventKind::Timeout) {
    if (!event.limit_report.empty())
      std::fprintf(stderr, "ironclad: limit report: %s\n",
                   printable(event.limit_report.string()).c_str());
    return;
  }
  const char* prefix = event.kind == HostEventKind::Warning ? "ironclad: warning: "
                       : event.kind == HostEventKind::Note ||
                               event.kind == HostEventKind::MemoryRefused
                           ? "ironclad: note: "
                                                            : "ironclad: ";
  std::fprintf(stderr, "%s%s\n", prefix, printable(event.message).c_str());
  if (!event.limit_report.empty())
    std::fprintf(stderr, "ironclad: limit report: %s\n",
                 printable(event.limit_report.string()).c_str());
  if (event.incident && !event.incident->report.empty())
    std::fprintf(stderr, "ironclad: crash report: %s\n",
                 printable(event.incident->report.string()).c_str());
}

}  // namespace ironclad::cli
