// Every SIMD instruction under the JIT, compared with the interpreter (the tested
// reference) on the same inputs, for feature sets from this host's full set down to SSE2
// only (where LLVM must legalize without SSE4.1/SSSE3). Results must be bit-identical,
// except the lanes of float arithmetic whose result is NaN: the spec lets those be any
// NaN of the right kind, so there both tiers must agree on NaN-ness only. Traps (bounds
// of memory accesses) must be the same trap.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "cpu/host.h"
#include "cpu/policy.h"
#include "cpu/profiles.h"
#include "interp/interpreter.h"
#include "../jit/jit_harness.h"  // the JIT tests' fixture loading and JitConfig
#include "simd_inputs.h"

namespace ironclad::jit::testing {
namespace {

constexpr int kInputsPerExport = 48;

// A store of one tier with one instance of the fixture.
struct TierInstance {
  TierInstance(std::unique_ptr<runtime::Tier> tier, std::shared_ptr<const wasm::Module> module)
      : store(std::move(tier)) {
    auto inst = linker.instantiate(store, std::move(module));
    EXPECT_TRUE(inst.ok()) << inst.error().describe();
    if (inst.ok()) instance = *inst;
  }
  Result<std::vector<Value>> call(const std::string& name, const std::vector<Value>& args) {
    auto ext = instance->get_export(name);
    if (!ext.ok()) return ext.error();
    return store.invoke(*ext->func, args);
  }
  runtime::Store store;
  runtime::Linker linker;
  runtime::Instance* instance = nullptr;
};

std::string mnemonic(const std::string& export_name) {
  return export_name.substr(0, export_name.find(' '));
}

// Float arithmetic whose NaN results may be any (canonical or arithmetic) NaN; returns
// the lane width in bits, or 0 for exact operators (abs, neg, pmin/pmax, lanes, compares).
unsigned nan_lenient_lane_bits(const std::string& name) {
  static const std::set<std::string> kOps = {
      "add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc", "nearest",
      "demote_f64x2_zero", "promote_low_f32x4"};
  std::string m = mnemonic(name);
  std::string shape = m.substr(0, m.find('.'));
  if (shape != "f32x4" && shape != "f64x2") return 0;
  if (!kOps.count(m.substr(m.find('.') + 1))) return 0;
  return shape == "f32x4" ? 32 : 64;
}

bool is_nan_lane(const V128& v, int lane, unsigned bits) {
  if (bits == 32) return std::isnan(v.lane<float>(lane));
  return std::isnan(v.lane<double>(lane));
}

bool same_value(const Value& a, const Value& b, unsigned lenient_bits) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case ValType::I32: case ValType::F32: return a.i32 == b.i32;
    case ValType::I64: case ValType::F64: return a.i64 == b.i64;
    case ValType::V128: {
      if (lenient_bits == 0) return a.v128 == b.v128;
      int lanes = static_cast<int>(128 / lenient_bits);
      for (int i = 0; i < lanes; ++i) {
        bool nan_a = is_nan_lane(a.v128, i, lenient_bits);
        if (nan_a != is_nan_lane(b.v128, i, lenient_bits)) return false;
        if (nan_a) continue;
        bool equal = lenient_bits == 32 ? a.v128.lane<uint32_t>(i) == b.v128.lane<uint32_t>(i)
                                        : a.v128.lane<uint64_t>(i) == b.v128.lane<uint64_t>(i);
        if (!equal) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::string describe(const Result<std::vector<Value>>& r) {
  if (!r.ok()) return "error: " + r.error().describe();
  std::string s;
  for (const Value& v : *r) {
    if (v.type == ValType::V128) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%016llx%016llx ",
                    static_cast<unsigned long long>(v.v128.lane<uint64_t>(1)),
                    static_cast<unsigned long long>(v.v128.lane<uint64_t>(0)));
      s += buf;
    } else {
      s += v.to_string() + " ";
    }
  }
  return s;
}

std::vector<Value> make_args(const wasm::FuncType& type, const std::string& name, SimdInputs& in) {
  std::vector<Value> args;
  bool memory = name.find("load") != std::string::npos || name.find("store") != std::string::npos;
  bool shift = name.find(".sh") != std::string::npos;
  for (ValType t : type.params) {
    switch (t) {
      case ValType::I32:
        args.push_back(Value::from_i32(memory ? in.address() : shift ? in.shift_count() : in.scalar32()));
        break;
      case ValType::I64: args.push_back(Value::from_i64(in.scalar64())); break;
      case ValType::F32: {
        Value v = Value::zero(ValType::F32);
        v.i32 = in.scalar32();
        args.push_back(v);
        break;
      }
      case ValType::F64: {
        Value v = Value::zero(ValType::F64);
        v.i64 = in.scalar64();
        args.push_back(v);
        break;
      }
      default: {
        // Half the time a later v128 operand is related to the first (equal lanes, x / -x).
        bool related = !args.empty() && args.back().type == ValType::V128 && in.coin();
        args.push_back(Value::from_v128(related ? in.related(args.back().v128) : in.v128()));
      }
    }
  }
  return args;
}

std::string describe_args(const std::vector<Value>& args) {
  return describe(Result<std::vector<Value>>(args));
}

struct FeatureCase {
  const char* name;
  cpu::FeatureSet (*features)();
};

void PrintTo(const FeatureCase& c, std::ostream* os) { *os << c.name; }

cpu::FeatureSet verified() { return cpu::host_cpu().verified; }
cpu::FeatureSet policy(cpu::Policy p) { return cpu::resolve_policy(p, verified()).features; }

const FeatureCase kFeatureCases[] = {
    {"native", [] { return policy(cpu::Policy::Native); }},
    {"conservative", [] { return policy(cpu::Policy::Conservative); }},
    {"baseline", [] { return policy(cpu::Policy::Baseline); }},
    {"x86_64_v1",
     [] {
       const cpu::Profile* v1 = cpu::find_profile("x86-64-v1");
       return v1 ? v1->features & verified() : cpu::FeatureSet{cpu::X86::SSE2};
     }},
};

// The sets span what the lowering must handle: pshufb/pminsd/roundps absent (SSE2 only),
// AVX-512 absent (conservative), and AVX-512 present where this host has it (native).
TEST(SimdFeatureSets, CoverSse2OnlyAndAvx512) {
  cpu::FeatureSet v1 = kFeatureCases[3].features();
  EXPECT_TRUE(v1.has(cpu::X86::SSE2));
  EXPECT_FALSE(v1.has(cpu::X86::SSSE3));
  EXPECT_FALSE(v1.has(cpu::X86::SSE4_1));
  EXPECT_FALSE(kFeatureCases[2].features().has(cpu::X86::AVX));
  EXPECT_FALSE(kFeatureCases[1].features().has(cpu::X86::AVX512F));
  if (verified().has(cpu::X86::AVX512VL) && verified().has(cpu::X86::AVX512DQ)) {
    EXPECT_TRUE(kFeatureCases[0].features().has(cpu::X86::AVX512VL));
    EXPECT_TRUE(kFeatureCases[0].features().has(cpu::X86::AVX512DQ));
  }
}

class SimdDifferentialTest : public ::testing::TestWithParam<FeatureCase> {};

TEST_P(SimdDifferentialTest, EveryInstructionAgreesWithTheInterpreter) {
  auto module = load_fixture("jit_simd_ops");
  ASSERT_TRUE(module);
  TierInstance reference(interp::make_interpreter(), module);
  TierInstance jit(make_jit_tier(test_config(GetParam().features())), module);
  ASSERT_TRUE(reference.instance && jit.instance);

  SimdInputs inputs(20261124);
  size_t calls = 0, mismatches = 0;
  for (const wasm::Export& e : module->exports) {
    if (e.kind != wasm::ExternKind::Func) continue;
    const wasm::FuncType& type = module->types[module->func_types[e.index]];
    unsigned lenient = nan_lenient_lane_bits(e.name);
    int runs = type.params.empty() ? 1 : kInputsPerExport;
    for (int i = 0; i < runs; ++i) {
      std::vector<Value> args = make_args(type, e.name, inputs);
      auto want = reference.call(e.name, args);
      auto got = jit.call(e.name, args);
      ++calls;
      bool agree = want.ok() == got.ok();
      if (agree && want.ok()) {
        agree = want->size() == got->size();
        for (size_t k = 0; agree && k < want->size(); ++k)
          agree = same_value((*want)[k], (*got)[k], lenient);
      } else if (agree) {
        agree = want.error().kind == got.error().kind && want.error().trap == got.error().trap;
      }
      if (!agree && ++mismatches <= 20) {
        ADD_FAILURE() << e.name << " (" << describe_args(args) << "): interpreter "
                      << describe(want) << ", jit " << describe(got);
      }
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << calls << " calls";
  EXPECT_GT(calls, 10000u);
}

INSTANTIATE_TEST_SUITE_P(FeatureSets, SimdDifferentialTest, ::testing::ValuesIn(kFeatureCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SimdFixture, ExportsEverySimdInstruction) {
  auto module = load_fixture("jit_simd_ops");
  ASSERT_TRUE(module);
  std::set<std::string> mnemonics;
  for (const wasm::Export& e : module->exports)
    if (e.kind == wasm::ExternKind::Func) mnemonics.insert(mnemonic(e.name));
  EXPECT_EQ(mnemonics.size(), 236u);  // the 0xFD rows of src/wasm/opcodes.def
}

}  // namespace
}  // namespace ironclad::jit::testing
