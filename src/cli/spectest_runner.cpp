// The command loop of a script and its module commands (module, register).
#include "cli/spectest_runner.h"

#include <exception>
#include <fstream>

#include "cli/spectest_host.h"
#include "cli/spectest_modules.h"
#include "cli/spectest_script.h"

namespace ironclad::cli::spectest {
ScriptRunner::ScriptRunner(std::string script_name, std::filesystem::path dir,
                           const RunOptions& options, std::FILE* out)
    : script_name_(std::move(script_name)), dir_(std::move(dir)), options_(options), out_(out) {}

ScriptRunner::~ScriptRunner() = default;

RunTotals ScriptRunner::run(const json& commands) {
  if (Result<void> setup = set_up(); !setup) {
    fail(0, "setup", setup.error().describe());
    return totals_;
  }
  for (const json& command : commands) {
    uint64_t line = 0;
    if (command.is_object()) {
      auto it = command.find("line");
      if (it != command.end() && it->is_number_unsigned()) line = it->get<uint64_t>();
    }
    // The engine returns errors as values; an exception here is a bug in the runner or the
    // engine, reported as that command's failure so that the rest of the script still runs.
    try {
      run_command(command, line);
    } catch (const std::exception& e) {
      fail(line, "internal", std::string("unexpected exception: ") + e.what());
    }
  }
  return totals_;
}

void ScriptRunner::fail(uint64_t line, std::string_view what, const std::string& detail) {
  ++totals_.failed;
  std::fprintf(out_, "%s:%llu: %.*s: %s\n", script_name_.c_str(),
               static_cast<unsigned long long>(line), static_cast<int>(what.size()), what.data(),
               detail.c_str());
}

void ScriptRunner::warn(uint64_t line, std::string_view what, const std::string& detail) {
  ++totals_.warnings;
  if (!options_.show_warnings) return;
  std::fprintf(out_, "%s:%llu: warning: %.*s: %s\n", script_name_.c_str(),
               static_cast<unsigned long long>(line), static_cast<int>(what.size()), what.data(),
               detail.c_str());
}

Result<void> ScriptRunner::set_up() {
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<runtime::Tier> tier, make_tier(options_.tier));
  runtime::StoreLimits limits;
  limits.max_call_depth = options_.max_call_depth;
  store_ = std::make_unique<runtime::Store>(std::move(tier), limits);
  return define_spectest_module(*store_, linker_);
}

void ScriptRunner::run_command(const json& command, uint64_t line) {
  std::optional<std::string> type = string_field(command, "type");
  if (!type) return fail(line, "script", "a command without a \"type\" string");
  if (*type == "module") return run_module(command, line);
  if (*type == "register") return run_register(command, line);
  if (*type == "action") return run_action(command, line);
  if (*type == "assert_return") return run_assert_return(command, line);
  if (*type == "assert_trap") return run_assert_trap(command, line);
  if (*type == "assert_exhaustion") return run_assert_exhaustion(command, line);
  if (*type == "assert_malformed")
    return run_module_assertion(command, line, ModuleAssertion::Malformed);
  if (*type == "assert_invalid")
    return run_module_assertion(command, line, ModuleAssertion::Invalid);
  if (*type == "assert_unlinkable")
    return run_module_assertion(command, line, ModuleAssertion::Unlinkable);
  if (*type == "assert_uninstantiable")
    return run_module_assertion(command, line, ModuleAssertion::Uninstantiable);
  fail(line, *type, "unknown command type");
}

Result<runtime::Instance*> ScriptRunner::instantiate_file(const json& command) {
  std::optional<std::string> filename = string_field(command, "filename");
  if (!filename) return script_error("the command has no \"filename\"");
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<const wasm::Module> module,
                      load_module_file(dir_ / *filename));
  return linker_.instantiate(*store_, std::move(module));
}

void ScriptRunner::run_module(const json& command, uint64_t line) {
  std::optional<std::string> name = string_field(command, "name");
  Result<runtime::Instance*> instance = instantiate_file(command);
  // A module that failed leaves no current module, so the commands that use it fail with
  // a message pointing here instead of running against an older module.
  current_ = instance ? *instance : nullptr;
  current_line_ = line;
  if (name) named_[*name] = {current_, line};
  if (!instance) return fail(line, "module", instance.error().describe());
  pass();
}

void ScriptRunner::run_register(const json& command, uint64_t line) {
  std::optional<std::string> as = string_field(command, "as");
  if (!as) return fail(line, "register", "the command has no \"as\" name");
  Result<runtime::Instance*> instance = find_instance(command, "name");
  if (!instance) return fail(line, "register", instance.error().message);
  linker_.define_instance(*as, **instance);
  pass();
}

// The instance that `object[key]` names, or the current module when there is no key.
Result<runtime::Instance*> ScriptRunner::find_instance(const json& object, const char* key) {
  std::optional<std::string> name = string_field(object, key);
  if (!name) {
    if (current_ != nullptr) return current_;
    if (current_line_ == 0) return script_error("no module has been loaded");
    return script_error("no module: the module at line " + std::to_string(current_line_) +
                        " failed to load");
  }
  auto it = named_.find(*name);
  if (it == named_.end()) return script_error("no module named " + *name);
  if (it->second.instance == nullptr)
    return script_error("module " + *name + " (line " + std::to_string(it->second.line) +
                        ") failed to load");
  return it->second.instance;
}

RunTotals run_script(const std::string& json_path, const RunOptions& options, std::FILE* out) {
  std::filesystem::path path(json_path);
  ScriptRunner runner(json_path, path.parent_path(), options, out);
  std::ifstream in(path);
  if (!in) {
    runner.fail(0, "script", "cannot open " + json_path);
    return runner.totals();
  }
  json script = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (script.is_discarded() || !script.is_object()) {
    runner.fail(0, "script", json_path + " is not a JSON object (is it wast2json output?)");
    return runner.totals();
  }
  auto commands = script.find("commands");
  if (commands == script.end() || !commands->is_array()) {
    runner.fail(0, "script", json_path + " has no \"commands\" array");
    return runner.totals();
  }
  return runner.run(*commands);
}

}  // namespace ironclad::cli::spectest
