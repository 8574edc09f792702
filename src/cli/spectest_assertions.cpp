// Actions (invoke, get) and the assertions about them and about modules that must fail.
#include <string>
#include <vector>

#include "cli/spectest_modules.h"
#include "cli/spectest_script.h"
#include "cli/spectest_values.h"

namespace ironclad::cli::spectest {
namespace {

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

std::string result_text(const std::vector<Value>& results) {
  if (results.empty()) return "a normal return with no results";
  return "results " + value_list(results, [](const Value& v, size_t) { return describe(v); });
}

Result<std::vector<Value>> parse_arguments(const json& action) {
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
std::string describe_action(const json& action) {
  if (!action.is_object()) return "action";
  std::string out = string_field(action, "type").value_or("action");
  if (std::optional<std::string> module = string_field(action, "module")) out += " " + *module;
  out += " " + in_quotes(string_field(action, "field").value_or("?"));
  if (out.starts_with("invoke")) {
    if (Result<std::vector<Value>> args = parse_arguments(action)) {
      out += "(";
      for (size_t i = 0; i < args->size(); ++i) out += (i ? ", " : "") + describe((*args)[i]);
      out += ")";
    }
  }
  return out;
}

const json& action_of(const json& command) {
  static const json kNone;
  auto it = command.find("action");
  return it == command.end() ? kNone : *it;
}

}  // namespace

Result<std::vector<Value>> ScriptRunner::perform(const json& action) {
  if (!action.is_object()) return script_error("the command has no \"action\" object");
  std::optional<std::string> type = string_field(action, "type");
  std::optional<std::string> field = string_field(action, "field");
  if (!type || !field) return script_error("an action needs a \"type\" and a \"field\"");
  // The script's own mistakes first: a bad argument is reported as such, whatever the state
  // of the module.
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

void ScriptRunner::run_action(const json& command, uint64_t line) {
  Result<std::vector<Value>> results = perform(action_of(command));
  if (!results)
    return fail(line, "action",
                describe_action(action_of(command)) + ": " + results.error().describe());
  pass();
}

void ScriptRunner::run_assert_return(const json& command, uint64_t line) {
  const json& action = action_of(command);
  std::vector<ExpectedValue> expected;
  if (auto it = command.find("expected"); it != command.end() && it->is_array()) {
    for (const json& desc : *it) {
      Result<ExpectedValue> value = parse_expected(desc);
      if (!value)
        return fail(line, "assert_return", "bad expected value: " + value.error().message);
      expected.push_back(std::move(value).value());
    }
  }
  auto expected_text = [&] {
    return value_list(expected, [](const ExpectedValue& e, size_t) { return describe(e); });
  };
  Result<std::vector<Value>> results = perform(action);
  if (!results) {
    return fail(line, "assert_return", describe_action(action) + ": expected " +
                                           expected_text() + ", got " +
                                           results.error().describe());
  }
  bool ok = results->size() == expected.size();
  for (size_t i = 0; ok && i < expected.size(); ++i) ok = matches(expected[i], (*results)[i]);
  if (ok) return pass();
  // Actual values are shown in the expectation's form (v128 in its lane type).
  std::string got = results->empty() ? std::string("no results")
                                     : value_list(*results, [&](const Value& v, size_t i) {
                                         return i < expected.size() ? describe(v, expected[i])
                                                                    : describe(v);
                                       });
  fail(line, "assert_return",
       describe_action(action) + ": expected " + expected_text() + ", got " + got);
}

void ScriptRunner::run_assert_trap(const json& command, uint64_t line) {
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

void ScriptRunner::run_assert_exhaustion(const json& command, uint64_t line) {
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

void ScriptRunner::run_module_assertion(const json& command, uint64_t line,
                                        ModuleAssertion assertion) {
  const char* what = to_string(assertion);
  if (string_field(command, "module_type").value_or("binary") == "text") {
    ++totals_.skipped;  // a text module: this engine reads binaries only
    return;
  }
  std::string text = string_field(command, "text").value_or("");
  ErrorKind want = expected_kind(assertion);
  std::string expectation =
      std::string("expected ") + ironclad::to_string(want) + " (" + in_quotes(text) + ")";
  Result<void> outcome = load_for(command, assertion);
  if (outcome) {
    bool decode_only =
        assertion == ModuleAssertion::Malformed || assertion == ModuleAssertion::Invalid;
    return fail(line, what,
                expectation + ", but the module " + (decode_only ? "was accepted" : "instantiated"));
  }
  const Error& error = outcome.error();
  if (error.kind != want) return fail(line, what, expectation + ", got " + error.describe());
  if (!message_matches(error, text))
    warn(line, what, "expected text " + in_quotes(text) + ", got " + in_quotes(error.message));
  pass();
}

// Goes only as far as the assertion needs: decode and validate for malformed/invalid (no
// instance is made), instantiation too for unlinkable/uninstantiable.
Result<void> ScriptRunner::load_for(const json& command, ModuleAssertion assertion) {
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

}  // namespace ironclad::cli::spectest
