// Runs the ironclad binary as a child process and captures what a user would see.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/fixture_dir.h"

namespace ironclad::cli::testing {

struct ProcessResult {
  int status = -1;       // exit status, or -1 when killed by a signal
  int signal = 0;        // the signal that killed it (a crash), or 0
  std::string out;
  std::string err;
  // Number of lines on stderr.
  size_t err_lines() const {
    size_t n = 0;
    for (char c : err) n += c == '\n';
    return n;
  }
};

inline std::string slurp(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// A resource limit set in the child before it runs ironclad (setrlimit soft and hard).
struct ChildLimit {
  int resource = -1;
  rlim_t value = 0;
};
// The status a child exits with when it could not set a ChildLimit (the test then skips).
inline constexpr int kCannotSetLimit = 125;

// Runs IRONCLAD_BINARY with `args`; stdin is /dev/null.
inline ProcessResult run_ironclad(const std::vector<std::string>& args,
                                  const std::vector<ChildLimit>& limits = {}) {
  ProcessResult r;
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  if (!out || !err) return r;
  std::vector<std::string> argv_storage{IRONCLAD_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    for (const ChildLimit& l : limits) {
      struct rlimit rl{l.value, l.value};
      if (::setrlimit(l.resource, &rl) != 0) ::_exit(kCannotSetLimit);
    }
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(::fileno(out), 1);
    ::dup2(::fileno(err), 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (WIFEXITED(wstatus)) r.status = WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) r.signal = WTERMSIG(wstatus);
  r.out = slurp(out);
  r.err = slurp(err);
  std::fclose(out);
  std::fclose(err);
  return r;
}

inline std::string fixture(const std::string& name) {
  return ironclad::testing::fixture_dir() + "/" + name;
}

}  // namespace ironclad::cli::testing
