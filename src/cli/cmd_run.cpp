// `ironclad run [OPTIONS] FILE.wasm [ARGS...]`: runs a WASI command (its _start), or with
// --invoke NAME calls one export and prints its results, one plain number per line.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/artifact_run.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/invoke_args.h"
#include "cli/module_loader.h"
#include "cli/run_recovery.h"
#include "cli/storage_limits.h"
#include "cli/tier_selection.h"
#include "jit/artifact_cache.h"
#include "jit/llvm_backend.h"
#include "tiered/tiered_tier.h"
#include "component/loader.h"
#include "host/crash_report.h"
#include "runtime/runtime.h"
#include "runtime/start_trace.h"
#include "wasi/wasi.h"
#include "wasm/module_file.h"

namespace ironclad::cli {
namespace {

namespace start_trace = runtime::start_trace;

constexpr const char* kRunExitStatusHelp =
    "Usage: ironclad run [OPTIONS] FILE.wasm [ARGS...]\n"
    "Options come before FILE; everything after FILE is passed to the program.\n"
    "Exit status:\n"
    "  N   the program's proc_exit(N) code (0..255); 0 when _start returns\n"
    "  0   --invoke: the call returned (its results are on stdout)\n"
    "  1   trap, exhausted fuel or another runtime error (one line on stderr,\n"
    "      then the wasm backtrace), or a proc_exit code outside 0..255\n"
    "  2   bad command line (unknown option, bad --invoke value, no such export,\n"
    "      unknown tier/policy/profile, --tier jit under policy interpreter)\n"
    "  3   the module is malformed or invalid\n"
    "  4   an import cannot be satisfied (link error)\n"
    "  66  FILE or a --dir directory cannot be opened\n"
    "  70  internal error in Ironclad";

struct RunOptions {
  TierRequest tier;         // --tier (default auto), --policy, --cpu, --cpu-features
  bool tier_given = false;  // --tier was given (an artifact runs its own code unless interp)
  std::optional<std::string> invoke;
  std::vector<std::string> env;
  std::vector<std::string> dirs;
  std::string fuel = "0";
  std::string timeout = "0";   // --timeout SECONDS: the call's deadline (0: none)
  std::string data_dir;        // --data-dir: quarantine and crash reports of the JIT's recovery
  bool no_code_cache = false;  // --no-code-cache: always compile, keep nothing
  bool idempotent = false;     // --idempotent: the --invoke export may be repeated after a fault
  bool show_start = false;     // --show-start: the phases before the first instruction
  std::vector<std::string> file_and_args;  // FILE then the program's arguments
};

Result<uint64_t> parse_fuel(const std::string& text) {
  uint64_t fuel = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), fuel);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    return Error::make(ErrorKind::Usage, "--fuel '" + text + "' is not a non-negative integer");
  return fuel;
}

// --timeout: seconds (a decimal, e.g. 2.5) the whole call may take, host calls included.
Result<std::chrono::nanoseconds> parse_timeout(const std::string& text) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !(seconds >= 0) ||
      seconds > 1e9)
    return Error::make(ErrorKind::Usage,
                       "--timeout '" + text + "' is not a number of seconds (e.g. 2.5; 0: none)");
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(seconds));
}

Result<void> configure_wasi(const RunOptions& o, wasi::WasiContext& wasi) {
  wasi.set_args(o.file_and_args);
  for (const std::string& kv : o.env) {
    if (kv.find('=') == std::string::npos || kv.front() == '=')
      return Error::make(ErrorKind::Usage, "--env '" + kv + "' is not KEY=VALUE");
  }
  wasi.set_env(o.env);
  for (const std::string& dir : o.dirs) {
    // HOST or HOST::GUEST; the guest sees the directory under GUEST (default: HOST).
    size_t sep = dir.find("::");
    std::string host = sep == std::string::npos ? dir : dir.substr(0, sep);
    std::string guest = sep == std::string::npos ? dir : dir.substr(sep + 2);
    if (host.empty() || guest.empty())
      return Error::make(ErrorKind::Usage, "--dir '" + dir + "' is not HOST[::GUEST]");
    IRONCLAD_TRY(wasi.preopen_dir(host, guest));
  }
  return {};
}

Result<std::vector<Value>> parse_invoke_args(const wasm::FuncType& type,
                                             const std::vector<std::string>& texts,
                                             const std::string& name) {
  if (texts.size() != type.params.size()) {
    return Error::make(ErrorKind::Usage, "export '" + name + "' " + type.to_string() + " takes " +
                                             std::to_string(type.params.size()) + " arguments, " +
                                             std::to_string(texts.size()) + " given");
  }
  std::vector<Value> args;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto v = parse_value(texts[i], type.params[i]);
    if (!v.ok()) {
      Error e = std::move(v).error();
      e.message = "argument " + std::to_string(i + 1) + " of '" + name + "': " + e.message;
      return e;
    }
    args.push_back(*v);
  }
  return args;
}

