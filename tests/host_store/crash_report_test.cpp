// Crash reports as JSON: every field survives a round trip, readers ignore what they do not
// know, bad input is an error and never an exception; the hashes reports are keyed by.
#include "host/crash_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "sample_report.h"

namespace ironclad::host {
namespace {

using testing::sample_report;

void expect_same(const CrashReport& a, const CrashReport& b) {
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.extension_id, b.extension_id);
  EXPECT_EQ(a.extension_version, b.extension_version);
  EXPECT_EQ(a.module_path, b.module_path);
  EXPECT_EQ(a.module_hash, b.module_hash);
  EXPECT_EQ(a.export_name, b.export_name);
  ASSERT_EQ(a.backtrace.size(), b.backtrace.size());
  for (size_t i = 0; i < a.backtrace.size(); ++i) {
    EXPECT_EQ(a.backtrace[i].function_index, b.backtrace[i].function_index) << i;
    EXPECT_EQ(a.backtrace[i].function_name, b.backtrace[i].function_name) << i;
    EXPECT_EQ(a.backtrace[i].code_offset, b.backtrace[i].code_offset) << i;
  }
  ASSERT_EQ(a.fault.has_value(), b.fault.has_value());
  if (a.fault) {
    const FaultDetails& x = *a.fault;
    const FaultDetails& y = *b.fault;
    EXPECT_EQ(x.signal, y.signal);
    EXPECT_EQ(x.pc, y.pc);
    EXPECT_EQ(x.address, y.address);
    EXPECT_EQ(x.instruction, y.instruction);
    EXPECT_EQ(x.mnemonic, y.mnemonic);
    EXPECT_EQ(x.isa_set, y.isa_set);
    EXPECT_EQ(x.missing_features, y.missing_features);
    EXPECT_EQ(x.compiled_for, y.compiled_for);
    EXPECT_EQ(x.host_verified, y.host_verified);
    EXPECT_EQ(x.emulated_cpu, y.emulated_cpu);
    EXPECT_EQ(x.function_index, y.function_index);
    EXPECT_EQ(x.code_offset, y.code_offset);
    ASSERT_EQ(x.registers.size(), y.registers.size());
    for (size_t i = 0; i < x.registers.size(); ++i) {
      EXPECT_EQ(x.registers[i].name, y.registers[i].name) << i;
      EXPECT_EQ(x.registers[i].value, y.registers[i].value) << i;
    }
  }
  EXPECT_EQ(a.compiled_for, b.compiled_for);
  EXPECT_EQ(a.host_verified, b.host_verified);
  EXPECT_EQ(a.emulated_cpu, b.emulated_cpu);
  EXPECT_EQ(a.cpu_fingerprint, b.cpu_fingerprint);
  EXPECT_EQ(a.cpu_model, b.cpu_model);
  EXPECT_EQ(a.kernel_release, b.kernel_release);
  EXPECT_EQ(a.engine_version, b.engine_version);
  EXPECT_EQ(a.tier_before, b.tier_before);
  EXPECT_EQ(a.tier_after, b.tier_after);
}

TEST(CrashReportJson, EveryFieldSurvivesARoundTrip) {
  CrashReport original = sample_report();
  std::string text = to_json(original);
  auto parsed = crash_report_from_json(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  expect_same(*parsed, original);
  EXPECT_EQ(to_json(*parsed), text);
}

TEST(CrashReportJson, AReportWithoutAFaultRoundTrips) {
  CrashReport original = sample_report();
  original.fault.reset();
  original.backtrace.clear();
  auto parsed = crash_report_from_json(to_json(original));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  expect_same(*parsed, original);
}

// A limit report: no fault, a limit object with the kind's fields; read back as written.
TEST(CrashReportJson, ALimitReportRoundTripsWithItsLimit) {
  CrashReport timeout = sample_report();
  timeout.kind = "Timeout";
  timeout.fault.reset();
  LimitDetails deadline;
  deadline.timeout_seconds = 0.05;
  timeout.limit = deadline;
  std::string text = to_json(timeout);
  auto j = nlohmann::ordered_json::parse(text);
  EXPECT_TRUE(j["fault"].is_null());
  EXPECT_EQ(j["limit"], nlohmann::ordered_json({{"timeout_seconds", 0.05}}));
  auto parsed = crash_report_from_json(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_TRUE(parsed->limit.has_value());
  EXPECT_DOUBLE_EQ(parsed->limit->timeout_seconds, 0.05);
  EXPECT_TRUE(is_limit_report_kind(parsed->kind));
  EXPECT_EQ(to_json(*parsed), text);

  CrashReport memory = sample_report();
  memory.kind = "MemoryLimit";
  memory.fault.reset();
  LimitDetails cap;
  cap.cap_bytes = 536870912;
  cap.growth_bytes = 1073741824;
  cap.requested_bytes = 1073807360;
  cap.refusals_in_call = 1;
  memory.limit = cap;
  parsed = crash_report_from_json(to_json(memory));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_TRUE(parsed->limit.has_value());
  EXPECT_EQ(parsed->limit->cap_bytes, 536870912u);
  EXPECT_EQ(parsed->limit->growth_bytes, 1073741824u);
  EXPECT_EQ(parsed->limit->requested_bytes, 1073807360u);
  EXPECT_EQ(parsed->limit->refusals_in_call, 1u);
  // A fault's report has a null limit, and its kinds are no limit's.
  EXPECT_TRUE(nlohmann::json::parse(to_json(sample_report()))["limit"].is_null());
  EXPECT_FALSE(is_limit_report_kind("CpuIncompatibility"));
}

TEST(CrashReportJson, TheFileSaysWhatTheDocsSay) {
  auto j = nlohmann::ordered_json::parse(to_json(sample_report()));
  EXPECT_EQ(j["kind"], "CpuIncompatibility");
  EXPECT_EQ(j["fault"]["signal_name"], "SIGILL");
  EXPECT_EQ(j["fault"]["instruction"], "vpmullq xmm0, xmm0, xmm1");
  // 64-bit addresses as hex text: JSON readers lose precision on numbers above 2^53.
  EXPECT_EQ(j["fault"]["pc"], "0x7f12345678ab");
  EXPECT_EQ(j["backtrace"][0]["function_name"], "simd_mul");
  EXPECT_EQ(j["backtrace"][0]["code_offset"], 0x1a4);
  // Registers by name, in capture order, as hex text like the other addresses.
  const auto& registers = j["fault"]["registers"];
  ASSERT_TRUE(registers.is_object());
  EXPECT_EQ(registers.begin().key(), "rax");
  EXPECT_EQ(registers["rax"], "0x7f1200001000");
  EXPECT_EQ(registers["rip"], "0x7f12345678ab");
}

TEST(CrashReportJson, UnknownFieldsAreIgnoredAndMissingOnesDefault) {
  auto j = nlohmann::json::parse(to_json(sample_report()));
  j["schema_version"] = 2;
  j["added_by_a_newer_build"] = {{"nested", true}};
  j["fault"]["also_new"] = 5;
  j.erase("tier_before");
  auto parsed = crash_report_from_json(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->schema_version, 2);
  EXPECT_EQ(parsed->tier_before, "");
  EXPECT_EQ(parsed->kind, "CpuIncompatibility");
  ASSERT_TRUE(parsed->fault);
  EXPECT_EQ(parsed->fault->isa_set, "AVX512DQ_128");
}

TEST(CrashReportJson, BadInputIsMalformedNotAnException) {
  auto base = nlohmann::json::parse(to_json(sample_report()));
  std::vector<std::string> inputs = {"", "{", "[]", "null", "\"report\"", "{\"id\": \"x\"}"};
  auto with = [&](auto change) {
    nlohmann::json j = base;
    change(j);
    return j.dump();
  };
  inputs.push_back(with([](auto& j) { j["timestamp"] = "yesterday"; }));
  inputs.push_back(with([](auto& j) { j["kind"] = 4; }));
  inputs.push_back(with([](auto& j) { j["backtrace"] = "frames"; }));
  inputs.push_back(with([](auto& j) { j["backtrace"][0]["code_offset"] = -1; }));
  inputs.push_back(with([](auto& j) { j["backtrace"][0]["function_index"] = 1e12; }));
  inputs.push_back(with([](auto& j) { j["fault"]["pc"] = "0xZZ"; }));
  inputs.push_back(with([](auto& j) { j["fault"]["missing_features"] = {1, 2}; }));
  inputs.push_back(with([](auto& j) { j["fault"] = "SIGILL"; }));
  inputs.push_back(with([](auto& j) { j["fault"]["registers"] = {1, 2}; }));
  inputs.push_back(with([](auto& j) { j["fault"]["registers"]["rax"] = "rax"; }));
  inputs.push_back(with([](auto& j) { j.erase("id"); }));
  inputs.push_back(with([](auto& j) { j["limit"] = "5 s"; }));
  inputs.push_back(with([](auto& j) { j["limit"] = {{"timeout_seconds", "5"}}; }));
  inputs.push_back(with([](auto& j) { j["limit"] = {{"cap_bytes", -1}}; }));
  for (const std::string& text : inputs) {
    auto parsed = crash_report_from_json(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::Malformed) << text;
    EXPECT_NE(parsed.error().message.find("crash report"), std::string::npos)
        << parsed.error().message;
  }
}

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(CrashReportHashes, TheFingerprintIsStableAndTellsIncidentsApart) {
  std::string base = stable_fingerprint("CpuIncompatibility", "AVX512DQ_128", "00ff", 7);
  EXPECT_EQ(base.size(), 16u);
  EXPECT_TRUE(is_lower_hex(base)) << base;
  EXPECT_EQ(stable_fingerprint("CpuIncompatibility", "AVX512DQ_128", "00ff", 7), base);
  std::set<std::string> variants = {
      base,
      stable_fingerprint("EngineFault", "AVX512DQ_128", "00ff", 7),
      stable_fingerprint("CpuIncompatibility", "AVX512F_512", "00ff", 7),
      stable_fingerprint("CpuIncompatibility", "AVX512DQ_128", "00fe", 7),
      stable_fingerprint("CpuIncompatibility", "AVX512DQ_128", "00ff", 8),
      // The separator keeps shifted boundaries apart.
      stable_fingerprint("CpuIncompatibilit", "yAVX512DQ_128", "00ff", 7),
  };
  EXPECT_EQ(variants.size(), 6u);
}

TEST(CrashReportHashes, TheModuleHashIs128BitsOfTheBytes) {
  std::vector<uint8_t> module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  std::string h = module_hash(module);
  EXPECT_EQ(h.size(), 32u);
  EXPECT_TRUE(is_lower_hex(h)) << h;
  EXPECT_EQ(module_hash(module), h);
  module.push_back(0);
  EXPECT_NE(module_hash(module), h);
}

}  // namespace
}  // namespace ironclad::host
