// Calling any export of a Zed extension with JSON arguments and getting its result as JSON:
// what `ironclad zed call` does (docs/zed.md, "Calling any export"). The mapping between
// JSON and component values is json_values.h's.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ironclad/zed.h"

namespace ironclad::zed {

struct JsonCallAnswer {
  // The result: an export returning result<T, E> that answered ok gives T's value here
  // (null without one); any other export its whole result (null without one).
  nlohmann::ordered_json value;
  // Set when the export returns result<T, E> and answered error: E as text (a string as is,
  // anything else as JSON).
  std::optional<std::string> extension_error;
};

// Calls `export_name` with `args`, a JSON array with one element per parameter. A
// borrow<worktree> parameter takes the worktree `worktree_id` (its JSON is null or
// "worktree"; without a worktree id it is a Usage error), a borrow<project> the project
// (null or "project"); an option<borrow<worktree>> is none for null and the worktree for
// "worktree". Errors: Usage (unknown export, listing the exports; a wrong number of
// arguments; a mismatch naming the argument's index, name and expected type), and whatever
// ZedExtension::call returns.
Result<JsonCallAnswer> call_with_json(ZedExtension& extension, std::string_view export_name,
                                      const nlohmann::json& args,
                                      std::optional<uint64_t> worktree_id);

}  // namespace ironclad::zed
