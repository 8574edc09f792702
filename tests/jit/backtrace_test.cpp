// Backtraces under the JIT (the interpreter's backtrace offsets are in
// tests/interp/interp_only_test.cpp): frame names from the name section, innermost first,
// and the same frames and wasm offsets as the interpreter gives for the same trap, also for
// functions LLVM inlined into their callers.
#include <csignal>
#include <sstream>

#include "interp/interpreter.h"
#include "jit/debug_lines.h"
#include "jit/module_compiler.h"
#include "jit_harness.h"
#include "verify/instruction.h"

namespace ironclad::jit::testing {
namespace {

// Without optimization no function is inlined, so every wasm frame is a machine frame and
// the frame-pointer walk finds each, innermost first, with its name-section name.
TEST(JitBacktrace, ListsUninlinedFramesInnermostFirstWithNames) {
  JitConfig config = test_config();
  config.opt_level = 0;
  Harness h("interp_traps", config);
  h.instantiate();
  auto r = h.call("nested_trap");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().trap, TrapKind::Unreachable);
  const auto& bt = r.error().backtrace;
  // Exactly the three wasm frames: the host-to-wasm entry wrapper is not a frame of its own.
  ASSERT_EQ(bt.size(), 3u);
  EXPECT_EQ(bt[0].function_index, 0u);
  EXPECT_EQ(bt[0].function_name, "inner");
  EXPECT_EQ(bt[1].function_name, "middle");
  EXPECT_EQ(bt[2].function_name, "outer");
}

TEST(JitBacktrace, OptimizedCodeStillNamesTheTrappingFunction) {
  Harness h("interp_traps");
  h.instantiate();
  auto r = h.call("div_zero", {I32(0)});
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.error().backtrace.empty());
}

std::string describe(const std::vector<BacktraceFrame>& bt) {
  std::ostringstream out;
  for (const BacktraceFrame& f : bt)
    out << "  " << f.function_index << " " << f.function_name << " @" << f.code_offset << "\n";
  return out.str();
}

// One instance of jit_backtrace.wat in a store of the given tier; its host_trap import
// traps (IntegerOverflow, a kind no wasm instruction of the path raises) when given 13.
struct BacktraceRun : ironclad::testing::Harness {
  explicit BacktraceRun(std::unique_ptr<runtime::Tier> tier)
      : ironclad::testing::Harness("jit_backtrace", std::move(tier)) {
    linker.define_function(store, "env", "host_trap",
                           wasm::FuncType{{ValType::I32}, {ValType::I32}},
                           [](runtime::HostContext&, const Value* a, Value* r) -> Result<void> {
                             if (a[0].i32 == 13) return Error::make_trap(TrapKind::IntegerOverflow);
                             r[0] = a[0];
                             return {};
                           });
    instantiate();
  }
};

struct Case {
  const char* name;
  uint32_t which;  // $middle's case number
  Value arg;
  TrapKind trap;
};

const Case kCases[] = {
    {"div_by_zero", 0, I32(0), TrapKind::IntegerDivideByZero},
    {"overflow", 1, I32(static_cast<uint32_t>(-1)), TrapKind::IntegerOverflow},
    {"conversion", 2, I32(1), TrapKind::InvalidConversionToInteger},
    {"unreachable", 3, I32(1), TrapKind::Unreachable},
    {"load", 4, I32(65533), TrapKind::OutOfBoundsMemoryAccess},
    {"store", 5, I32(65530), TrapKind::OutOfBoundsMemoryAccess},
    {"host_trap", 6, I32(13), TrapKind::IntegerOverflow},
    {"indirect_null", 7, I32(2), TrapKind::UninitializedElement},
    {"indirect_type", 7, I32(1), TrapKind::IndirectCallTypeMismatch},
    {"indirect_undefined", 7, I32(9), TrapKind::UndefinedElement},
};

// The same trap gives the same backtrace (function index, name and wasm offset of every
// frame) under the JIT as under the interpreter: at depths 0 and 3 of the recursive $deep,
// with the bounds checked explicitly and by the guard region.
class JitBacktraceParity : public ::testing::TestWithParam<BoundsChecks> {};

