// CPU emulation through the library: code compiled for this host's native features, run as
// if on an Alder Lake-N (no AVX-512), faults at the first AVX-512 instruction with a
// CpuIncompatibility that names it; code compiled for what that CPU has runs unchanged.
#include "jit/emulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/host.h"
#include "cpu/policy.h"
#include "cpu/profiles.h"
#include "interp/interpreter.h"
#include "interp/test_support.h"
#include "jit/jit_tier.h"
#include "jit/module_compiler.h"
#include "verify/feature_names.h"
#include "verify/unsupported.h"

namespace ironclad::jit {
namespace {

using ironclad::testing::Harness;
using ironclad::testing::I64;
using ironclad::testing::load_fixture;

constexpr const char* kFixture = "emulation_simd";

const cpu::FeatureSet& host() {
  return cpu::host_cpu().verified;
}

const cpu::Profile& alderlake_n() {
  const cpu::Profile* p = cpu::find_profile("alderlake-n");
  EXPECT_NE(p, nullptr);
  return *p;
}

// i64x2.mul lowers to vpmullq only with AVX512DQ+VL: without them on this host there is no
// AVX-512 instruction to emulate a missing one of.
bool host_has_vpmullq() {
  return host().has(cpu::X86::AVX512DQ) && host().has(cpu::X86::AVX512VL);
}
#define SKIP_WITHOUT_VPMULLQ()                                                      \
  if (!host_has_vpmullq())                                                          \
  GTEST_SKIP() << "this host has not verified avx512dq+avx512vl, so no vpmullq is " \
                  "compiled for its native policy and there is nothing to emulate away"

cpu::FeatureSet native_features() {
  return cpu::resolve_policy(cpu::Policy::Native, host()).features;
}
// What the conservative policy compiles for on an Alder Lake-N that is also this host.
cpu::FeatureSet conservative_alderlake_features() {
  return cpu::resolve_policy(cpu::Policy::Conservative, alderlake_n().features & host()).features;
}

JitConfig emulating_alderlake_n(const cpu::FeatureSet& compiled_for, int opt_level = 2) {
  JitConfig c;
  c.features = compiled_for;
  c.host_verified = host();
  c.opt_level = opt_level;
  c.emulate_features = alderlake_n().features;
  c.emulate_cpu_name = "alderlake-n";
  return c;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// The result the interpreter gives: what every tier must agree with.
uint64_t interpreter_i64(const std::string& name, std::vector<Value> args) {
  Harness h(kFixture, interp::make_interpreter());
  h.instantiate();
  return h.i64(name, std::move(args));
}

void expect_vpmullq_incompatibility(const Result<std::vector<Value>>& r) {
  ASSERT_FALSE(r.ok()) << "the call ran on the emulated Alder Lake-N";
  const Error& e = r.error();
  EXPECT_EQ(e.kind, ErrorKind::CpuIncompatibility) << e.describe();
  EXPECT_NE(e.message.find("this CPU (emulated alderlake-n) cannot execute vpmullq"),
            std::string::npos)
      << e.message;
  ASSERT_TRUE(e.fault.has_value()) << e.describe();
  const FaultDetails& f = *e.fault;
  EXPECT_EQ(f.signal, SIGILL);
  EXPECT_EQ(f.mnemonic, "vpmullq");
  EXPECT_EQ(f.instruction.rfind("vpmullq ", 0), 0u) << f.instruction;
  EXPECT_EQ(f.isa_set.rfind("AVX512DQ_", 0), 0u) << f.isa_set;
  EXPECT_TRUE(contains(f.missing_features, "avx512dq")) << e.message;
  EXPECT_TRUE(contains(f.missing_features, "avx512vl")) << e.message;
  EXPECT_EQ(f.emulated_cpu, "alderlake-n");
  EXPECT_EQ(f.host_verified, alderlake_n().features.llvm_names());
  EXPECT_EQ(f.compiled_for, native_features().llvm_names());
  EXPECT_EQ(f.function_index, 0u);  // $mul_lanes
  EXPECT_NE(f.pc, 0u);
  // The machine state at the real SIGILL: rip is the faulting instruction, rsp a stack.
  ASSERT_EQ(f.registers.size(), 18u) << e.describe();
  EXPECT_EQ(f.registers[16].name, "rip");
  EXPECT_EQ(f.registers[16].value, f.pc);
  EXPECT_EQ(f.registers[7].name, "rsp");
  EXPECT_NE(f.registers[7].value, 0u);
  ASSERT_FALSE(e.backtrace.empty());
  EXPECT_EQ(e.backtrace[0].function_name, "mul_lanes");
}

TEST(CpuEmulation, NativeCodeFaultsLikeAnAlderLakeNAtVpmullq) {
  SKIP_WITHOUT_VPMULLQ();
  Harness h(kFixture, make_jit_tier(emulating_alderlake_n(native_features())));
  h.instantiate();
  auto first = h.call("mul_lanes", {I64(5), I64(7)});
  expect_vpmullq_incompatibility(first);
  // The process carries on: the instance still runs what that CPU has, and the same call
  // faults the same way at the same instruction.
  EXPECT_EQ(h.i64("add_lanes", {I64(5), I64(7)}), interpreter_i64("add_lanes", {I64(5), I64(7)}));
  auto second = h.call("mul_lanes", {I64(5), I64(7)});
  expect_vpmullq_incompatibility(second);
  if (first.ok() || second.ok() || !first.error().fault || !second.error().fault) return;
  EXPECT_EQ(first.error().fault->pc, second.error().fault->pc);
  EXPECT_EQ(first.error().fault->code_offset, second.error().fault->code_offset);
}

// Without inlining the faulting function has a frame of its own: its caller appears too.
TEST(CpuEmulation, TheFaultNamesTheCallersInTheBacktrace) {
  SKIP_WITHOUT_VPMULLQ();
  Harness h(kFixture, make_jit_tier(emulating_alderlake_n(native_features(), /*opt_level=*/0)));
  h.instantiate();
  auto r = h.call("call_mul", {I64(5), I64(7)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::CpuIncompatibility) << r.error().describe();
  ASSERT_EQ(r.error().backtrace.size(), 2u) << r.error().describe();
  EXPECT_EQ(r.error().backtrace[0].function_name, "mul_lanes");
  EXPECT_EQ(r.error().backtrace[1].function_name, "call_mul");
}

TEST(CpuEmulation, CodeCompiledForWhatTheCpuHasRunsUnderItsEmulation) {
  Harness h(kFixture, make_jit_tier(emulating_alderlake_n(conservative_alderlake_features())));
  h.instantiate();
  const std::vector<std::pair<uint64_t, uint64_t>> inputs = {{5, 7}, {0x123456789, 0xfedcba987}};
  for (auto [a, b] : inputs) {
    EXPECT_EQ(h.i64("mul_lanes", {I64(a), I64(b)}), interpreter_i64("mul_lanes", {I64(a), I64(b)}));
    EXPECT_EQ(h.i64("call_mul", {I64(a), I64(b)}), interpreter_i64("call_mul", {I64(a), I64(b)}));
  }
}

// Invariant 4: emulating a CPU does not make code for features this host lacks runnable.
TEST(CpuEmulation, DoesNotWidenWhatTheHostRuns) {
  cpu::FeatureSet missing = cpu::FeatureSet::all_x86() - host();
  if (missing.empty()) GTEST_SKIP() << "this host verified every feature of the table";
  JitConfig c = emulating_alderlake_n(host() | missing);
  c.emulate_features = cpu::FeatureSet::all_x86();
  Harness h(kFixture, make_jit_tier(c));
  ASSERT_TRUE(h.module);
  auto inst = h.linker.instantiate(h.store, h.module);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::CpuIncompatibility) << inst.error().describe();
}

// The module's code as the compiler left it, one copy per block.
struct CompiledFixture {
  std::unique_ptr<ModuleCompiler> compiler;
  std::shared_ptr<CompiledModule> code;
  std::vector<std::vector<uint8_t>> before;

  explicit CompiledFixture(const cpu::FeatureSet& features) {
    auto c = ModuleCompiler::create(CompileOptions{features, 2, true, std::nullopt});
    EXPECT_TRUE(c.ok()) << c.error().describe();
    if (!c.ok()) return;
    compiler = std::move(*c);
    auto m = compiler->compile(load_fixture(kFixture));
    EXPECT_TRUE(m.ok()) << m.error().describe();
    if (!m.ok()) return;
    code = *m;
    for (const CodeBlock& b : code->code)
      before.emplace_back(reinterpret_cast<const uint8_t*>(b.begin),
                          reinterpret_cast<const uint8_t*>(b.end));
  }
};

TEST(CpuEmulation, PatchesExactlyTheUnsupportedInstructionsAndKeepsTheirBytes) {
  SKIP_WITHOUT_VPMULLQ();
  CompiledFixture fx(native_features());
  ASSERT_TRUE(fx.code);
  const auto available =
      verify::parse_feature_names(alderlake_n().features.with_requirements().llvm_names());
  size_t expected = 0;
  for (const auto& bytes : fx.before) {
    auto u = verify::find_unsupported_instructions(bytes, 0, available);
    ASSERT_TRUE(u.ok()) << u.error().describe();
    expected += u->size();
  }
  ASSERT_GT(expected, 0u) << "native code for this host has no AVX-512 instruction";

  EmulationTable table;
  auto patched = apply_cpu_emulation(*fx.code, alderlake_n().features, table);
  ASSERT_TRUE(patched.ok()) << patched.error().describe();
  EXPECT_EQ(*patched, expected);
  EXPECT_EQ(table.size(), expected);

  size_t vpmullq = 0;
  for (size_t i = 0; i < fx.code->code.size(); ++i) {
    const CodeBlock& b = fx.code->code[i];
    const std::vector<uint8_t>& before = fx.before[i];
    std::vector<uint8_t> after(reinterpret_cast<const uint8_t*>(b.begin),
                               reinterpret_cast<const uint8_t*>(b.end));
    // Undo every patch from the side table: the result must be the code as compiled.
    for (const auto& [pc, p] : table.entries()) {
      if (pc < b.begin || pc >= b.end) continue;
      size_t at = pc - b.begin;
      ASSERT_LE(at + p.length, before.size());
      EXPECT_TRUE(
          std::equal(p.original_bytes().begin(), p.original_bytes().end(), before.begin() + at))
          << p.text;
      ASSERT_EQ(p.patch_size, 2u) << p.text << ": a VEX/EVEX instruction gets a ud2";
      EXPECT_EQ(after[at], 0x0F);
      EXPECT_EQ(after[at + 1], 0x0B);
      std::copy(p.original_bytes().begin(), p.original_bytes().end(), after.begin() + at);
      vpmullq += p.text.rfind("vpmullq", 0) == 0;
      EXPECT_FALSE(p.missing_features.empty()) << p.text;
    }
    EXPECT_EQ(after, before) << "bytes outside the patched instructions changed";
  }
  EXPECT_GE(vpmullq, 1u);
}

TEST(CpuEmulation, AProfileWithEveryCompiledFeaturePatchesNothing) {
  CompiledFixture fx(
      cpu::resolve_policy(cpu::Policy::Native, alderlake_n().features & host()).features);
  ASSERT_TRUE(fx.code);
  ASSERT_TRUE(fx.code->compiled_for.subset_of(alderlake_n().features));
  EmulationTable table;
  auto patched = apply_cpu_emulation(*fx.code, alderlake_n().features, table);
  ASSERT_TRUE(patched.ok()) << patched.error().describe();
  EXPECT_EQ(*patched, 0u);
  EXPECT_EQ(table.size(), 0u);
  for (size_t i = 0; i < fx.code->code.size(); ++i) {
    const CodeBlock& b = fx.code->code[i];
    EXPECT_EQ(std::memcmp(reinterpret_cast<const void*>(b.begin), fx.before[i].data(),
                          fx.before[i].size()),
              0);
  }
}

}  // namespace
}  // namespace ironclad::jit
