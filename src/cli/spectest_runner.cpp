#include "cli/spectest_runner.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/spectest_checks.h"
#include "cli/spectest_host.h"
#include "cli/spectest_modules.h"
#include "cli/spectest_values.h"
#include "interp/interpreter.h"
#include "runtime/runtime.h"

namespace ironclad::cli::spectest {
namespace {

using nlohmann::json;

Error script_error(std::string why) { return Error::make(ErrorKind::Usage, std::move(why)); }

// A string member of a command, or nothing when it is absent or not a string.
std::optional<std::string> string_field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// "(i32:1, f32:0x3f800000 (1))" for several values, the bare value for one.
template <typename T, typename Describe>
std::string value_list(const std::vector<T>& values, Describe describe_one) {
  if (values.size() == 1) return describe_one(values[0], 0);
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += describe_one(values[i], i);
  }
  return out + ")";
}

Result<std::unique_ptr<runtime::Tier>> make_tier(const std::string& name) {
  if (name == "interp") return interp::make_interpreter();
  return script_error("unknown tier \"" + name + "\" (available: interp)");
}

class ScriptRunner {
 public:
  ScriptRunner(std::string script_name, std::filesystem::path dir, const RunOptions& options,
               std::FILE* out)
      : script_name_(std::move(script_name)), dir_(std::move(dir)), options_(options), out_(out) {}

  RunTotals run(const json& commands) {
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
      // The engine returns errors as values; an exception here is a bug in the runner or
      // the engine, reported as that command's failure so the rest of the script still runs.
      try {
        run_command(command, line);
      } catch (const std::exception& e) {
        fail(line, "internal", std::string("unexpected exception: ") + e.what());
      }
    }
    return totals_;
  }

  const RunTotals& totals() const { return totals_; }
  void fail(uint64_t line, std::string_view what, const std::string& detail) {
    ++totals_.failed;
    std::fprintf(out_, "%s:%llu: %.*s: %s\n", script_name_.c_str(),
                 static_cast<unsigned long long>(line), static_cast<int>(what.size()),
                 what.data(), detail.c_str());
  }

 private:
  Result<void> set_up() {
    IRONCLAD_TRY_ASSIGN(std::unique_ptr<runtime::Tier> tier, make_tier(options_.tier));
    runtime::StoreLimits limits;
    limits.max_call_depth = options_.max_call_depth;
    store_ = std::make_unique<runtime::Store>(std::move(tier), limits);
    return define_spectest_module(*store_, linker_);
  }

  void pass() { ++totals_.passed; }

  void warn(uint64_t line, std::string_view what, const std::string& detail) {
    ++totals_.warnings;
    if (!options_.show_warnings) return;
    std::fprintf(out_, "%s:%llu: warning: %.*s: %s\n", script_name_.c_str(),
                 static_cast<unsigned long long>(line), static_cast<int>(what.size()),
                 what.data(), detail.c_str());
  }

