// Crash reports as JSON (schema: docs/crash-reports.md) and the hashes they are keyed by.
// Reading is lenient where it can be (unknown fields are ignored, so a newer build's reports
// still list) and strict where it must be (a known field of the wrong type is Malformed).
#include <xxhash.h>

#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "host/crash_report.h"
#include "host/crash_signals.h"
#include "host/hex_text.h"
#include "host/registers_json.h"

namespace ironclad::host {

namespace {

using json = nlohmann::ordered_json;

json frame_json(const BacktraceFrame& f) {
  return json{{"function_index", f.function_index},
              {"function_name", f.function_name},
              {"code_offset", f.code_offset}};
}

json fault_json(const FaultDetails& f) {
  return json{{"signal", f.signal},
              {"signal_name", signal_name(f.signal)},
              {"pc", hex_address(f.pc)},
              {"address", hex_address(f.address)},
              {"instruction", f.instruction},
              {"mnemonic", f.mnemonic},
              {"isa_set", f.isa_set},
              {"missing_features", f.missing_features},
              {"compiled_for", f.compiled_for},
              {"host_verified", f.host_verified},
              {"emulated_cpu", f.emulated_cpu},
              {"function_index", f.function_index},
              {"code_offset", hex_address(f.code_offset)},
              {"registers", registers_json(f.registers)}};
}

json limit_json(const CrashReport& c) {
  const LimitDetails& l = *c.limit;
  if (c.kind == kTimeoutReportKind) return json{{"timeout_seconds", l.timeout_seconds}};
  return json{{"cap_bytes", l.cap_bytes},
              {"growth_bytes", l.growth_bytes},
              {"requested_bytes", l.requested_bytes},
              {"refusals_in_call", l.refusals_in_call}};
}

// --- Reading: each getter leaves the default when the field is absent or null. ---

struct Reader {
  const json& object;
  std::string where;  // "report", "fault", "backtrace[2]"

  const json* field(const char* name) const {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }
  Error wrong(const char* name, const char* expected) const {
    return Error::make(ErrorKind::Malformed,
                       "crash report: " + where + "." + name + " is not " + expected);
  }
  Result<void> get(const char* name, std::string& out) const {
    const json* v = field(name);
    if (!v) return {};
    if (!v->is_string()) return wrong(name, "a string");
    out = v->get<std::string>();
    return {};
  }
  template <typename Int>
  Result<void> get_int(const char* name, Int& out) const {
    const json* v = field(name);
    if (!v) return {};
    if (!v->is_number_integer()) return wrong(name, "an integer");
    bool fits =
        v->is_number_unsigned()
            ? v->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<Int>::max())
            : v->get<int64_t>() >= static_cast<int64_t>(std::numeric_limits<Int>::min()) &&
                  v->get<int64_t>() <= static_cast<int64_t>(std::numeric_limits<Int>::max());
    if (!fits) return wrong(name, "an integer in range");
    out = static_cast<Int>(v->get<int64_t>());
    return {};
  }
  // A hex string "0x..." (as written) or a plain integer.
  Result<void> get_address(const char* name, uint64_t& out) const {
    const json* v = field(name);
    if (!v) return {};
    if (v->is_number_unsigned()) {
      out = v->get<uint64_t>();
      return {};
    }
    if (!v->is_string()) return wrong(name, "an address");
    const std::string& s = v->get_ref<const std::string&>();
    if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s.size() > 18)
      return wrong(name, "a hex address such as \"0x1f\"");
    uint64_t value = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      char c = s[i];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return wrong(name, "a hex address such as \"0x1f\"");
      value = value * 16 + static_cast<uint64_t>(digit);
    }
    out = value;
    return {};
  }
};

