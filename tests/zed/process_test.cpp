// run_process: no shell, output captured, a deadline that kills.
#include <gtest/gtest.h>

#include "zed/process_runner.h"
#include "zed/worktree.h"

namespace ironclad::zed {
namespace {

TEST(ZedProcess, CapturesOutputAndStatusWithoutAShell) {
  ProcessRequest req;
  req.program = "sh";
  req.args = {"-c", "echo out; echo err >&2; exit 3"};
  req.env = current_environment();
  auto r = run_process(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 3);
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_text, "err\n");
  // Arguments are not interpreted by a shell.
  req.program = "echo";
  req.args = {"$HOME;", "`id`"};
  auto echo = run_process(req);
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ(echo->stdout_text, "$HOME; `id`\n");
}

TEST(ZedProcess, DeadlineKillsAndMissingProgramIsAnError) {
  ProcessRequest req;
  req.program = "sleep";
  req.args = {"30"};
  req.env = current_environment();
  req.timeout = std::chrono::milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  auto r = run_process(req);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->status.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  req.program = "no-such-program-ironclad";
  auto missing = run_process(req);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("not found in PATH"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::zed