TEST_P(JitBacktraceParity, EveryFrameAndOffsetAsTheInterpreter) {
  JitConfig config = test_config();
  config.bounds_checks = GetParam();
  BacktraceRun jit(make_jit_tier(config));
  BacktraceRun interp(interp::make_interpreter());
  for (const Case& c : kCases) {
    for (uint32_t depth : {0u, 3u}) {
      SCOPED_TRACE(std::string(c.name) + " at depth " + std::to_string(depth));
      std::vector<Value> args{I32(c.which), c.arg, I32(depth)};
      auto expected = interp.call("run", args);
      auto got = jit.call("run", args);
      ASSERT_FALSE(expected.ok());
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.error().kind, ErrorKind::Trap) << got.error().describe();
      EXPECT_EQ(got.error().trap, c.trap);
      EXPECT_EQ(expected.error().trap, c.trap);
      EXPECT_EQ(got.error().message, expected.error().message);
      const auto& want = expected.error().backtrace;
      const auto& bt = got.error().backtrace;
      // leaf, $middle, (depth + 1) x $deep, run; the host's frame is not a wasm frame.
      EXPECT_EQ(want.size(), 4u + depth);
      ASSERT_EQ(bt.size(), want.size()) << "jit:\n"
                                        << describe(bt) << "interp:\n"
                                        << describe(want);
      for (size_t i = 0; i < bt.size(); ++i) {
        EXPECT_EQ(bt[i].function_index, want[i].function_index) << "frame " << i;
        EXPECT_EQ(bt[i].function_name, want[i].function_name) << "frame " << i;
        EXPECT_EQ(bt[i].code_offset, want[i].code_offset) << "frame " << i;
        EXPECT_NE(bt[i].code_offset, 0u) << "frame " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, JitBacktraceParity,
                         ::testing::Values(BoundsChecks::Explicit, BoundsChecks::Auto),
                         [](const auto& info) {
                           return info.param == BoundsChecks::Explicit ? "Explicit" : "Auto";
                         });

// Each of two checks of the same kind in one function reports its own instruction (the
// checks do not share one trap call whose location would be neither).
TEST(JitBacktrace, TwoTrapsOfOneKindInAFunctionEachHaveTheirOffset) {
  BacktraceRun jit(make_jit_tier(test_config()));
  BacktraceRun interp(interp::make_interpreter());
  auto first = jit.call("two_divs", {I32(0), I32(1)});
  auto second = jit.call("two_divs", {I32(1), I32(0)});
  ASSERT_FALSE(first.ok());
  ASSERT_FALSE(second.ok());
  ASSERT_EQ(first.error().backtrace.size(), 1u);
  ASSERT_EQ(second.error().backtrace.size(), 1u);
  const wasm::Module& m = *jit.module;
  const uint32_t at_first = first.error().backtrace[0].code_offset;
  const uint32_t at_second = second.error().backtrace[0].code_offset;
  EXPECT_EQ(m.bytes[at_first], 0x6E);  // i32.div_u
  EXPECT_EQ(m.bytes[at_second], 0x6E);
  EXPECT_LT(at_first, at_second);
  EXPECT_EQ(at_second, interp.call("two_divs", {I32(1), I32(0)}).error().backtrace[0].code_offset);
}

// The parity above covers inlined frames only if LLVM really inlined the leaves: some
// instruction of $middle's machine code must map to a frame of a leaf inlined into it.
TEST(JitBacktrace, TheLeavesAreInlinedIntoMiddle) {
  BacktraceRun jit(make_jit_tier(test_config()));
  const CompiledModule* code = compiled_code_of(jit.store, *jit.instance);
  ASSERT_NE(code, nullptr);
  constexpr uint32_t kMiddle = 10, kLeafDiv = 1;  // function indices ($host_trap is 0)
  ASSERT_EQ(jit.module->function_display_name(kMiddle), "func[10]");
  const FunctionCode* middle = nullptr;
  for (const FunctionCode& f : code->functions)
    if (f.func_index == kMiddle && !f.entry_wrapper) middle = &f;
  ASSERT_NE(middle, nullptr);
  bool leaf_div_inlined = false;
  for (uintptr_t pc = middle->begin; pc < middle->end; ++pc) {
    std::vector<WasmPosition> frames = wasm_frames_at(*code, *middle, pc);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back().func_index, kMiddle);
    if (frames.size() == 2 && frames[0].func_index == kLeafDiv) leaf_div_inlined = true;
  }
  EXPECT_TRUE(leaf_div_inlined);
}

// How many ud2 instructions the machine code of function `func_index` holds.
size_t ud2_count(const CompiledModule& code, uint32_t func_index) {
  size_t count = 0;
  for (const FunctionCode& f : code.functions) {
    if (f.func_index != func_index || f.entry_wrapper) continue;
    auto decoded = verify::decode_all(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(f.begin), f.end - f.begin),
        f.begin);
    EXPECT_TRUE(decoded.ok()) << decoded.error().describe();
    if (!decoded.ok()) return 0;
    for (const verify::LocatedInstruction& in : *decoded)
      if (in.instruction.mnemonic == "ud2") ++count;
  }
  return count;
}

// `unreachable` is a ud2, and its SIGILL is the trap the interpreter reports: same kind,
// message and backtrace. Nothing else in generated code is a ud2 (not even after the calls
// that never return).
TEST(JitUnreachable, IsAUd2ThatTrapsAsInTheInterpreter) {
  BacktraceRun jit(make_jit_tier(test_config()));
  BacktraceRun interp(interp::make_interpreter());
  auto got = jit.call("unreachable_here");
  auto want = interp.call("unreachable_here");
  ASSERT_FALSE(got.ok());
  ASSERT_FALSE(want.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::Trap) << got.error().describe();
  EXPECT_EQ(got.error().trap, TrapKind::Unreachable);
  EXPECT_EQ(got.error().message, want.error().message);
  EXPECT_FALSE(got.error().fault.has_value());
  ASSERT_EQ(got.error().backtrace.size(), 1u);
  ASSERT_EQ(want.error().backtrace.size(), 1u);
  EXPECT_EQ(got.error().backtrace[0].function_index, want.error().backtrace[0].function_index);
  EXPECT_EQ(got.error().backtrace[0].function_name, want.error().backtrace[0].function_name);
  EXPECT_EQ(got.error().backtrace[0].code_offset, want.error().backtrace[0].code_offset);

  const CompiledModule* code = compiled_code_of(jit.store, *jit.instance);
  ASSERT_NE(code, nullptr);
  constexpr uint32_t kUnreachableHere = 13, kTwoDivs = 9;
  EXPECT_EQ(ud2_count(*code, kUnreachableHere), 1u);
  // Its two division checks and its stack check end in calls that never return.
  EXPECT_EQ(ud2_count(*code, kTwoDivs), 0u);
  // The store stays usable.
  EXPECT_EQ(jit.i32("two_divs", {I32(1), I32(1)}), 16u);
}

}  // namespace
}  // namespace ironclad::jit::testing