Result<FaultDetails> read_fault(const json& j) {
  if (!j.is_object())
    return Error::make(ErrorKind::Malformed, "crash report: fault is not an object");
  Reader r{j, "fault"};
  FaultDetails f;
  IRONCLAD_TRY(r.get_int("signal", f.signal));
  IRONCLAD_TRY(r.get_address("pc", f.pc));
  IRONCLAD_TRY(r.get_address("address", f.address));
  IRONCLAD_TRY(r.get("instruction", f.instruction));
  IRONCLAD_TRY(r.get("mnemonic", f.mnemonic));
  IRONCLAD_TRY(r.get("isa_set", f.isa_set));
  if (const json* m = r.field("missing_features")) {
    if (!m->is_array()) return r.wrong("missing_features", "an array of strings");
    for (const json& name : *m) {
      if (!name.is_string()) return r.wrong("missing_features", "an array of strings");
      f.missing_features.push_back(name.get<std::string>());
    }
  }
  IRONCLAD_TRY(r.get("compiled_for", f.compiled_for));
  IRONCLAD_TRY(r.get("host_verified", f.host_verified));
  IRONCLAD_TRY(r.get("emulated_cpu", f.emulated_cpu));
  IRONCLAD_TRY(r.get_int("function_index", f.function_index));
  IRONCLAD_TRY(r.get_address("code_offset", f.code_offset));
  if (const json* regs = r.field("registers")) {
    if (!regs->is_object()) return r.wrong("registers", "an object of register names to values");
    Reader each{*regs, "fault.registers"};
    for (const auto& [name, value] : regs->items()) {
      RegisterValue reg{name, 0};
      IRONCLAD_TRY(each.get_address(name.c_str(), reg.value));
      f.registers.push_back(std::move(reg));
    }
  }
  return f;
}

Result<LimitDetails> read_limit(const json& j) {
  if (!j.is_object())
    return Error::make(ErrorKind::Malformed, "crash report: limit is not an object");
  Reader r{j, "limit"};
  LimitDetails l;
  if (const json* t = r.field("timeout_seconds")) {
    if (!t->is_number() || t->get<double>() < 0) return r.wrong("timeout_seconds", "a number >= 0");
    l.timeout_seconds = t->get<double>();
  }
  IRONCLAD_TRY(r.get_int("cap_bytes", l.cap_bytes));
  IRONCLAD_TRY(r.get_int("growth_bytes", l.growth_bytes));
  IRONCLAD_TRY(r.get_int("requested_bytes", l.requested_bytes));
  IRONCLAD_TRY(r.get_int("refusals_in_call", l.refusals_in_call));
  return l;
}

Result<CrashReport> read_report(const json& j) {
  if (!j.is_object()) return Error::make(ErrorKind::Malformed, "crash report: not a JSON object");
  Reader r{j, "report"};
  CrashReport c;
  IRONCLAD_TRY(r.get_int("schema_version", c.schema_version));
  IRONCLAD_TRY(r.get("id", c.id));
  IRONCLAD_TRY(r.get_int("timestamp", c.timestamp));
  IRONCLAD_TRY(r.get("kind", c.kind));
  if (c.id.empty()) return Error::make(ErrorKind::Malformed, "crash report: no id");
  if (c.kind.empty()) return Error::make(ErrorKind::Malformed, "crash report: no kind");
  IRONCLAD_TRY(r.get("fingerprint", c.fingerprint));
  IRONCLAD_TRY(r.get("message", c.message));
  IRONCLAD_TRY(r.get("extension_id", c.extension_id));
  IRONCLAD_TRY(r.get("extension_version", c.extension_version));
  IRONCLAD_TRY(r.get("module_path", c.module_path));
  IRONCLAD_TRY(r.get("module_hash", c.module_hash));
  IRONCLAD_TRY(r.get("export_name", c.export_name));
  if (const json* frames = r.field("backtrace")) {
    if (!frames->is_array()) return r.wrong("backtrace", "an array");
    for (size_t i = 0; i < frames->size(); ++i) {
      const json& fj = (*frames)[i];
      if (!fj.is_object()) return r.wrong("backtrace", "an array of objects");
      Reader fr{fj, "backtrace[" + std::to_string(i) + "]"};
      BacktraceFrame f;
      IRONCLAD_TRY(fr.get_int("function_index", f.function_index));
      IRONCLAD_TRY(fr.get("function_name", f.function_name));
      IRONCLAD_TRY(fr.get_int("code_offset", f.code_offset));
      c.backtrace.push_back(std::move(f));
    }
  }
  if (const json* fault = r.field("fault")) {
    IRONCLAD_TRY_ASSIGN(c.fault, read_fault(*fault));
  }
  if (const json* limit = r.field("limit")) {
    IRONCLAD_TRY_ASSIGN(c.limit, read_limit(*limit));
  }
  IRONCLAD_TRY(r.get("compiled_for", c.compiled_for));
  IRONCLAD_TRY(r.get("host_verified", c.host_verified));
  IRONCLAD_TRY(r.get("emulated_cpu", c.emulated_cpu));
  IRONCLAD_TRY(r.get("cpu_fingerprint", c.cpu_fingerprint));
  IRONCLAD_TRY(r.get("cpu_model", c.cpu_model));
  IRONCLAD_TRY(r.get("kernel_release", c.kernel_release));
  IRONCLAD_TRY(r.get("engine_version", c.engine_version));
  IRONCLAD_TRY(r.get("tier_before", c.tier_before));
  IRONCLAD_TRY(r.get("tier_after", c.tier_after));
  return c;
}

}  // namespace

