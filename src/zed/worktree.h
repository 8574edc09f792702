// A worktree as an extension sees it (the `worktree` resource): an id, a root directory, the
// shell environment of a shell started there. Reads are confined to the root: no absolute
// path, no `..`, no symlink that resolves outside it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ironclad/error.h"
#include "ironclad/zed.h"

namespace ironclad::zed {

using EnvVars = ZedEnvVars;
// id, root, shell_env (what `shell-env` answers and `which` searches: its PATH).
using Worktree = ZedWorktree;

// The largest file read-text-file returns.
inline constexpr size_t kMaxWorktreeFileBytes = 64u << 20;

// The text of `relative` inside the worktree. Errors (the extension's error string) say
// why: outside the worktree, not found, not a regular file, too large, not UTF-8.
Result<std::string> read_worktree_file(const Worktree& w, const std::string& relative);

// `binary` on the worktree's shell PATH, as an absolute path.
std::optional<std::string> worktree_which(const Worktree& w, const std::string& binary);

// The process environment as EnvVars (for an embedder's default shell-env).
EnvVars current_environment();

}  // namespace ironclad::zed
