// embed: a small application that embeds Ironclad's extension host, using nothing but the
// public headers in include/ironclad/. It loads every extension of a directory, shows how
// each one runs, calls the demo extension vechash, and shows what the host did about it.
//
//   embed EXTENSIONS_DIR [--data-dir DIR] [--policy P] [--emulate-cpu PROFILE]
//
// With `--policy native --emulate-cpu alderlake-n` on a machine with AVX-512 the JIT code of
// vechash faults the way it would on an Alder Lake-N laptop: the application keeps running,
// prints the host's event, and still gets the right hash from the restarted extension.
#include <cstdio>
#include <string>
#include <vector>

#include "ironclad/extension_host.h"

namespace {

struct Options {
  std::string extensions_dir;
  ironclad::HostConfig config;
};

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--data-dir" && has_value) {
      options.config.data_dir = argv[++i];
    } else if (arg == "--policy" && has_value) {
      options.config.policy = argv[++i];
    } else if (arg == "--emulate-cpu" && has_value) {
      options.config.emulate_cpu = argv[++i];
    } else if (!arg.empty() && arg[0] != '-' && options.extensions_dir.empty()) {
      options.extensions_dir = arg;
    } else {
      return false;
    }
  }
  return !options.extensions_dir.empty();
}

void print_status(const ironclad::ExtensionStatus& s) {
  std::printf("  %s %s: %s, rung %s, tier %s", s.id.c_str(), s.version.c_str(),
              ironclad::to_string(s.state), ironclad::to_string(s.rung),
              s.tier.empty() ? "-" : s.tier.c_str());
  if (!s.features.empty()) std::printf(" {%s}", s.features.c_str());
  std::printf("\n");
  if (!s.reason.empty()) std::printf("    why: %s\n", s.reason.c_str());
}

// Calls `export_name` and prints its first result, or the error.
void call_and_print(ironclad::Extension& extension, const char* export_name,
                    const std::vector<ironclad::Value>& args, const char* shown_as) {
  auto results = extension.call(export_name, args);
  if (!results.ok()) {
    std::printf("  %s failed: %s\n", shown_as, results.error().describe().c_str());
    return;
  }
  if (results->empty()) {
    std::printf("  %s returned nothing\n", shown_as);
    return;
  }
  // As `ironclad ext call` prints them: i64 in signed decimal.
  std::printf("  %s = %s\n", shown_as, results->front().to_string().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: embed EXTENSIONS_DIR [--data-dir DIR] [--policy P] "
                 "[--emulate-cpu PROFILE]\n");
    return 2;
  }
  // The application decides how to tell its user; here, one line on stderr per event.
  options.config.on_event = [](const ironclad::HostEvent& event) {
    std::fprintf(stderr, "[host event: %s] %s\n", ironclad::to_string(event.kind),
                 event.message.c_str());
    if (event.incident && !event.incident->report.empty())
      std::fprintf(stderr, "[host event: %s] crash report: %s\n", ironclad::to_string(event.kind),
                   event.incident->report.c_str());
  };

  auto host = ironclad::ExtensionHost::create(options.config);
  if (!host.ok()) {
    std::fprintf(stderr, "embed: %s\n", host.error().describe().c_str());
    return 1;
  }
  std::printf("data directory: %s\n", (*host)->data_dir().c_str());

  std::vector<ironclad::Error> errors;
  std::vector<ironclad::Extension*> loaded = (*host)->load_all(options.extensions_dir, &errors);
  for (const ironclad::Error& e : errors) std::printf("not loaded: %s\n", e.describe().c_str());
  std::printf("%zu extension(s) loaded:\n", loaded.size());
  for (const ironclad::ExtensionStatus& s : (*host)->status()) print_status(s);

  ironclad::Extension* vechash = (*host)->find("vechash");
  if (vechash == nullptr) {
    std::printf("the demo extension 'vechash' is not in %s\n", options.extensions_dir.c_str());
    return errors.empty() ? 0 : 1;
  }
  std::printf("calling vechash:\n");
  // hash is idempotent: if it faults, the host retries it on the restarted extension.
  call_and_print(*vechash, "hash", {ironclad::Value::from_i64(42), ironclad::Value::from_i32(64)},
                 "hash(42, 64)");
  // absorb is not: it would not be retried after a fault, but on the already-recovered
  // extension it simply runs.
  call_and_print(*vechash, "absorb", {ironclad::Value::from_i64(7)}, "absorb(7)");

  std::printf("after the calls:\n");
  print_status(vechash->status());
  for (const ironclad::Incident& incident : vechash->status().incidents)
    std::printf("    incident in '%s': %s; crash report %s\n", incident.export_name.c_str(),
                ironclad::to_string(incident.kind), incident.report.c_str());
  return 0;
}
