// `ironclad crashes list|show|export` on a data directory of reports, run as a user would.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "host/crash_report.h"
#include "run_process.h"
#include "sample_report.h"
#include "temp_dir.h"

namespace ironclad::host {
namespace {

namespace fs = std::filesystem;
using cli::testing::run_ironclad;
using testing::sample_report;
using testing::TempDir;

// Two groups: three reports of the sample's fingerprint, one of another.
class CrashesCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CrashStore::open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int64_t t : {1795000000, 1795000600, 1795001200}) {
      CrashReport r = sample_report();
      r.id.clear();
      r.timestamp = t;
      ASSERT_TRUE((*store)->write(r).ok());
      latest_id_ = r.id;
    }
    CrashReport other = sample_report();
    other.id = "20261124T000000Z-other";
    other.kind = "EngineFault";
    other.extension_id = "spellcheck";
    other.message = "SIGSEGV in jit code of spellcheck";
    other.fingerprint = "0000111122223333";
    other.timestamp = 1795000300;
    ASSERT_TRUE((*store)->write(other).ok());
  }
  std::string data_dir() const { return dir_.path().string(); }

  TempDir dir_;
  std::string latest_id_;
};

TEST_F(CrashesCommand, ListShowsOneLinePerGroupWithCountsAndTimes) {
  auto r = run_ironclad({"crashes", "list", "--data-dir", data_dir()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::string fp = sample_report().fingerprint;
  size_t line_start = r.out.find(fp);
  ASSERT_NE(line_start, std::string::npos) << r.out;
  std::string line = r.out.substr(line_start, r.out.find('\n', line_start) - line_start);
  EXPECT_NE(line.find(" 3 "), std::string::npos) << line;
  EXPECT_NE(line.find("2026-11-18 11:06:40"), std::string::npos) << line;  // 1795000000
  EXPECT_NE(line.find("2026-11-18 11:26:40"), std::string::npos) << line;  // 1795001200
  EXPECT_NE(line.find("markdown-preview"), std::string::npos) << line;
  EXPECT_NE(line.find("vpmullq"), std::string::npos) << line;
  EXPECT_NE(r.out.find("0000111122223333"), std::string::npos);
  EXPECT_NE(r.out.find("spellcheck"), std::string::npos);
  EXPECT_NE(r.out.find("4 reports in 2 groups"), std::string::npos) << r.out;
  // Most recent group first.
  EXPECT_LT(r.out.find(fp), r.out.find("0000111122223333"));
}

// A crash report's fields come from modules and extensions (a trap message quoting a name),
// and the reports and index from a data directory anyone may have written: none of them may
// drive the terminal (`crashes list` printed them raw).
TEST_F(CrashesCommand, ControlCharactersInReportsNeverReachTheTerminal) {
  {
    auto store = CrashStore::open(dir_.path());
    ASSERT_TRUE(store.ok());
    CrashReport hostile = sample_report();
    hostile.id = "20261124T000000Z-hostile";
    hostile.fingerprint = "4444555566667777";
    hostile.kind = "Trap\x1b[2J";
    hostile.extension_id = "x\x1b]0;pwned\x07";
    hostile.message = "trap in \x1b[31mred\xc2\x9b" "31m";
    ASSERT_TRUE((*store)->write(hostile).ok());
  }
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"crashes", "list"}, {"crashes", "list", "--json"},
        {"crashes", "show", "4444555566667777"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--data-dir", data_dir()});
    auto r = run_ironclad(args);
    EXPECT_EQ(r.status, 0) << r.err;
    for (const std::string& text : {r.out, r.err}) {
      EXPECT_EQ(text.find('\x1b'), std::string::npos) << command.back() << ":\n" << text;
      EXPECT_EQ(text.find('\x07'), std::string::npos) << command.back();
      EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << command.back();
    }
    EXPECT_NE(r.out.find("red"), std::string::npos) << r.out;
  }
}

TEST_F(CrashesCommand, ListJsonHasEveryGroupField) {
  auto r = run_ironclad({"crashes", "list", "--json", "--data-dir", data_dir()});
  ASSERT_EQ(r.status, 0) << r.err;
  auto groups = nlohmann::json::parse(r.out);
  ASSERT_TRUE(groups.is_array());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["fingerprint"], sample_report().fingerprint);
  EXPECT_EQ(groups[0]["count"], 3);
  EXPECT_EQ(groups[0]["first_seen"], 1795000000);
  EXPECT_EQ(groups[0]["last_seen"], 1795001200);
  EXPECT_EQ(groups[0]["latest_report_id"], latest_id_);
  EXPECT_EQ(groups[1]["extension_id"], "spellcheck");
  EXPECT_EQ(groups[1]["kind"], "EngineFault");
}

