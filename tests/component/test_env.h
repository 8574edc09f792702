// Where the component tests find their material: the shared Zed extensions (../shared), the
// npm component tooling (tools/npm, installed by scripts/install-deps.sh) and node, and a way
// to run a program and read what it printed.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace ironclad::component::testing {

namespace fs = std::filesystem;

// Every ../shared/zed-extensions/*/extension.wasm, sorted; empty when ../shared is absent.
inline std::vector<fs::path> shared_extensions() {
  std::vector<fs::path> out;
  const char* shared = std::getenv("IRONCLAD_SHARED_DIR");
  if (!shared) return out;
  fs::path dir = fs::path(shared) / "zed-extensions";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    fs::path wasm = entry.path() / "extension.wasm";
    if (fs::is_regular_file(wasm, ec)) out.push_back(wasm);
  }
  std::sort(out.begin(), out.end());
  return out;
}

#define IRONCLAD_REQUIRE_SHARED_EXTENSIONS(list)                                        \
  auto list = ::ironclad::component::testing::shared_extensions();                      \
  if (list.empty()) {                                                                   \
    GTEST_SKIP() << "no Zed extensions: IRONCLAD_SHARED_DIR/zed-extensions is missing " \
                    "(../shared is not there)";                                         \
  }

struct RunResult {
  int status = -1;
  std::string out, err;
};

inline std::string read_all(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// Runs argv[0] (searched in PATH) with stdin from /dev/null, or from `stdin_fd`; stdout goes
// to `stdout_fd` when one is given (RunResult::out is then empty).
inline RunResult run(const std::vector<std::string>& args, int stdin_fd = -1,
                     int stdout_fd = -1) {
  RunResult r;
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  if (!out || !err) return r;
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(stdin_fd >= 0 ? stdin_fd : ::open("/dev/null", O_RDONLY), 0);
    ::dup2(stdout_fd >= 0 ? stdout_fd : ::fileno(out), 1);
    ::dup2(::fileno(err), 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  r.out = read_all(out);
  r.err = read_all(err);
  std::fclose(out);
  std::fclose(err);
  return r;
}

// tools/npm/node_modules when the npm tools are installed and node runs; "" otherwise.
inline std::string npm_modules() {
  std::error_code ec;
  fs::path dir = IRONCLAD_NPM_MODULES;
  if (!fs::is_regular_file(dir / "@bytecodealliance/jco/package.json", ec)) return "";
  if (run({"node", "--version"}).status != 0) return "";
  return dir.string();
}

#define IRONCLAD_REQUIRE_NPM_TOOLS(var)                                                   \
  std::string var = ::ironclad::component::testing::npm_modules();                        \
  if (var.empty()) {                                                                      \
    GTEST_SKIP() << "the npm component tools are not installed (tools/npm/node_modules; " \
                    "scripts/install-deps.sh installs them) or node is missing";          \
  }

inline std::string tools_dir() {
  return IRONCLAD_COMPONENT_TEST_TOOLS;
}

}  // namespace ironclad::component::testing
