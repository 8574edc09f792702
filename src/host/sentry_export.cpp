// Crash reports as Sentry envelopes (https://develop.sentry.dev/sdk/envelopes/): per report,
// an envelope header line, an item header line with the payload's byte length, and the
// event. Event ids derive from report ids, so exporting a report twice gives the same event
// and the crash service deduplicates it.
#include <xxhash.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "host/crash_report.h"
#include "host/crash_signals.h"
#include "host/hex_text.h"
#include "host/registers_json.h"
#include "host/utc_time.h"

namespace ironclad::host {

namespace {

using json = nlohmann::ordered_json;

// 32 lowercase hex digits, no dashes, as Sentry wants event ids.
std::string event_id_for(const CrashReport& r) {
  std::string seed = "ironclad-sentry-event\n" + r.id + "\n" + std::to_string(r.timestamp);
  XXH128_hash_t h = XXH3_128bits(seed.data(), seed.size());
  return hex64(h.high64) + hex64(h.low64);
}

std::string rfc3339(int64_t seconds) {
  return utc_time_text(seconds, "%Y-%m-%dT%H:%M:%SZ");
}

// Sentry rejects empty tag values and truncates long ones at 200 characters.
std::string tag_value(const std::string& value) {
  if (value.empty()) return "none";
  return value.size() <= 200 ? value : value.substr(0, 200);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// The module as a debug image, so frames' addresses read as module offsets ("rel:0").
json debug_image(const CrashReport& r) {
  std::string h = r.module_hash.size() == 32 ? r.module_hash : std::string(32, '0');
  std::string uuid = h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
                     h.substr(16, 4) + "-" + h.substr(20, 12);
  return json{{"type", "wasm"},
              {"code_file", r.module_path.empty() ? r.extension_id : r.module_path},
              {"code_id", r.module_hash},
              {"debug_id", uuid}};
}

json frames_json(const CrashReport& r) {
  std::string package = r.extension_id.empty() ? r.module_path : r.extension_id;
  json frames = json::array();
  // Reports list the innermost frame first; Sentry wants the outermost first.
  for (auto it = r.backtrace.rbegin(); it != r.backtrace.rend(); ++it) {
    std::string name = it->function_name.empty()
                           ? "func[" + std::to_string(it->function_index) + "]"
                           : it->function_name;
    frames.push_back(json{{"function", name},
                          {"package", package},
                          {"instruction_addr", hex_address(it->code_offset)},
                          {"addr_mode", "rel:0"},
                          {"in_app", true}});
  }
  return frames;
}

json event_json(const CrashReport& r, const std::string& event_id) {
  const FaultDetails* fault = r.fault ? &*r.fault : nullptr;
  json mechanism{{"type", fault && fault->signal != 0 ? "signalhandler" : "generic"},
                 {"handled", true},
                 {"description",
                  "caught by the Ironclad extension host; the application "
                  "kept running"}};
  if (fault && fault->signal != 0)
    mechanism["meta"] =
        json{{"signal", json{{"number", fault->signal}, {"name", signal_name(fault->signal)}}}};
  json exception{{"type", r.kind}, {"value", r.message}, {"mechanism", mechanism}};
  if (!r.extension_id.empty()) exception["module"] = r.extension_id;
  json frames = frames_json(r);
  if (!frames.empty()) {
    json stacktrace{{"frames", std::move(frames)}};
    // Sentry shows these with the innermost frame: the machine state at the fault.
    if (fault && !fault->registers.empty())
      stacktrace["registers"] = registers_json(fault->registers);
    exception["stacktrace"] = std::move(stacktrace);
  }

  std::string isa_set = fault ? fault->isa_set : "";
  std::string missing = fault ? join(fault->missing_features) : "";
  json event;
  event["event_id"] = event_id;
  event["timestamp"] = rfc3339(r.timestamp);
  event["platform"] = "native";
  // The application survived; only a disabled extension is the end of something. A limit
  // report (a timeout, a memory refusal) is a limit doing its job: a warning.
  event["level"] = is_limit_report_kind(r.kind) ? "warning"
                   : r.tier_after == "disabled" ? "fatal"
                                                : "error";
  event["logger"] = "ironclad";
  event["exception"] = json{{"values", json::array({std::move(exception)})}};
  event["debug_meta"] = json{{"images", json::array({debug_image(r)})}};
  event["contexts"] = json{{"os", json{{"name", "Linux"}, {"kernel_version", r.kernel_release}}},
                           {"device", json{{"arch", "x86_64"}, {"cpu_description", r.cpu_model}}},
                           {"cpu", json{{"type", "cpu"},
                                        {"fingerprint", r.cpu_fingerprint},
                                        {"model", r.cpu_model},
                                        {"verified_features", r.host_verified},
                                        {"emulated_cpu", r.emulated_cpu}}},
                           {"extension", json{{"type", "extension"},
                                              {"id", r.extension_id},
                                              {"version", r.extension_version},
                                              {"module_path", r.module_path},
                                              {"module_hash", r.module_hash},
                                              {"export", r.export_name},
                                              {"compiled_for", r.compiled_for},
                                              {"tier_before", r.tier_before},
                                              {"tier_after", r.tier_after}}},
                           {"fault", fault ? json{{"type", "fault"},
                                                  {"instruction", fault->instruction},
                                                  {"mnemonic", fault->mnemonic},
                                                  {"isa_set", fault->isa_set},
                                                  {"missing_features", fault->missing_features},
                                                  {"pc", hex_address(fault->pc)},
                                                  {"address", hex_address(fault->address)},
                                                  {"function_index", fault->function_index},
                                                  {"code_offset", hex_address(fault->code_offset)}}
                                           : json{{"type", "fault"}}},
                           {"runtime", json{{"name", "ironclad"}, {"version", r.engine_version}}}};
  if (r.limit)
    event["contexts"]["limit"] = json{{"type", "limit"},
                                      {"timeout_seconds", r.limit->timeout_seconds},
                                      {"cap_bytes", r.limit->cap_bytes},
                                      {"growth_bytes", r.limit->growth_bytes},
                                      {"requested_bytes", r.limit->requested_bytes},
                                      {"refusals_in_call", r.limit->refusals_in_call}};
  event["tags"] = json{{"kind", tag_value(r.kind)},
                       {"extension", tag_value(r.extension_id)},
                       {"extension_version", tag_value(r.extension_version)},
                       {"isa_set", tag_value(isa_set)},
                       {"missing_features", tag_value(missing)},
                       {"mnemonic", tag_value(fault ? fault->mnemonic : "")},
                       {"signal", tag_value(fault ? signal_name(fault->signal) : "")},
                       {"cpu_fingerprint", tag_value(r.cpu_fingerprint)},
                       {"emulated_cpu", tag_value(r.emulated_cpu)},
                       {"tier_before", tag_value(r.tier_before)},
                       {"tier_after", tag_value(r.tier_after)},
                       {"engine_version", tag_value(r.engine_version)}};
  event["fingerprint"] = json::array({r.fingerprint});
  event["extra"] = json{{"report_id", r.id}, {"module_hash", r.module_hash}};
  event["sdk"] = json{{"name", "ironclad.crash-export"}, {"version", r.engine_version}};
  return event;
}

}  // namespace

std::string to_sentry_envelopes(std::span<const CrashReport> reports) {
  std::string out;
  std::string sent_at = rfc3339(static_cast<int64_t>(std::time(nullptr)));
  for (const CrashReport& r : reports) {
    std::string event_id = event_id_for(r);
    // error_handler replace: a report's text with invalid UTF-8 must not throw.
    std::string payload =
        event_json(r, event_id).dump(-1, ' ', false, json::error_handler_t::replace);
    json header{{"event_id", event_id}, {"sent_at", sent_at}};
    json item{{"type", "event"}, {"length", payload.size()}};
    out += header.dump() + "\n" + item.dump() + "\n" + payload + "\n";
  }
  return out;
}

}  // namespace ironclad::host
