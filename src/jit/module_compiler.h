// Compiles whole wasm modules to machine code with an ORC LLJIT configured for exactly one
// feature set: triple x86_64-unknown-linux-gnu, CPU "x86-64" and an explicit "+f,-g"
// feature string naming every feature the CPU model knows (DESIGN.md invariant 3).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/features.h"
#include "ironclad/error.h"
#include "jit/vm_context.h"
#include "verify/verifier.h"
#include "wasm/module.h"

namespace ironclad::jit {

struct CompileOptions {
  cpu::FeatureSet features;
  int opt_level = 2;
  bool explicit_bounds_checks = true;
  // The set the ISA verifier checks the machine code against; `features` when empty. Only
  // tests set it (to prove that code using more than the verifier allows is rejected).
  std::optional<cpu::FeatureSet> verify_against;
};

// A contiguous piece of a module's machine code (one JITLink block of an executable section).
struct CodeBlock {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};

// Where a wasm function's machine code is (for backtraces).
struct FunctionCode {
  uintptr_t begin = 0;
  uintptr_t end = 0;
  uint32_t func_index = 0;
};

// One module's machine code. Lives as long as the ModuleCompiler that made it.
struct CompiledModule {
  std::shared_ptr<const wasm::Module> module;
  std::vector<EntryFn> entries;  // by defined-function index (function index - imports)
  cpu::FeatureSet compiled_for;  // invariant 4: the code may use exactly these features
  bool explicit_bounds_checks = true;
  std::vector<CodeBlock> code;  // every byte of it, verified
  std::vector<FunctionCode> functions;  // wasm functions that kept a body (not fully inlined)
  verify::UsageReport usage;     // instruction counts per ISA extension, set and feature
  double translate_ms = 0, optimize_ms = 0, codegen_ms = 0, verify_ms = 0;
};

class ModuleCompiler {
 public:
  static Result<std::unique_ptr<ModuleCompiler>> create(const CompileOptions& options);
  ~ModuleCompiler();

  Result<std::shared_ptr<CompiledModule>> compile(std::shared_ptr<const wasm::Module> module);
  const CompileOptions& options() const;
  // The feature string handed to LLVM, e.g. "+sse2,+sse3,...,-avx512f,...".
  const std::string& llvm_features() const;

 private:
  struct Impl;
  explicit ModuleCompiler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ironclad::jit
