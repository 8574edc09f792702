// The part of the JIT that is LLVM lives in a library of its own, libironclad_llvm.so, opened
// with dlopen at the first compile (llvm_backend()), not by the dynamic loader at process
// start. Why: LLVM in the executable cost every process ~30 ms before main() (its
// relocations, static initialisers and page faults), though a run may never compile, and
// under --tier auto the first compile happens on the compile thread anyway. The library's
// code calls back into the engine (verifier, CPU model, runtime helpers, object checks):
// those symbols resolve against the executable, which exports them (-rdynamic) and links the
// libraries they are in whole (src/jit/CMakeLists.txt).
#pragma once

#include <chrono>
#include <future>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "jit/debug_lines.h"
#include "jit/module_compiler.h"

namespace ironclad::jit {

// ModuleCompiler's LLVM half: translation, optimisation, code generation, JITLink and the
// verification of what was linked. ModuleCompiler checks the inputs and picks the partitions.
class LlvmCompiler {
 public:
  virtual ~LlvmCompiler() = default;
  // Compiles `parts` (partitions of `funcs`; with `osr`, one empty partition that gets the
  // OSR variant of osr->func) and links them.
  virtual Result<std::shared_ptr<CompiledModule>> compile(
      std::shared_ptr<const wasm::Module> module, const std::vector<uint32_t>& funcs,
      std::vector<std::vector<uint32_t>> parts, const OsrTarget* osr) = 0;
  // Links `objects` (holding `funcs`, already checked) and verifies them.
  virtual Result<std::shared_ptr<CompiledModule>> link(
      std::shared_ptr<const wasm::Module> module, const std::vector<uint32_t>& funcs,
      std::vector<std::string> objects, std::chrono::steady_clock::time_point start) = 0;
  // The feature string handed to LLVM, e.g. "+sse2,+sse3,...,-avx512f,...".
  virtual const std::string& feature_string() const = 0;
};

// What libironclad_llvm.so offers, through the one symbol it exports (kLlvmBackendSymbol).
struct LlvmBackend {
  Result<std::unique_ptr<LlvmCompiler>> (*create_compiler)(const CompileOptions& options);
  // debug_lines.h's wasm_frames_at.
  std::vector<WasmPosition> (*wasm_frames_at)(const CompiledModule& code,
                                              const FunctionCode& function, uintptr_t address);
};

inline constexpr const char* kLlvmBackendSymbol = "ironclad_llvm_backend";
using LlvmBackendEntry = const LlvmBackend* (*)();

// The backend, opened once per process (thread-safe); the error names the library and why it
// could not be opened. Where: $IRONCLAD_LLVM_BACKEND when set, else libironclad_llvm.so next
// to the executable, else in ../lib/ironclad/ from it (as `cmake --install` puts it), else
// where this build made it.
Result<const LlvmBackend*> llvm_backend();

// Starts opening the backend on a thread of its own for a caller that will need it soon: a
// run whose module has compiled code in the cache links it at instantiation, and opening
// LLVM (~35 ms) then overlaps with reading, decoding and validating the module.
// llvm_backend() waits for it if it is still opening. The caller keeps the future for as long
// as its process may still end (destroying it waits): a process that ends while the
// library's static constructors run on that thread crashes. The engine itself never ends the
// process. Not valid when no thread could start.
std::shared_future<void> open_llvm_backend_early();

// Inside the backend: its implementations of the table's functions.
Result<std::unique_ptr<LlvmCompiler>> create_llvm_compiler(const CompileOptions& options);
std::vector<WasmPosition> read_wasm_frames_at(const CompiledModule& code,
                                              const FunctionCode& function, uintptr_t address);

}  // namespace ironclad::jit