TEST_F(CrashesCommand, TheDataDirectoryComesFromTheEnvironmentToo) {
  ::setenv("IRONCLAD_DATA_DIR", data_dir().c_str(), 1);
  auto with_env = run_ironclad({"crashes", "list"});
  ::unsetenv("IRONCLAD_DATA_DIR");
  ASSERT_EQ(with_env.status, 0) << with_env.err;
  EXPECT_NE(with_env.out.find("4 reports in 2 groups"), std::string::npos) << with_env.out;
}

TEST_F(CrashesCommand, ShowPrintsTheReportByIdOrFingerprint) {
  auto by_fp = run_ironclad(
      {"crashes", "show", "--data-dir", data_dir(), sample_report().fingerprint.substr(0, 6)});
  ASSERT_EQ(by_fp.status, 0) << by_fp.err;
  auto shown = crash_report_from_json(by_fp.out);
  ASSERT_TRUE(shown.ok()) << shown.error().message << "\n" << by_fp.out;
  EXPECT_EQ(shown->id, latest_id_);
  EXPECT_EQ(shown->timestamp, 1795001200);

  auto by_id =
      run_ironclad({"crashes", "--data-dir", data_dir(), "show", "20261124T000000Z-other"});
  ASSERT_EQ(by_id.status, 0) << by_id.err;
  EXPECT_NE(by_id.out.find("\"kind\": \"EngineFault\""), std::string::npos) << by_id.out;

  auto missing = run_ironclad({"crashes", "show", "--data-dir", data_dir(), "ffffffff"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("no crash report"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.out, "");
}

TEST_F(CrashesCommand, ExportWritesOneSentryEnvelopePerReport) {
  fs::path file = dir_.path() / "out.envelopes";
  auto r = run_ironclad({"crashes", "export", "--data-dir", data_dir(), "--sentry", file.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("4 crash reports exported"), std::string::npos) << r.err;
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  auto to_stdout = run_ironclad({"crashes", "export", "--data-dir", data_dir(), "--sentry", "-"});
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;

  for (const std::string& output : {text, to_stdout.out}) {
    // Every third line is an event: header, item header, payload.
    size_t events = 0, pos = 0, line_no = 0;
    while (pos < output.size()) {
      size_t end = output.find('\n', pos);
      ASSERT_NE(end, std::string::npos);
      auto j = nlohmann::json::parse(output.substr(pos, end - pos));
      if (line_no % 3 == 2) {
        EXPECT_EQ(j["exception"]["values"][0]["mechanism"]["type"], "signalhandler");
        ++events;
      }
      pos = end + 1;
      ++line_no;
    }
    EXPECT_EQ(events, 4u);
  }

  auto unwritable = run_ironclad({"crashes", "export", "--data-dir", data_dir(), "--sentry",
                                  (dir_.path() / "no" / "such" / "dir" / "f").string()});
  EXPECT_EQ(unwritable.status, 1);
  EXPECT_NE(unwritable.err.find("cannot write"), std::string::npos) << unwritable.err;
}

TEST_F(CrashesCommand, AMalformedReportIsAWarningNotAFailure) {
  std::ofstream(dir_.path() / "crashes" / "truncated.json") << "{\"id\": \"trunc";
  auto r = run_ironclad({"crashes", "list", "--data-dir", data_dir()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated.json"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("4 reports in 2 groups"), std::string::npos) << r.out;
}

TEST(CrashesCommandEmpty, AnEmptyDataDirectoryHasNoReportsAndStaysEmpty) {
  TempDir dir;
  fs::path data = dir.path() / "never-used";
  auto r = run_ironclad({"crashes", "list", "--data-dir", data.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("no crash reports"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(data));  // listing creates nothing
  auto show = run_ironclad({"crashes", "show", "--data-dir", data.string(), "abc"});
  EXPECT_EQ(show.status, 1);
}

TEST(CrashesCommandUsage, BadCommandLinesAreStatusTwo) {
  EXPECT_EQ(run_ironclad({"crashes"}).status, 2);
  EXPECT_EQ(run_ironclad({"crashes", "frobnicate"}).status, 2);
  EXPECT_EQ(run_ironclad({"crashes", "show"}).status, 2);
  EXPECT_EQ(run_ironclad({"crashes", "export"}).status, 2);
}

}  // namespace
}  // namespace ironclad::host
