// libFuzzer target: crash reports are JSON files on disk that anything may have written or
// truncated. Parsing arbitrary text must give a report or a Malformed error, never a crash;
// and a parsed report must survive a round trip: its JSON parses back to the same JSON.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "host/crash_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ironclad::host;
  auto report = crash_report_from_json(std::string(reinterpret_cast<const char*>(data), size));
  if (!report.ok()) return 0;
  std::string json = to_json(*report);
  auto again = crash_report_from_json(json);
  if (!again.ok()) {
    std::fprintf(stderr, "a re-serialised report does not parse: %s\n%s\n",
                 again.error().describe().c_str(), json.c_str());
    std::abort();
  }
  if (std::string json2 = to_json(*again); json2 != json) {
    std::fprintf(stderr, "round trip changed the report:\n%s\n---\n%s\n", json.c_str(),
                 json2.c_str());
    std::abort();
  }
  return 0;
}
