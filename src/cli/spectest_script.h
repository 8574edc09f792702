// The runner's state while it executes one script: the store, the linker with `spectest`
// and every registered module, the current and the named instances, and the totals.
// Internal to the runner: spectest_runner.cpp runs the commands and handles modules,
// spectest_assertions.cpp performs actions and checks the assertions.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/spectest_checks.h"
#include "cli/spectest_runner.h"
#include "ironclad/error.h"
#include "runtime/runtime.h"

namespace ironclad::cli::spectest {

using nlohmann::json;

// A mistake in the script itself (missing field, unknown module name): kind Usage.
inline Error script_error(std::string why) {
  return Error::make(ErrorKind::Usage, std::move(why));
}

// A string member of a JSON object, or nothing when it is absent or not a string.
inline std::optional<std::string> string_field(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

inline std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

class ScriptRunner {
 public:
  ScriptRunner(std::string script_name, std::filesystem::path dir, const RunOptions& options,
               std::FILE* out);
  ~ScriptRunner();

  // Sets up the store and runs every command; a command's failure never stops the run.
  RunTotals run(const json& commands);
  const RunTotals& totals() const { return totals_; }
  // Counts a failure and prints "SCRIPT:LINE: WHAT: DETAIL".
  void fail(uint64_t line, std::string_view what, const std::string& detail);

 private:
  Result<void> set_up();
  void pass() { ++totals_.passed; }
  void warn(uint64_t line, std::string_view what, const std::string& detail);
  void run_command(const json& command, uint64_t line);

  // Modules (spectest_runner.cpp).
  Result<runtime::Instance*> instantiate_file(const json& command);
  void run_module(const json& command, uint64_t line);
  void run_register(const json& command, uint64_t line);
  Result<runtime::Instance*> find_instance(const json& object, const char* key);

  // Actions and assertions (spectest_assertions.cpp).
  Result<std::vector<Value>> perform(const json& action);
  void run_action(const json& command, uint64_t line);
  void run_assert_return(const json& command, uint64_t line);
  void run_assert_trap(const json& command, uint64_t line);
  void run_assert_exhaustion(const json& command, uint64_t line);
  void run_module_assertion(const json& command, uint64_t line, ModuleAssertion assertion);
  Result<void> load_for(const json& command, ModuleAssertion assertion);

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
  uint64_t current_line_ = 0;  // of the latest module command
  std::unordered_map<std::string, NamedInstance> named_;
};

}  // namespace ironclad::cli::spectest
