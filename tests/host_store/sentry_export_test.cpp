// Sentry envelopes read back the way a Sentry relay reads them: header line, item header
// with the payload's exact byte length, then the event.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/crash_report.h"
#include "sample_report.h"

namespace ironclad::host {
namespace {

using json = nlohmann::json;
using testing::sample_report;

struct Envelope {
  json header, item_header, event;
};

// Parses concatenated envelopes; fails the test on any framing error.
std::vector<Envelope> parse_envelopes(const std::string& text) {
  std::vector<Envelope> out;
  size_t pos = 0;
  auto next_line = [&](std::string* line) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) return false;
    *line = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };
  while (pos < text.size()) {
    Envelope e;
    std::string line;
    if (!next_line(&line)) {
      ADD_FAILURE() << "no envelope header line at byte " << pos;
      return out;
    }
    e.header = json::parse(line);
    if (!next_line(&line)) {
      ADD_FAILURE() << "no item header line";
      return out;
    }
    e.item_header = json::parse(line);
    size_t length = e.item_header.at("length").get<size_t>();
    if (pos + length > text.size()) {
      ADD_FAILURE() << "item length " << length << " runs past the end";
      return out;
    }
    e.event = json::parse(text.substr(pos, length));
    pos += length;
    if (pos < text.size()) {
      EXPECT_EQ(text[pos], '\n') << "the payload is not followed by a newline";
      ++pos;
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool is_event_id(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SentryExport, OneEnvelopePerReportWithTheEventSentryExpects) {
  CrashReport first = sample_report();
  CrashReport second = sample_report();
  second.id = "20261124T091503Z-ba9876543210";
  second.message = "message with \"quotes\", a newline\nand ünïcödé";
  second.tier_after = "disabled";
  std::vector<CrashReport> reports = {first, second};
  std::string text = to_sentry_envelopes(reports);
  auto envelopes = parse_envelopes(text);
  ASSERT_EQ(envelopes.size(), 2u);

  const Envelope& e = envelopes[0];
  EXPECT_EQ(e.item_header["type"], "event");
  std::string event_id = e.header["event_id"];
  EXPECT_TRUE(is_event_id(event_id)) << event_id;
  EXPECT_EQ(e.event["event_id"], event_id);
  EXPECT_TRUE(e.header.contains("sent_at"));
  EXPECT_EQ(e.event["platform"], "native");
  EXPECT_EQ(e.event["level"], "error");  // the application survived
  EXPECT_EQ(e.event["fingerprint"], json::array({first.fingerprint}));

  const json& exception = e.event["exception"]["values"][0];
  EXPECT_EQ(exception["type"], "CpuIncompatibility");
  EXPECT_EQ(exception["value"], first.message);
  EXPECT_EQ(exception["mechanism"]["type"], "signalhandler");
  EXPECT_EQ(exception["mechanism"]["handled"], true);
  EXPECT_EQ(exception["mechanism"]["meta"]["signal"]["name"], "SIGILL");
  EXPECT_EQ(exception["mechanism"]["meta"]["signal"]["number"], 4);
  // Outermost frame first, as Sentry orders them; the report has innermost first.
  const json& frames = exception["stacktrace"]["frames"];
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0]["function"], "render");
  EXPECT_EQ(frames[2]["function"], "simd_mul");
  EXPECT_EQ(frames[2]["instruction_addr"], "0x1a4");
  // The machine state at the fault goes with the stack trace, where Sentry shows it.
  EXPECT_EQ(exception["stacktrace"]["registers"]["rip"], "0x7f12345678ab");
  EXPECT_EQ(exception["stacktrace"]["registers"]["eflags"], "0x10246");

  const json& tags = e.event["tags"];
  EXPECT_EQ(tags["extension"], "markdown-preview");
  EXPECT_EQ(tags["extension_version"], "1.4.2");
  EXPECT_EQ(tags["isa_set"], "AVX512DQ_128");
  EXPECT_EQ(tags["emulated_cpu"], "alderlake-n");
  EXPECT_EQ(tags["tier_after"], "jit {sse2,avx2}");
  EXPECT_EQ(tags["missing_features"], "avx512dq,avx512vl");
  const json& contexts = e.event["contexts"];
  EXPECT_EQ(contexts["os"]["name"], "Linux");
  EXPECT_EQ(contexts["os"]["kernel_version"], "6.1.0-27-amd64");
  EXPECT_EQ(contexts["cpu"]["fingerprint"], "fedcba9876543210");
  EXPECT_EQ(contexts["cpu"]["model"], "GenuineIntel family 6 model 143");
  EXPECT_EQ(contexts["extension"]["id"], "markdown-preview");
  EXPECT_EQ(contexts["fault"]["instruction"], "vpmullq xmm0, xmm0, xmm1");

  // The second: escaped text keeps the length honest; a disabled extension is fatal.
  EXPECT_EQ(envelopes[1].event["exception"]["values"][0]["value"], second.message);
  EXPECT_EQ(envelopes[1].event["level"], "fatal");
  EXPECT_NE(envelopes[1].header["event_id"], event_id);
}

TEST(SentryExport, EventIdsAreStableSoAReExportDeduplicates) {
  std::vector<CrashReport> reports = {sample_report()};
  auto once = parse_envelopes(to_sentry_envelopes(reports));
  auto twice = parse_envelopes(to_sentry_envelopes(reports));
  ASSERT_EQ(once.size(), 1u);
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(once[0].header["event_id"], twice[0].header["event_id"]);
}

TEST(SentryExport, AReportWithoutSignalOrFramesStillExports) {
  CrashReport r = sample_report();
  r.fault.reset();
  r.backtrace.clear();
  r.extension_id.clear();
  std::vector<CrashReport> reports = {r};
  auto envelopes = parse_envelopes(to_sentry_envelopes(reports));
  ASSERT_EQ(envelopes.size(), 1u);
  const json& exception = envelopes[0].event["exception"]["values"][0];
  EXPECT_EQ(exception["mechanism"]["type"], "generic");
  EXPECT_FALSE(exception.contains("stacktrace"));
  EXPECT_EQ(envelopes[0].event["tags"]["extension"], "none");  // Sentry refuses empty tags
}

// A limit report is exported as a warning, with its limit as a context.
TEST(SentryExport, ALimitReportIsAWarningWithItsLimit) {
  CrashReport r = sample_report();
  r.kind = "Timeout";
  r.fault.reset();
  LimitDetails limit;
  limit.timeout_seconds = 0.25;
  r.limit = limit;
  std::vector<CrashReport> reports = {r};
  auto envelopes = parse_envelopes(to_sentry_envelopes(reports));
  ASSERT_EQ(envelopes.size(), 1u);
  EXPECT_EQ(envelopes[0].event["level"], "warning");
  EXPECT_EQ(envelopes[0].event["exception"]["values"][0]["type"], "Timeout");
  EXPECT_EQ(envelopes[0].event["contexts"]["limit"]["timeout_seconds"], 0.25);
  EXPECT_EQ(envelopes[0].event["tags"]["kind"], "Timeout");
}

TEST(SentryExport, NoReportsIsEmpty) {
  EXPECT_EQ(to_sentry_envelopes({}), "");
}

}  // namespace
}  // namespace ironclad::host
