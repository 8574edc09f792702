// Backtraces of code loaded from an artifact: the wasm offsets come from the line tables in
// the artifact's objects (jit/debug_lines.h), so they are those of a fresh compile and of the
// interpreter, also with the module split into two partitions (two objects).
#include <gtest/gtest.h>

#include "artifact_support.h"
#include "interp/interpreter.h"

namespace ironclad::jit::testing {
namespace {

std::shared_ptr<const wasm::Module> backtrace_module() {
  auto module =
      wasm::decode_module(read_bytes(fixture("artifact_backtrace.wasm")), "artifact_backtrace");
  EXPECT_TRUE(module.ok()) << module.error().describe();
  if (!module.ok()) return nullptr;
  EXPECT_TRUE(wasm::validate_module(**module, "artifact_backtrace").ok());
  return std::shared_ptr<const wasm::Module>(std::move(*module));
}

// The error of run(args) in a store running `tier`.
Error run_error(std::unique_ptr<runtime::Tier> tier, std::vector<Value> args) {
  runtime::Store store(std::move(tier));
  runtime::Linker linker;
  auto instance = linker.instantiate(store, backtrace_module());
  EXPECT_TRUE(instance.ok()) << instance.error().describe();
  if (!instance.ok()) return instance.error();
  auto run = (*instance)->get_export("run");
  EXPECT_TRUE(run.ok());
  auto r = store.invoke(*run->func, args);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(ArtifactBacktrace, OffsetsAndInlinedFramesAsTheInterpreterAfterARoundTrip) {
  for (unsigned threads : {1u, 2u}) {
    CompileOptions options = test_options(threads);
    auto compiler = ModuleCompiler::create(options);
    ASSERT_TRUE(compiler.ok());
    auto code = (*compiler)->compile(backtrace_module());
    ASSERT_TRUE(code.ok()) << code.error().describe();
    auto artifact = make_artifact(**code, options.opt_level, "tests/artifacts");
    ASSERT_TRUE(artifact.ok());
    EXPECT_EQ(artifact->objects.size(), threads);
    auto decoded = decode_artifact(encode_artifact(*artifact, test_key()), test_key());
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    JitConfig config = jit_config(options);
    config.artifacts.push_back(std::make_shared<const Artifact>(std::move(*decoded)));
    std::vector<std::string> notes;
    config.on_note = [&notes](const std::string& note) { notes.push_back(note); };

    // Divide by zero in $leaf (inlined into $mid), and unreachable in $rec.
    for (uint32_t first : {0u, 7u}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + ", run(" + std::to_string(first) +
                   ", 2)");
      std::vector<Value> args{Value::from_i32(first), Value::from_i32(2)};
      Error want = run_error(interp::make_interpreter(), args);
      Error got = run_error(make_jit_tier(config), args);
      EXPECT_EQ(got.kind, ErrorKind::Trap);
      EXPECT_EQ(got.trap, want.trap);
      // $leaf, $mid, 3 x $rec, run for the division; 3 x $rec, run for unreachable.
      EXPECT_EQ(want.backtrace.size(), first == 0 ? 6u : 4u);
      ASSERT_EQ(got.backtrace.size(), want.backtrace.size());
      for (size_t i = 0; i < got.backtrace.size(); ++i) {
        EXPECT_EQ(got.backtrace[i].function_index, want.backtrace[i].function_index) << i;
        EXPECT_EQ(got.backtrace[i].function_name, want.backtrace[i].function_name) << i;
        EXPECT_EQ(got.backtrace[i].code_offset, want.backtrace[i].code_offset) << i;
        EXPECT_NE(got.backtrace[i].code_offset, 0u) << i;
      }
    }
    // The artifact's code ran (a skipped artifact sends a note).
    EXPECT_TRUE(notes.empty()) << notes.front();
  }
}

}  // namespace
}  // namespace ironclad::jit::testing