Result<runtime::FunctionInstance*> exported_function(runtime::Instance& instance,
                                                     const std::string& name) {
  IRONCLAD_TRY_ASSIGN(runtime::Extern ext, instance.get_export(name));
  if (ext.kind != wasm::ExternKind::Func || ext.func == nullptr)
    return Error::make(ErrorKind::Usage, "export '" + name + "' is a " + wasm::to_string(ext.kind) +
                                             ", not a function");
  return ext.func;
}

// Turns proc_exit into the status it asked for; other errors stay errors.
Result<int> exit_status_of(Result<void> outcome) {
  if (outcome.ok()) return exit_status::kOk;
  Error& e = outcome.error();
  if (e.kind != ErrorKind::Exit) return std::move(e);
  if (e.exit_code < 0 || e.exit_code > 255) {
    e.message = "proc_exit(" + std::to_string(e.exit_code) +
                ") is outside the exit statuses a process can return (0..255)";
    return std::move(e);
  }
  return e.exit_code;
}

// What a run on the recovery ladder takes from the command line, for a module or a component.
RecoveringRunRequest recovering_request(const RunOptions& o, const TierPlan& plan,
                                        runtime::StoreLimits limits, std::string tier,
                                        std::shared_future<OpenedRecoveryStore> store_opening) {
  RecoveringRunRequest request;
  request.store_opening = std::move(store_opening);
  request.file = o.file_and_args.front();
  request.plan.tier = std::move(tier);
  request.plan.policy = o.tier.policy;
  request.plan.cpu_profile = o.tier.cpu_profile;
  request.plan.cpu_features = o.tier.cpu_features;
  request.plan.emulate_cpu = plan.emulate_cpu;
  request.limits = limits;
  request.configure_wasi = [&o](wasi::WasiContext& wasi) { return configure_wasi(o, wasi); };
  request.data_dir =
      o.data_dir.empty() ? host::default_data_dir() : std::filesystem::path(o.data_dir);
  request.idempotent = o.idempotent;
  request.code_cache = !o.no_code_cache;
  if (request.code_cache) request.code_cache_limit = code_cache_limit_from_env();
  request.crash_report_limit = crash_report_limit_from_env();
  request.show_tier = o.tier.show_tier;
  return request;
}

// The JIT runs on the recovery ladder (run_recovery.h): a CPU fault in its code demotes the
// module, with a crash report and the user told, instead of ending the run.
Result<int> run_recovering_jit(const RunOptions& o, const TierPlan& plan,
                               runtime::StoreLimits limits,
                               std::shared_ptr<const wasm::Module> module,
                               std::shared_future<OpenedRecoveryStore> store_opening) {
  RecoveringRunRequest request =
      recovering_request(o, plan, limits, o.tier.tier, std::move(store_opening));
  if (o.invoke) {
    // The export and its arguments are checked before anything runs, as without the JIT.
    const wasm::Export* e = module->find_export(*o.invoke);
    if (e == nullptr) return Error::make(ErrorKind::Usage, "unknown export: " + *o.invoke);
    if (e->kind != wasm::ExternKind::Func)
      return Error::make(ErrorKind::Usage, "export '" + *o.invoke + "' is a " +
                                               wasm::to_string(e->kind) + ", not a function");
    std::vector<std::string> texts(o.file_and_args.begin() + 1, o.file_and_args.end());
    IRONCLAD_TRY_ASSIGN(request.args,
                        parse_invoke_args(module->func_type(e->index), texts, *o.invoke));
    request.invoke = o.invoke;
  }
  request.module = std::move(module);
  auto results = run_recovering(request);
  if (!results.ok()) return exit_status_of(Result<void>(std::move(results).error()));
  for (const Value& v : *results) std::printf("%s\n", v.to_string().c_str());
  std::fflush(stdout);
  return exit_status::kOk;
}

// A component: its wasi:cli/run export on the recovery ladder, in the tier asked for.
Result<int> run_component(const RunOptions& o, const TierPlan& plan, runtime::StoreLimits limits,
                          const std::vector<uint8_t>& bytes,
                          std::shared_future<OpenedRecoveryStore> store_opening) {
  if (o.invoke)
    return Error::make(ErrorKind::Usage,
                       "--invoke is for core modules; a component runs its wasi:cli/run export");
  RecoveringRunRequest request =
      recovering_request(o, plan, limits,
                         plan.kind == TierKind::Jit      ? "jit"
                         : plan.kind == TierKind::Tiered ? "tiered"
                                                         : "interp",
                         std::move(store_opening));
  auto status = run_recovering_component(request, bytes);
  if (!status.ok()) return exit_status_of(Result<void>(std::move(status).error()));
  return *status;
}

