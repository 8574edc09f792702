// ModuleCompiler: the inputs checked and the partitions chosen here, in the engine; the
// compile itself in LLVM, through the backend library (llvm_backend.h), opened at the first
// ModuleCompiler::create.
#include "jit/module_compiler.h"

#include <algorithm>

#include "jit/llvm_backend.h"
#include "jit/object_check.h"
#include "jit/partition.h"

namespace ironclad::jit {

struct ModuleCompiler::Impl {
  CompileOptions options;
  std::unique_ptr<LlvmCompiler> llvm;
};

std::optional<uint32_t> function_of_symbol(const std::string& name) {
  constexpr size_t kPrefix = 6;  // "wasm_f"
  if (name.size() <= kPrefix || name.size() > kPrefix + 10 || name.rfind("wasm_", 0) != 0 ||
      (name[kPrefix - 1] != 'f' && name[kPrefix - 1] != 'e'))
    return std::nullopt;
  uint64_t index = 0;
  for (size_t i = kPrefix; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    index = index * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  if (index > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(index);
}

ModuleCompiler::ModuleCompiler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModuleCompiler::~ModuleCompiler() = default;
const CompileOptions& ModuleCompiler::options() const {
  return impl_->options;
}
const std::string& ModuleCompiler::llvm_features() const {
  return impl_->llvm->feature_string();
}

Result<std::unique_ptr<ModuleCompiler>> ModuleCompiler::create(const CompileOptions& options) {
  IRONCLAD_TRY_ASSIGN(const LlvmBackend* backend, llvm_backend());
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<LlvmCompiler> llvm, backend->create_compiler(options));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->llvm = std::move(llvm);
  return std::unique_ptr<ModuleCompiler>(new ModuleCompiler(std::move(impl)));
}

std::optional<std::string> jit_input_refusal(const wasm::Module& module,
                                             const JitInputLimits& limits) {
  const size_t functions = module.bodies.size();
  if (functions > limits.max_functions)
    return "the module has " + std::to_string(functions) + " functions, the JIT compiles at most " +
           std::to_string(limits.max_functions);
  uint64_t total = 0;
  for (size_t i = 0; i < functions; ++i) {
    const uint64_t size = module.bodies[i].size;
    if (size > limits.max_function_bytes)
      return "function " + std::to_string(module.num_imported_funcs + i) + " has " +
             std::to_string(size) + " bytes of code, the JIT compiles at most " +
             std::to_string(limits.max_function_bytes) + " per function";
    total += size;
  }
  if (total > limits.max_code_bytes)
    return "the module has " + std::to_string(total) + " bytes of code, the JIT compiles at most " +
           std::to_string(limits.max_code_bytes);
  return std::nullopt;
}

Result<std::shared_ptr<CompiledModule>> ModuleCompiler::compile(
    std::shared_ptr<const wasm::Module> module) {
  const wasm::Module& wm = *module;
  if (auto refusal = jit_input_refusal(wm, impl_->options.input_limits))
    return Error::make(ErrorKind::Exhausted, "jit: " + *refusal);
  std::vector<uint32_t> all;
  for (uint32_t f = wm.num_imported_funcs; f < wm.func_types.size(); ++f) all.push_back(f);
  return impl_->llvm->compile(std::move(module), all,
                              partition_functions(wm, partition_count(wm, impl_->options.threads)),
                              nullptr);
}

namespace {

// A function compile_functions or compile_osr may take: a defined function within the
// per-function limit (the module-wide limits do not apply to a batch).
Result<void> check_compilable(const wasm::Module& wm, uint32_t f, const JitInputLimits& limits) {
  if (f < wm.num_imported_funcs || f >= wm.func_types.size())
    return Error::make(ErrorKind::Usage,
                       "jit: function " + std::to_string(f) + " is not a defined function");
  const uint64_t size = wm.body(f).size;
  if (size > limits.max_function_bytes)
    return Error::make(ErrorKind::Exhausted,
                       "jit: function " + std::to_string(f) + " has " + std::to_string(size) +
                           " bytes of code, the JIT compiles at most " +
                           std::to_string(limits.max_function_bytes) + " per function");
  return {};
}

}  // namespace

Result<std::shared_ptr<CompiledModule>> ModuleCompiler::compile_functions(
    std::shared_ptr<const wasm::Module> module, std::vector<uint32_t> funcs) {
  const wasm::Module& wm = *module;
  std::sort(funcs.begin(), funcs.end());
  funcs.erase(std::unique(funcs.begin(), funcs.end()), funcs.end());
  if (funcs.empty()) return Error::make(ErrorKind::Usage, "jit: no function to compile");
  for (uint32_t f : funcs)
    IRONCLAD_TRY(check_compilable(wm, f, impl_->options.input_limits));
  std::vector<std::vector<uint32_t>> parts{funcs};
  return impl_->llvm->compile(std::move(module), funcs, std::move(parts), nullptr);
}

Result<std::shared_ptr<CompiledModule>> ModuleCompiler::compile_osr(
    std::shared_ptr<const wasm::Module> module, uint32_t func, std::vector<uint32_t> loop_offsets) {
  const wasm::Module& wm = *module;
  IRONCLAD_TRY(check_compilable(wm, func, impl_->options.input_limits));
  OsrTarget target{func, std::move(loop_offsets)};
  return impl_->llvm->compile(std::move(module), {func}, {{}}, &target);
}

Result<std::shared_ptr<CompiledModule>> ModuleCompiler::link(
    std::shared_ptr<const wasm::Module> module, std::vector<std::string> objects) {
  auto start = std::chrono::steady_clock::now();
  std::vector<uint32_t> all;
  for (uint32_t f = module->num_imported_funcs; f < module->func_types.size(); ++f)
    all.push_back(f);
  return impl_->llvm->link(std::move(module), all, std::move(objects), start);
}

Result<std::shared_ptr<CompiledModule>> ModuleCompiler::link_functions(
    std::shared_ptr<const wasm::Module> module, std::vector<uint32_t> funcs,
    std::vector<std::string> objects) {
  auto start = std::chrono::steady_clock::now();
  const wasm::Module& wm = *module;
  if (funcs.empty()) return Error::make(ErrorKind::Usage, "jit: no function to link");
  for (size_t i = 0; i < funcs.size(); ++i)
    if (funcs[i] < wm.num_imported_funcs || funcs[i] >= wm.func_types.size() ||
        (i > 0 && funcs[i] <= funcs[i - 1]))
      return Error::make(ErrorKind::Usage, "jit: function " + std::to_string(funcs[i]) +
                                               " is not a defined function in order");
  // The objects come from a file: their structure is checked before JITLink sees them, as an
  // artifact's are (link_artifact).
  for (const std::string& object : objects) IRONCLAD_TRY(check_relocatable_object(object));
  return impl_->llvm->link(std::move(module), funcs, std::move(objects), start);
}

}  // namespace ironclad::jit
