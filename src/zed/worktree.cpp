#include "zed/worktree.h"

#include <unistd.h>

#include "host/bounded_file.h"
#include "zed/process_runner.h"

extern char** environ;

namespace ironclad::zed {
namespace fs = std::filesystem;

namespace {

bool is_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n;
  }
  return true;
}

}  // namespace

Result<std::string> read_worktree_file(const Worktree& w, const std::string& relative) {
  auto refuse = [&](const std::string& why) {
    return Error::make(ErrorKind::Usage, "cannot read '" + relative + "': " + why);
  };
  fs::path rel(relative);
  if (relative.empty()) return refuse("empty path");
  if (rel.is_absolute()) return refuse("absolute path: only paths inside the worktree");
  for (const fs::path& part : rel)
    if (part == "..") return refuse("'..' leaves the worktree");
  std::error_code ec;
  fs::path root = fs::canonical(w.root, ec);
  if (ec) return refuse("the worktree root " + w.root.string() + " is not readable");
  fs::path file = fs::canonical(root / rel, ec);
  if (ec) return refuse("no such file in the worktree");
  // A symlink inside the worktree may point anywhere: what it resolves to must stay inside.
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) return refuse("it resolves outside the worktree");
  auto text = host::read_bounded_regular_file(file, kMaxWorktreeFileBytes);
  if (!text.ok()) return refuse(text.error().message);
  if (!is_utf8(*text)) return refuse("not UTF-8 text");
  return std::move(*text);
}

std::optional<std::string> worktree_which(const Worktree& w, const std::string& binary) {
  if (binary.find('/') != std::string::npos) return std::nullopt;
  std::string path_list;
  for (const auto& [k, v] : w.shell_env)
    if (k == "PATH") path_list = v;
  return find_in_path(binary, path_list);
}

EnvVars current_environment() {
  EnvVars env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

}  // namespace ironclad::zed