Result<int> run(const RunOptions& o) {
  // Declared first, destroyed last: see open_llvm_backend_early.
  std::shared_future<void> llvm_opening;
  const std::string& file = o.file_and_args.front();
  // Command-line mistakes first: they are reported before the file is even read.
  IRONCLAD_TRY_ASSIGN(TierPlan tier_plan, plan_tier(o.tier, stderr));
  runtime::StoreLimits limits;
  IRONCLAD_TRY_ASSIGN(limits.fuel, parse_fuel(o.fuel));
  IRONCLAD_TRY_ASSIGN(limits.call_timeout, parse_timeout(o.timeout));
  const std::filesystem::path data_dir =
      o.data_dir.empty() ? host::default_data_dir() : std::filesystem::path(o.data_dir);
  // A run on the recovery ladder (any tier but the interpreter) opens its recovery store
  // meanwhile.
  std::shared_future<OpenedRecoveryStore> store_opening;
  if (tier_plan.kind != TierKind::Interp)
    store_opening = open_recovery_store_early(data_dir, crash_report_limit_from_env());
  start_trace::mark(start_trace::Phase::Options);
  // The file is read once, whatever it holds.
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, wasm::read_file_bytes(file));
  start_trace::mark(start_trace::Phase::Read);
  // Compiled code of this module for this tier in the cache is linked at instantiation: LLVM
  // opens meanwhile, while the module is decoded and validated. (Waited for at the end of
  // this function, whatever happens in between.)
  if (tier_plan.kind != TierKind::Interp && !o.no_code_cache &&
      jit::has_cached_code((data_dir / "code-cache").string(), bytes,
                           tier_plan.kind == TierKind::Jit ? ".icwasm" : ".icbatch"))
    llvm_opening = jit::open_llvm_backend_early();
  // A component (WASI 0.2 command) runs on the recovery ladder in either tier.
  if (component::is_component_binary(bytes))
    return run_component(o, tier_plan, limits, bytes, std::move(store_opening));
  // A precompiled artifact (.icwasm) runs its own code, without the recovery ladder.
  IRONCLAD_TRY_ASSIGN(ModuleFile loaded,
                      load_module_file(file, std::move(bytes), data_dir, stderr));
  std::shared_ptr<const wasm::Module> module = loaded.module;
  if (tier_plan.kind != TierKind::Interp && !loaded.artifact)
    return run_recovering_jit(o, tier_plan, limits, std::move(module), std::move(store_opening));
  IRONCLAD_TRY_ASSIGN(
      std::unique_ptr<runtime::Tier> tier,
      loaded.artifact ? make_artifact_tier(tier_plan, o.tier_given, file, loaded.artifact, stderr)
                      : make_tier(tier_plan));
  runtime::Store store(std::move(tier), limits);
  // --show-tier with --tier tiered: what tiering did, once the program has ended.
  struct TieringReport {
    runtime::Store& store;
    bool show;
    ~TieringReport() {
      if (show) print_tiering_stats(store.tier());
    }
  } tiering_report{store, o.tier.show_tier};
  wasi::WasiContext wasi;
  IRONCLAD_TRY(configure_wasi(o, wasi));
  runtime::Linker linker;
  IRONCLAD_TRY(wasi::add_to_linker(linker, store, wasi));

  auto instantiated = linker.instantiate(store, module);
  if (!instantiated.ok()) {
    // A start function may legitimately end the program with proc_exit.
    Result<void> failed = std::move(instantiated).error();
    return exit_status_of(std::move(failed));
  }
  runtime::Instance& instance = **instantiated;

  if (!o.invoke) {
    auto start = exported_function(instance, "_start");
    if (!start.ok())
      return Error::make(ErrorKind::Usage,
                         "no _start export: not a WASI command (use --invoke NAME to call a "
                         "function)");
    auto outcome = store.invoke(**start, {});
    if (!outcome.ok()) return exit_status_of(Result<void>(std::move(outcome).error()));
    return exit_status::kOk;
  }

  IRONCLAD_TRY_ASSIGN(runtime::FunctionInstance * func, exported_function(instance, *o.invoke));
  std::vector<std::string> texts(o.file_and_args.begin() + 1, o.file_and_args.end());
  IRONCLAD_TRY_ASSIGN(std::vector<Value> args, parse_invoke_args(*func->type, texts, *o.invoke));
  // A WASI reactor initialises itself in _initialize before any other export is called.
  if (instance.module->find_export("_initialize") != nullptr) {
    IRONCLAD_TRY_ASSIGN(runtime::FunctionInstance * init,
                        exported_function(instance, "_initialize"));
    auto init_outcome = store.invoke(*init, {});
    if (!init_outcome.ok()) return exit_status_of(Result<void>(std::move(init_outcome).error()));
  }
  auto results = store.invoke(*func, args);
  if (!results.ok()) return exit_status_of(Result<void>(std::move(results).error()));
  for (const Value& v : *results) std::printf("%s\n", v.to_string().c_str());
  std::fflush(stdout);
  return exit_status::kOk;
}

