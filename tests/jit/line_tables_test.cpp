// Line tables on demand (CompileOptions::line_tables = false, what the tiered tier compiles
// with): the objects carry none, and the first backtrace that needs one compiles the object
// again with them. The positions must be exactly those of code compiled with line tables,
// and code the second compile does not reproduce byte for byte must get no position at all
// rather than a wrong one.
#include <string>

#include "jit/debug_lines.h"
#include "jit/module_compiler.h"
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

struct Compiled {
  std::unique_ptr<ModuleCompiler> compiler;  // outlives its code
  std::shared_ptr<CompiledModule> code;
};

Compiled compile(const std::shared_ptr<const wasm::Module>& module, int opt_level,
                 bool line_tables) {
  CompileOptions options;
  options.features = baseline_features();
  options.opt_level = opt_level;
  options.threads = 1;
  options.keep_objects = true;
  options.line_tables = line_tables;
  auto compiler = ModuleCompiler::create(options);
  EXPECT_TRUE(compiler.ok()) << compiler.error().describe();
  if (!compiler.ok()) return {};
  auto code = (*compiler)->compile(module);
  EXPECT_TRUE(code.ok()) << code.error().describe();
  if (!code.ok()) return {};
  return {std::move(*compiler), *code};
}

bool mentions_line_table(const std::string& object) {
  return object.find(".debug_line") != std::string::npos;
}

const FunctionCode* body_of(const CompiledModule& code, uint32_t func_index) {
  for (const FunctionCode& f : code.functions)
    if (f.func_index == func_index && !f.entry_wrapper) return &f;
  return nullptr;
}

bool same(const std::vector<WasmPosition>& a, const std::vector<WasmPosition>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].func_index != b[i].func_index || a[i].code_offset != b[i].code_offset) return false;
  return true;
}

std::string describe(const std::vector<WasmPosition>& frames) {
  std::string out;
  for (const WasmPosition& p : frames)
    out += " " + std::to_string(p.func_index) + "@" + std::to_string(p.code_offset);
  return out;
}

class LineTablesOnDemand : public ::testing::TestWithParam<int> {};

// Every byte of every function's machine code maps to the same wasm frames as in the code
// compiled with line tables (at -O2 also the frames of functions inlined into it).
TEST_P(LineTablesOnDemand, GiveEveryInstructionThePositionOfACompileWithThem) {
  auto module = load_fixture("jit_backtrace");
  ASSERT_TRUE(module);
  Compiled with = compile(module, GetParam(), true);
  Compiled without = compile(module, GetParam(), false);
  ASSERT_TRUE(with.code && without.code);
  ASSERT_EQ(without.code->objects.size(), 1u);
  EXPECT_TRUE(mentions_line_table(with.code->objects[0]));
  EXPECT_FALSE(mentions_line_table(without.code->objects[0]));
  ASSERT_TRUE(without.code->objects_with_lines);
  size_t compared = 0, known = 0;
  for (const FunctionCode& f : without.code->functions) {
    if (f.entry_wrapper) continue;
    const FunctionCode* g = body_of(*with.code, f.func_index);
    ASSERT_NE(g, nullptr) << "function " << f.func_index;
    ASSERT_EQ(f.end - f.begin, g->end - g->begin) << "function " << f.func_index;
    for (uintptr_t at = 0; at < f.end - f.begin; ++at) {
      std::vector<WasmPosition> want = wasm_frames_at(*with.code, *g, g->begin + at);
      std::vector<WasmPosition> got = wasm_frames_at(*without.code, f, f.begin + at);
      ASSERT_TRUE(same(got, want)) << "function " << f.func_index << " +" << at << ": got"
                                   << describe(got) << ", want" << describe(want);
      ++compared;
      if (got.front().code_offset != 0) ++known;
    }
  }
  EXPECT_GT(compared, 0u);
  EXPECT_GT(known, compared / 2);  // not a comparison of two empty tables
}

INSTANTIATE_TEST_SUITE_P(OptLevels, LineTablesOnDemand, ::testing::Values(0, 1, 2),
                         [](const auto& info) { return "O" + std::to_string(info.param); });

// A second compile that does not give the same code (here: another -O level) is no line
// table for it: every position is unknown (offset 0), none is another code's.
TEST(LineTablesOnDemandCheck, ACompileOfOtherCodeGivesNoPositions) {
  auto module = load_fixture("jit_backtrace");
  ASSERT_TRUE(module);
  Compiled without = compile(module, 0, false);
  Compiled other = compile(module, 2, true);
  ASSERT_TRUE(without.code && other.code);
  std::string other_object = other.code->objects[0];
  without.code->objects_with_lines = [other_object](size_t) -> Result<std::string> {
    return other_object;
  };
  size_t compared = 0;
  for (const FunctionCode& f : without.code->functions) {
    if (f.entry_wrapper) continue;
    for (uintptr_t at = f.begin; at < f.end; ++at) {
      std::vector<WasmPosition> got = wasm_frames_at(*without.code, f, at);
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0].func_index, f.func_index);
      ASSERT_EQ(got[0].code_offset, 0u) << "function " << f.func_index << " at " << at;
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace ironclad::jit::testing
