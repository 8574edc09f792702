// ModuleCompiler refuses a module beyond its input limits (jit::JitInputLimits) with an
// Exhausted error naming the limit, before LLVM sees any of it.
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

TEST(JitInputLimits, TheCompilerRefusesAModuleBeyondItsLimits) {
  auto module = load_fixture("interp_control");
  ASSERT_TRUE(module);
  ASSERT_GT(module->bodies.size(), 2u);
  struct Case {
    JitInputLimits limits;
    std::string says;
  };
  JitInputLimits few_functions, small_functions, little_code;
  few_functions.max_functions = 1;
  small_functions.max_function_bytes = 2;
  little_code.max_code_bytes = 16;
  for (const Case& c : {Case{few_functions, "functions, the JIT compiles at most 1"},
                        Case{small_functions, "bytes of code, the JIT compiles at most 2 per"},
                        Case{little_code, "bytes of code, the JIT compiles at most 16"}}) {
    CompileOptions options;
    options.features = baseline_features();
    options.input_limits = c.limits;
    auto compiler = ModuleCompiler::create(options);
    ASSERT_TRUE(compiler.ok());
    auto code = (*compiler)->compile(module);
    ASSERT_FALSE(code.ok());
    EXPECT_EQ(code.error().kind, ErrorKind::Exhausted);
    EXPECT_NE(code.error().message.find(c.says), std::string::npos) << code.error().message;
  }
  EXPECT_FALSE(jit_input_refusal(*module, JitInputLimits{}).has_value());
}

}  // namespace
}  // namespace ironclad::jit::testing