  void run_command(const json& command, uint64_t line) {
    std::optional<std::string> type =
        command.is_object() ? string_field(command, "type") : std::nullopt;
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

  // --- modules ---------------------------------------------------------------------------

  Result<runtime::Instance*> instantiate_file(const json& command) {
    std::optional<std::string> filename = string_field(command, "filename");
    if (!filename) return script_error("the command has no \"filename\"");
    IRONCLAD_TRY_ASSIGN(std::shared_ptr<const wasm::Module> module,
                        load_module_file(dir_ / *filename));
    return linker_.instantiate(*store_, std::move(module));
  }

  void run_module(const json& command, uint64_t line) {
    std::optional<std::string> name = string_field(command, "name");
    Result<runtime::Instance*> instance = instantiate_file(command);
    // A module that failed leaves no current module, so the commands that use it fail
    // with a message pointing here instead of running against an older module.
    current_ = instance ? *instance : nullptr;
    current_line_ = line;
    if (name) named_[*name] = {current_, line};
    if (!instance) return fail(line, "module", instance.error().describe());
    pass();
  }

  void run_register(const json& command, uint64_t line) {
    std::optional<std::string> as = string_field(command, "as");
    if (!as) return fail(line, "register", "the command has no \"as\" name");
    Result<runtime::Instance*> instance = find_instance(command, "name");
    if (!instance) return fail(line, "register", instance.error().message);
    linker_.define_instance(*as, **instance);
    pass();
  }

  void run_module_assertion(const json& command, uint64_t line, ModuleAssertion assertion) {
    const char* what = to_string(assertion);
    if (string_field(command, "module_type").value_or("binary") == "text") {
      ++totals_.skipped;  // a text module: this engine reads binaries only
      return;
    }
    std::string text = string_field(command, "text").value_or("");
    ErrorKind want = expected_kind(assertion);
    Result<void> outcome = load_for(command, assertion);
    if (outcome) {
      return fail(line, what,
                  std::string("expected ") + ironclad::to_string(want) + " (" + in_quotes(text) +
                      "), but the module " +
                      (assertion == ModuleAssertion::Malformed || assertion == ModuleAssertion::Invalid
                           ? "was accepted"
                           : "instantiated"));
    }
    const Error& error = outcome.error();
    if (error.kind != want) {
      return fail(line, what,
                  std::string("expected ") + ironclad::to_string(want) + " (" + in_quotes(text) +
                      "), got " + error.describe());
    }
    if (!message_matches(error, text))
      warn(line, what, "expected text " + in_quotes(text) + ", got " + in_quotes(error.message));
    pass();
  }

  // Goes only as far as the assertion needs: decode and validate for malformed/invalid
  // (no instance is made), instantiation too for unlinkable/uninstantiable.
  Result<void> load_for(const json& command, ModuleAssertion assertion) {
    if (assertion == ModuleAssertion::Malformed || assertion == ModuleAssertion::Invalid) {
      std::optional<std::string> filename = string_field(command, "filename");
      if (!filename) return script_error("the command has no \"filename\"");
      Result<std::shared_ptr<const wasm::Module>> module = load_module_file(dir_ / *filename);
      if (!module) return std::move(module).error();
      return {};
    }
    Result<runtime::Instance*> instance = instantiate_file(command);
    if (!instance) return std::move(instance).error();
    return {};
  }

  // The instance a command or action names with `key`, or the current module.
  Result<runtime::Instance*> find_instance(const json& object, const char* key) {
    std::optional<std::string> name = string_field(object, key);
    if (!name) {
      if (current_ == nullptr)
        return script_error(current_line_ ? "no module: the module at line " +
                                                std::to_string(current_line_) + " failed to load"
                                          : std::string("no module has been loaded"));
      return current_;
    }
    auto it = named_.find(*name);
    if (it == named_.end()) return script_error("no module named " + *name);
    if (it->second.instance == nullptr)
      return script_error("module " + *name + " (line " + std::to_string(it->second.line) +
                          ") failed to load");
    return it->second.instance;
  }

  // --- actions ---------------------------------------------------------------------------

  Result<std::vector<Value>> perform(const json& action) {
    if (!action.is_object()) return script_error("the command has no \"action\" object");
    std::optional<std::string> type = string_field(action, "type");
    std::optional<std::string> field = string_field(action, "field");
    if (!type || !field) return script_error("an action needs a \"type\" and a \"field\"");
    // The script's own mistakes first: a bad argument is reported as such, whatever the
    // state of the module.
    std::vector<Value> args;
    if (*type == "invoke") {
      IRONCLAD_TRY_ASSIGN(args, parse_arguments(action));
    } else if (*type != "get") {
      return script_error("unknown action type " + in_quotes(*type));
    }
    IRONCLAD_TRY_ASSIGN(runtime::Instance* instance, find_instance(action, "module"));
    IRONCLAD_TRY_ASSIGN(runtime::Extern target, instance->get_export(*field));
    if (*type == "get") {
      if (target.kind != wasm::ExternKind::Global || target.global == nullptr)
        return script_error("export " + in_quotes(*field) + " is not a global");
      return std::vector<Value>{target.global->value};
    }
    if (target.kind != wasm::ExternKind::Func || target.func == nullptr)
      return script_error("export " + in_quotes(*field) + " is not a function");
    return store_->invoke(*target.func, args);
  }

  static Result<std::vector<Value>> parse_arguments(const json& action) {
    std::vector<Value> args;
    auto it = action.find("args");
    if (it == action.end()) return args;
    if (!it->is_array()) return script_error("\"args\" is not an array");
    for (const json& arg : *it) {
      IRONCLAD_TRY_ASSIGN(Value value, parse_argument(arg));
      args.push_back(value);
    }
    return args;
  }

  // `invoke "add"(i32:1, i32:2)` or `get $M "g"`, for failure lines.
  static std::string describe_action(const json& action) {
    if (!action.is_object()) return "action";
    std::string out = string_field(action, "type").value_or("action");
    if (std::optional<std::string> module = string_field(action, "module")) out += " " + *module;
    out += " " + in_quotes(string_field(action, "field").value_or("?"));
    if (out.starts_with("invoke")) {
      Result<std::vector<Value>> args = parse_arguments(action);
      if (args) {
        out += "(";
        for (size_t i = 0; i < args->size(); ++i)
          out += (i ? ", " : "") + describe((*args)[i]);
        out += ")";
      }
    }
    return out;
  }

  static const json& action_of(const json& command) {
    static const json kNone;
    auto it = command.find("action");
    return it == command.end() ? kNone : *it;
  }

  void run_action(const json& command, uint64_t line) {
    Result<std::vector<Value>> results = perform(action_of(command));
    if (!results)
      return fail(line, "action", describe_action(action_of(command)) + ": " +
                                      results.error().describe());
    pass();
  }

  void run_assert_return(const json& command, uint64_t line) {
    const json& action = action_of(command);
    std::vector<ExpectedValue> expected;
    if (auto it = command.find("expected"); it != command.end() && it->is_array()) {
      for (const json& desc : *it) {
        Result<ExpectedValue> value = parse_expected(desc);
        if (!value) return fail(line, "assert_return", "bad expected value: " + value.error().message);
        expected.push_back(std::move(value).value());
      }
    }
    auto expected_text = [&] {
      return value_list(expected, [](const ExpectedValue& e, size_t) { return describe(e); });
    };
    Result<std::vector<Value>> results = perform(action);
    if (!results) {
      return fail(line, "assert_return", describe_action(action) + ": expected " +
                                             expected_text() + ", got " + results.error().describe());
    }
    bool ok = results->size() == expected.size();
    for (size_t i = 0; ok && i < expected.size(); ++i) ok = matches(expected[i], (*results)[i]);
    if (ok) return pass();
    std::string got = value_list(*results, [&](const Value& v, size_t i) {
      return i < expected.size() ? describe(v, expected[i]) : describe(v);
    });
    if (results->empty()) got = "no results";
    fail(line, "assert_return", describe_action(action) + ": expected " + expected_text() +
                                    ", got " + got);
  }

  void run_assert_trap(const json& command, uint64_t line) {
    std::string text = string_field(command, "text").value_or("");
    const json& action = action_of(command);
    Result<std::vector<Value>> results = perform(action);
    if (results) {
      return fail(line, "assert_trap", describe_action(action) + ": expected trap " +
                                           in_quotes(text) + ", got " + result_text(*results));
    }
    if (!is_expected_trap(results.error(), text)) {
      return fail(line, "assert_trap", describe_action(action) + ": expected trap " +
                                           in_quotes(text) + ", got " + results.error().describe());
    }
    pass();
  }

  void run_assert_exhaustion(const json& command, uint64_t line) {
    std::string text = string_field(command, "text").value_or("call stack exhausted");
    const json& action = action_of(command);
    Result<std::vector<Value>> results = perform(action);
    if (results) {
      return fail(line, "assert_exhaustion", describe_action(action) + ": expected " +
                                                 in_quotes(text) + ", got " + result_text(*results));
    }
    if (!is_call_stack_exhaustion(results.error())) {
      return fail(line, "assert_exhaustion", describe_action(action) + ": expected " +
                                                 in_quotes(text) + ", got " +
                                                 results.error().describe());
    }
    pass();
  }

  static std::string result_text(const std::vector<Value>& results) {
    if (results.empty()) return "a normal return with no results";
    return "results " + value_list(results, [](const Value& v, size_t) { return describe(v); });
  }

  struct NamedInstance {
    runtime::Instance* instance = nullptr;  // null: the module failed to load
    uint64_t line = 0;
  };

  std::string script_name_;
  std::filesystem::path dir_;
  RunOptions options_;
  std::FILE* out_;
  RunTotals totals_;
  std::unique_ptr<runtime::Store> store_;
  runtime::Linker linker_;
  runtime::Instance* current_ = nullptr;
  uint64_t current_line_ = 0;
  std::unordered_map<std::string, NamedInstance> named_;
};

}  // namespace

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
