// Compiles whole wasm modules to machine code for exactly one feature set: triple
// x86_64-unknown-linux-gnu, CPU "x86-64" and an explicit "+f,-g" feature string naming every
// feature the CPU model knows (DESIGN.md invariant 3). A module's functions are split into
// partitions (partition.h), each compiled on its own thread to a relocatable object; the
// objects are linked by an ORC LLJIT's JITLink layer, whose plugin hands every executable
// block to the ISA verifier. The same link step loads the objects of an artifact
// (artifact.h), so precompiled code is verified exactly like fresh code.
#pragma once

#include <functional>
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

// What the JIT takes on. LLVM's time and memory grow with the code it is given (a 51 MB
// module of 100k functions ran 45 minutes and past 5 GB before it was killed; a 3.6 MiB one
// of 20,000 functions takes 0.86 GiB at its peak), and faster than linearly with a single
// function's size. A module beyond any of these is the interpreter's (which starts it in a
// second whatever its size), never LLVM's.
struct JitInputLimits {
  uint64_t max_code_bytes = uint64_t{8} << 20;      // all function bodies together
  uint32_t max_functions = 40'000;                  // defined functions
  uint64_t max_function_bytes = uint64_t{512} << 10;  // one function body
};

// Why `module` is beyond `limits` ("the module has 100000 functions, the JIT compiles at most
// 40000"), or nullopt when the JIT may compile it.
std::optional<std::string> jit_input_refusal(const wasm::Module& module,
                                             const JitInputLimits& limits);

struct CompileOptions {
  cpu::FeatureSet features;
  // 0: no optimization (fast instruction selection); 1: the light pipeline (llvm_compiler.cpp);
  // 2, 3: LLVM's -O2 and -O3.
  int opt_level = 2;
  bool explicit_bounds_checks = true;
  // The set the ISA verifier checks the machine code against; `features` when empty. Only
  // tests set it (to prove that code using more than the verifier allows is rejected).
  std::optional<cpu::FeatureSet> verify_against;
  // Threads compiling partitions at once: 0 = automatic (the hardware threads, 1 for small
  // modules; partition.h). The partitions follow from this number, so the same value gives
  // the same objects.
  unsigned threads = 0;
  // Keep the relocatable objects in CompiledModule::objects: to write an artifact, and for
  // backtraces with wasm offsets (their debug line tables, read by debug_lines.h).
  bool keep_objects = false;
  // Fuel mode: every function entry and loop header spends one unit of VmContext::fuel and
  // ends the call with Exhausted at zero. Only for stores with a fuel limit: without it the
  // code has no counter at all (a test of a null pointer alone cost 4 to 21%).
  bool fuel = false;
  // Interrupt mode (for stores with a call deadline and no fuel limit): every function entry
  // and loop header reads VmContext::interrupt, a flag the deadline watchdog raises
  // (runtime/deadline_watchdog.h), and calls the runtime only when it is set: a load and a
  // branch, where fuel is a load, a subtraction and a store carried through the loop.
  // Ignored with `fuel`, which checks the deadline itself.
  bool interrupt = false;
  // compile() refuses (Exhausted) a module beyond these: jit_input_refusal.
  JitInputLimits input_limits{};
  // False: the objects carry no line tables, which cost LLVM about 40% of an -O0 compile and
  // 15% of a light -O1 one (SQLite, docs/jit.md "Backtraces"). The first backtrace that needs
  // one compiles that object again with them, checks that its code is the same byte for byte,
  // and reads the copy's (CompiledModule::objects_with_lines, debug_lines.h). For the tiered
  // tier, whose compiles race the program and whose backtraces are rare.
  bool line_tables = true;
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
  // The host-to-wasm wrapper of func_index (wasm_e<N>), not the function itself: it is the
  // boundary between the activation's entry and wasm, never a wasm frame of a backtrace.
  bool entry_wrapper = false;
};

struct DebugLines;  // debug_lines.h

// The loops an OSR variant is entered at (ModuleCompiler::compile_osr).
struct OsrTarget {
  uint32_t func = 0;
  std::vector<uint32_t> loop_offsets;
};