// `ironclad run prog.wasm --policy native` hands "--policy native" to the program, as it
// must (programs take dashed arguments too). Someone who meant it for ironclad would see a
// run that silently ignored it, so say so once per such argument.
void warn_about_options_after_file(const CLI::App& cmd,
                                   const std::vector<std::string>& file_and_args) {
  for (size_t i = 1; i < file_and_args.size(); ++i) {
    const std::string& arg = file_and_args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() <= 2) continue;
    std::string name = arg.substr(0, arg.find('='));
    if (cmd.get_option_no_throw(name) == nullptr) continue;
    std::fprintf(stderr,
                 "ironclad: warning: '%s' comes after FILE, so it is passed to the program; put "
                 "ironclad's options before FILE (ironclad run [OPTIONS] FILE [ARGS...])\n",
                 name.c_str());
  }
}

}  // namespace

void register_run_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<RunOptions>();
  o->tier.tier = "auto";  // run starts tiered when the policy allows a JIT (docs/tiering.md)
  CLI::App* cmd = app.add_subcommand("run", "Run a WASI command, or call one export with --invoke");
  // Everything from FILE on belongs to the program, dashes included.
  cmd->prefix_command();
  cmd->add_option("--invoke", o->invoke,
                  "Call this export instead of _start; ARGS are its parameters (integers in "
                  "decimal or 0x hex, floats in decimal, inf or nan); prints each result on "
                  "its own line");
  // One value per occurrence, so `--env K=V FILE` leaves FILE alone.
  cmd->add_option("--env", o->env, "Set an environment variable KEY=VALUE (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--dir", o->dirs,
                  "Give the program the host directory HOST, named GUEST inside (default: "
                  "HOST), as HOST[::GUEST] (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_tier_options(cmd, o->tier, /*with_tier=*/true);
  cmd->add_option("--fuel", o->fuel, "Instruction budget per call (0: unlimited)")
      ->capture_default_str();
  cmd->add_option("--timeout", o->timeout,
                  "Seconds the call may take, time in host calls (sleeps, reads) included "
                  "(0: no limit); past it the run ends with status 1")
      ->capture_default_str();
  cmd->add_option(
      "--data-dir", o->data_dir,
      "Where the JIT's recovery keeps the quarantine and crash reports, and the JIT its "
      "compiled code (default: "
      "$IRONCLAD_DATA_DIR, else $XDG_DATA_HOME/ironclad, else "
      "~/.local/share/ironclad)");
  cmd->add_flag("--no-code-cache", o->no_code_cache,
                "Compile the JIT code every time instead of keeping it in <data dir>/code-cache "
                "for the next run");
  cmd->add_flag("--idempotent", o->idempotent,
                "The --invoke export may be called again after a CPU fault even if it already "
                "had visible effects (else only a call without effects is repeated)");
  cmd->add_flag("--show-start", o->show_start,
                "At exit, print on stderr the engine's phases from the process's start to the "
                "program's first instruction (read, decode, validate, setup, instantiate, "
                "first function), wall and CPU time each");
  cmd->footer(kRunExitStatusHelp);
  cmd->callback([cmd, o, &exit_status] {
    o->file_and_args = cmd->remaining();
    warn_about_options_after_file(*cmd, o->file_and_args);
    o->tier_given = cmd->get_option("--tier")->count() > 0;
    if (o->file_and_args.empty()) {
      std::fprintf(stderr, "ironclad: run: no module file given (ironclad run --help)\n");
      exit_status = exit_status::kUsage;
      return;
    }
    const std::string& file = o->file_and_args.front();
    if (file.size() > 1 && file.front() == '-') {
      std::fprintf(stderr, "ironclad: run: unknown option '%s' (ironclad run --help)\n",
                   file.c_str());
      exit_status = exit_status::kUsage;
      return;
    }
    auto status = run(*o);
    if (o->show_start) {
      std::fflush(stdout);
      std::fputs(start_trace::report().c_str(), stderr);
    }
    if (status.ok()) {
      exit_status = *status;
    } else {
      std::fflush(stdout);
      report_error(file, status.error());
      exit_status = status_for(status.error());
    }
  });
}

}  // namespace ironclad::cli