bool is_limit_report_kind(const std::string& kind) {
  return kind == kTimeoutReportKind || kind == kMemoryLimitReportKind;
}

std::string module_hash(std::span<const uint8_t> module_bytes) {
  XXH128_hash_t h = XXH3_128bits(module_bytes.data(), module_bytes.size());
  // High half first: the same digits as `xxh128sum`.
  return hex64(h.high64) + hex64(h.low64);
}

std::string stable_fingerprint(const std::string& kind, const std::string& isa_set,
                               const std::string& module_hash, uint32_t function_index) {
  std::string text =
      kind + "|" + isa_set + "|" + module_hash + "|" + std::to_string(function_index);
  return hex64(XXH3_64bits(text.data(), text.size()));
}

std::string to_json(const CrashReport& c) {
  json j;
  j["schema_version"] = c.schema_version;
  j["id"] = c.id;
  j["timestamp"] = c.timestamp;
  j["kind"] = c.kind;
  j["fingerprint"] = c.fingerprint;
  j["message"] = c.message;
  j["extension_id"] = c.extension_id;
  j["extension_version"] = c.extension_version;
  j["module_path"] = c.module_path;
  j["module_hash"] = c.module_hash;
  j["export_name"] = c.export_name;
  json frames = json::array();
  for (const BacktraceFrame& f : c.backtrace) frames.push_back(frame_json(f));
  j["backtrace"] = std::move(frames);
  j["fault"] = c.fault ? fault_json(*c.fault) : json(nullptr);
  j["limit"] = c.limit ? limit_json(c) : json(nullptr);
  j["compiled_for"] = c.compiled_for;
  j["host_verified"] = c.host_verified;
  j["emulated_cpu"] = c.emulated_cpu;
  j["cpu_fingerprint"] = c.cpu_fingerprint;
  j["cpu_model"] = c.cpu_model;
  j["kernel_release"] = c.kernel_release;
  j["engine_version"] = c.engine_version;
  j["tier_before"] = c.tier_before;
  j["tier_after"] = c.tier_after;
  // Invalid UTF-8 in a message (e.g. a mangled name) is replaced, never thrown.
  // ASCII only (\uXXXX for the rest): a report is read in terminals (`crashes show`, cat),
  // and its text comes from modules and extensions.
  return j.dump(2, ' ', true, json::error_handler_t::replace) + "\n";
}

Result<CrashReport> crash_report_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::make(ErrorKind::Malformed, "crash report: not valid JSON");
  try {
    return read_report(j);
  } catch (const std::exception& e) {
    // get<Int> throws on a number out of the field's range.
    return Error::make(ErrorKind::Malformed, std::string("crash report: ") + e.what());
  }
}

}  // namespace ironclad::host