// One module's machine code. Lives as long as the ModuleCompiler that made it.
struct CompiledModule {
  std::shared_ptr<const wasm::Module> module;
  std::vector<EntryFn> entries;  // by defined-function index (function index - imports)
  // wasm_f<N> itself by defined-function index (JitFunction::body), null where it has no
  // code of its own; none for an OSR variant (its wasm_f<N> takes slots).
  std::vector<const void*> bodies;
  cpu::FeatureSet compiled_for;  // invariant 4: the code may use exactly these features
  bool explicit_bounds_checks = true;
  bool fuel = false;                    // CompileOptions::fuel: the code counts fuel
  bool interrupt = false;               // CompileOptions::interrupt (and not fuel)
  std::vector<CodeBlock> code;          // every byte of it, verified
  std::vector<FunctionCode> functions;  // wasm functions that kept a body (not fully inlined)
  verify::UsageReport usage;            // instruction counts per ISA extension, set and feature
  // One relocatable ELF object per partition (only with CompileOptions::keep_objects, and
  // always for code loaded from objects).
  std::vector<std::string> objects;
  // The objects' line tables, read on the first backtrace that needs them (debug_lines.h).
  std::shared_ptr<DebugLines> debug_lines;
  // Compiles object `index` again from the same input and options, with line tables (for
  // objects compiled without them, CompileOptions::line_tables); null where that input is
  // not known (objects of several partitions read back from an artifact).
  std::function<Result<std::string>(size_t index)> objects_with_lines;
  unsigned partitions = 0;
  // compile_osr: the loops (module offsets of their `loop`) its entry can enter.
  std::vector<uint32_t> osr_loops;
  // translate/optimize/codegen: CPU time of the partitions' threads, summed; link: JITLink
  // and symbol lookup; verify: the ISA verifier (both wall time); wall: all of compile().
  // critical: the slowest partition's CPU time plus link and verify, i.e. what compile()
  // takes on an otherwise idle machine with a core per partition.
  double translate_ms = 0, optimize_ms = 0, codegen_ms = 0, link_ms = 0, verify_ms = 0;
  double wall_ms = 0, critical_ms = 0;
};

// The symbols inside every object: "wasm_f<N>" is wasm function N, "wasm_e<N>" its entry
// wrapper. function_of_symbol gives N for either, nullopt for any other name.
std::optional<uint32_t> function_of_symbol(const std::string& name);

class ModuleCompiler {
 public:
  static Result<std::unique_ptr<ModuleCompiler>> create(const CompileOptions& options);
  ~ModuleCompiler();

  Result<std::shared_ptr<CompiledModule>> compile(std::shared_ptr<const wasm::Module> module);
  // Compiles only `funcs` (defined function indices; a tiered store's batch), as one
  // partition: calls among them are direct, calls to any other function go through its
  // FunctionInstance (its published machine code, else the runtime). CompiledModule::entries
  // is null for every other function. Exhausted for a function beyond
  // input_limits.max_function_bytes; the module-wide limits do not apply.
  Result<std::shared_ptr<CompiledModule>> compile_functions(
      std::shared_ptr<const wasm::Module> module, std::vector<uint32_t> funcs);
  // On-stack replacement (docs/tiering.md): one variant of `func` that can be entered at
  // each loop of `loop_offsets` (module offsets of `loop` instructions) that allows it
  // (CompiledModule::osr_loops lists them). CompiledModule::entries holds its entry at func's
  // slot: `entry(ctx, slots)` takes the loop's offset in slot 0 (an i32), then every local
  // of func (params, then the declared locals) and the loop's operand stack, one 16-byte
  // slot each, and writes func's results over the first slots. Calls from it (also to func)
  // go through FunctionInstances. An Error when none of the loops can be entered (operand
  // stack not empty at it, not reachable).
  Result<std::shared_ptr<CompiledModule>> compile_osr(std::shared_ptr<const wasm::Module> module,
                                                      uint32_t func,
                                                      std::vector<uint32_t> loop_offsets);
  // Links objects that compile() made for the same module and options (read back from an
  // artifact): JITLink checks their structure, the ISA verifier every executable byte
  // against this compiler's feature set. A corrupt object is an Error.
  Result<std::shared_ptr<CompiledModule>> link(std::shared_ptr<const wasm::Module> module,
                                               std::vector<std::string> objects);
  // Links the object of a batch that compile_functions() made for the same module, `funcs`
  // and options (read back from a tiered store's code cache, tiered/batch_cache.h), checked
  // and verified as link() does; entries are set for `funcs` only (defined function indices,
  // sorted, each in the module), as compile_functions() sets them.
  Result<std::shared_ptr<CompiledModule>> link_functions(std::shared_ptr<const wasm::Module> module,
                                                         std::vector<uint32_t> funcs,
                                                         std::vector<std::string> objects);
  const CompileOptions& options() const;
  // The feature string handed to LLVM, e.g. "+sse2,+sse3,...,-avx512f,...".
  const std::string& llvm_features() const;

 private:
  struct Impl;
  explicit ModuleCompiler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ironclad::jit
