// Runs a test body in a forked child, so that a signal the handlers fail to handle kills
// the child, not the test binary. The body returns "" on success or what went wrong; the
// parent gets that text, or a description of how the child died.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <functional>
#include <string>

namespace ironclad::test {

struct ChildOutcome {
  std::string failure;  // the body's report ("" = it passed), or how the child ended
  bool exited = false;  // exited normally (then exit_code)
  int exit_code = -1;
  int term_signal = 0;  // killed by this signal
};

// In the child: the write end of the report pipe, for signal handlers that must leave a
// trace before the child dies (write(2) is async-signal-safe).
inline int child_report_fd = -1;

inline void child_note(const char* text) {
  if (child_report_fd < 0) return;
  ssize_t ignored = write(child_report_fd, text, strlen(text));
  (void)ignored;
}

inline ChildOutcome run_in_child(const std::function<std::string()>& body) {
  ChildOutcome outcome;
  int fds[2];
  if (pipe(fds) != 0) {
    outcome.failure = "pipe failed";
    return outcome;
  }
  pid_t pid = fork();
  if (pid < 0) {
    outcome.failure = "fork failed";
    return outcome;
  }
  if (pid == 0) {
    close(fds[0]);
    child_report_fd = fds[1];
    // A handler that returns into the faulting instruction without fixing anything loops
    // forever: SIGALRM's default action ends such a child instead of hanging the test.
    alarm(30);
    std::string report = body();
    ssize_t ignored = write(fds[1], report.data(), report.size());
    (void)ignored;
    _exit(report.empty() ? 0 : 1);
  }
  close(fds[1]);
  std::string report;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    outcome.exited = true;
    outcome.exit_code = WEXITSTATUS(status);
    outcome.failure = report;
    if (outcome.exit_code != 0 && report.empty())
      outcome.failure = "child exited with status " + std::to_string(outcome.exit_code);
  } else if (WIFSIGNALED(status)) {
    outcome.term_signal = WTERMSIG(status);
    outcome.failure = report +
                      (outcome.term_signal == SIGALRM ? "child timed out (a fault loop?); " : "") +
                      "child killed by signal " + std::to_string(outcome.term_signal) + " (" +
                      strsignal(outcome.term_signal) + ")";
  }
  return outcome;
}

// Collects failed checks inside a child body: CHILD_CHECK(cond) appends the condition's
// text and line to `failures`, which the body returns.
#define CHILD_CHECK(failures, cond)                                                               \
  do {                                                                                            \
    if (!(cond)) (failures) += std::string("line ") + std::to_string(__LINE__) + ": " #cond "\n"; \
  } while (0)

}  // namespace ironclad::test
