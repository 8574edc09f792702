// Builds the LLVM module of a wasm module (one function per wasm function plus one entry
// wrapper each), optimizes it with the -O<n> pipeline of a target machine configured for
// the feature set, and materializes it in the LLJIT. Every llvm::Error is consumed here and
// becomes an Error value (DESIGN.md invariant 1).
#include "jit/module_compiler.h"

#include <chrono>
#include <mutex>

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/JITLink/JITLink.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "jit/function_translator.h"
#include "jit/runtime_helpers.h"
#include "verify/feature_names.h"

namespace ironclad::jit {
namespace {

constexpr const char* kTriple = "x86_64-unknown-linux-gnu";
// Invariant 3: the generic CPU name; every feature comes from the explicit feature string.
constexpr const char* kCpuName = "x86-64";

Error llvm_error(const std::string& what, llvm::Error err) {
  return Error::make(ErrorKind::Internal, "jit: " + what + ": " + llvm::toString(std::move(err)));
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void initialize_llvm_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

// The "+f"/"-f" entries of `text` whose feature this LLVM knows. The CPU model also names
// features LLVM has dropped (avx512er, avx512pf: Xeon Phi only), which LLVM could never
// emit anyway; `dropped` lists them.
std::vector<std::string> split_features(const std::string& text, std::string& dropped) {
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kTriple, error);
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target ? target->createMCSubtargetInfo(kTriple, kCpuName, "") : nullptr);
  auto known = [&](const std::string& name) {
    if (!sti) return true;
    for (const llvm::SubtargetFeatureKV& kv : sti->getAllProcessorFeatures())
      if (name == kv.Key) return true;
    return false;
  };
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    if (item.size() > 1 && known(item.substr(1)))
      out.push_back(item);
    else if (!item.empty())
      dropped += (dropped.empty() ? "" : ",") + item;
    start = comma + 1;
  }
  return out;
}

llvm::OptimizationLevel optimization_level(int level) {
  switch (level) {
    case 0: return llvm::OptimizationLevel::O0;
    case 1: return llvm::OptimizationLevel::O1;
    case 3: return llvm::OptimizationLevel::O3;
    default: return llvm::OptimizationLevel::O2;
  }
}

// void entry(ctx, slots): arguments from slots, the call, results back into slots.
void build_entry(ModuleTranslation& mt, llvm::Function* wasm_fn, const wasm::FuncType& type,
                 const std::string& name) {
  llvm::IRBuilder<> b(mt.ctx);
  auto* fty = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy(), b.getPtrTy()}, false);
  auto* entry = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, mt.llvm);
  entry->addFnAttr("frame-pointer", "all");
  entry->addFnAttr(llvm::Attribute::NoUnwind);
  b.SetInsertPoint(llvm::BasicBlock::Create(mt.ctx, "entry", entry));
  llvm::Value* slots = entry->getArg(1);
  auto slot = [&](size_t i) { return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slots, i * kSlotBytes); };
  std::vector<llvm::Value*> args{entry->getArg(0)};
  for (size_t i = 0; i < type.params.size(); ++i)
    args.push_back(b.CreateAlignedLoad(mt.type_of(type.params[i]), slot(i), llvm::Align(16)));
  llvm::Value* r = b.CreateCall(wasm_fn, args);
  if (type.results.size() == 1) b.CreateAlignedStore(r, slot(0), llvm::Align(16));
  for (unsigned i = 0; type.results.size() > 1 && i < type.results.size(); ++i)
    b.CreateAlignedStore(b.CreateExtractValue(r, {i}), slot(i), llvm::Align(16));
  b.CreateRetVoid();
}

// Records where JITLink puts every block of executable code (and the symbols in it), so
// that each module's machine code can be verified and registered after materialization.
class CodeCapture : public llvm::orc::ObjectLinkingLayer::Plugin {
 public:
  struct Symbol {
    std::string name;
    uintptr_t address = 0;
    uint64_t size = 0;
  };
  void modifyPassConfig(llvm::orc::MaterializationResponsibility&, llvm::jitlink::LinkGraph&,
                        llvm::jitlink::PassConfiguration& config) override {
    config.PostFixupPasses.push_back([this](llvm::jitlink::LinkGraph& graph) -> llvm::Error {
      std::lock_guard<std::mutex> lock(mutex_);
      for (llvm::jitlink::Section& section : graph.sections()) {
        if ((static_cast<unsigned>(section.getMemProt()) &
             static_cast<unsigned>(llvm::orc::MemProt::Exec)) == 0)
          continue;
        for (llvm::jitlink::Block* block : section.blocks())
          blocks_.push_back({block->getAddress().getValue(),
                             block->getAddress().getValue() + block->getSize()});
        for (llvm::jitlink::Symbol* sym : section.symbols())
          if (sym->hasName())
            symbols_.push_back({sym->getName().str(), sym->getAddress().getValue(), sym->getSize()});
      }
      return llvm::Error::success();
    });
  }
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility&) override {
    return llvm::Error::success();
  }
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey) override {
    return llvm::Error::success();
  }
  void notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey,
                                   llvm::orc::ResourceKey) override {}

  // What was linked since the last take().
  void take(std::vector<CodeBlock>& blocks, std::vector<Symbol>& symbols) {
    std::lock_guard<std::mutex> lock(mutex_);
    blocks = std::move(blocks_);
    symbols = std::move(symbols_);
    blocks_.clear();
    symbols_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<CodeBlock> blocks_;
  std::vector<Symbol> symbols_;
};

// LLVM emits `rep bsf` (F3 0F BC, which decodes as tzcnt) for count-trailing-zeros even
// without BMI1: CPUs without BMI1 ignore the prefix and execute bsf, and LLVM uses it only
// where bsf's result suffices. The verifier rightly calls the bytes tzcnt [BMI1]; no CPU
// faults on them, so they are not a violation here.
bool runs_everywhere(const verify::Violation& v) {
  return v.kind == verify::ViolationKind::MissingFeature && v.instruction.rfind("tzcnt", 0) == 0 &&
         v.missing_features.size() == 1 && v.missing_features[0] == "bmi";
}

// Runs the ISA verifier over every byte of a module's code: a violation means LLVM emitted
// an instruction outside the feature set, and that code must never run.
Result<void> verify_code(const std::vector<CodeBlock>& blocks,
                         const std::vector<CodeCapture::Symbol>& symbols,
                         const cpu::FeatureSet& allowed, const wasm::Module& module,
                         CompiledModule& out) {
  std::vector<std::string> names =
      verify::parse_feature_names(allowed.with_requirements().llvm_names());
  std::string problems;
  for (const CodeBlock& block : blocks) {
    std::vector<verify::FunctionSymbol> in_block;
    for (const auto& sym : symbols)
      if (sym.address >= block.begin && sym.address < block.end)
        in_block.push_back({sym.name, sym.address - block.begin, sym.size});
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(block.begin),
                                   block.end - block.begin);
    verify::VerifyReport report = verify::verify(bytes, block.begin, names, in_block);
    for (const verify::Violation& v : report.violations)
      if (!runs_everywhere(v)) problems += v.message + "\n";
    const verify::UsageReport& u = report.usage;
    out.usage.instructions += u.instructions;
    out.usage.baseline_instructions += u.baseline_instructions;
    out.usage.vex_instructions += u.vex_instructions;
    out.usage.evex_instructions += u.evex_instructions;
    for (const auto& [k, v] : u.by_isa_ext) out.usage.by_isa_ext[k] += v;
    for (const auto& [k, v] : u.by_isa_set) out.usage.by_isa_set[k] += v;
    for (const auto& [k, v] : u.by_feature) out.usage.by_feature[k] += v;
  }
  if (!problems.empty())
    return Error::make(ErrorKind::Internal,
                       "jit: the machine code of " + module.module_name.value_or("the module") +
                           " uses instructions outside its feature set (" + allowed.names() +
                           "); it will not run:\n" + problems);
  return {};
}

}  // namespace

struct ModuleCompiler::Impl {
  CompileOptions options;
  std::string feature_string;
  llvm::orc::JITTargetMachineBuilder machine{llvm::Triple(kTriple)};
  std::unique_ptr<llvm::orc::LLJIT> jit;
  uint64_t next_module = 0;
  std::string unknown_to_llvm;  // features of the CPU model this LLVM does not know
  std::shared_ptr<CodeCapture> capture = std::make_shared<CodeCapture>();
};

ModuleCompiler::ModuleCompiler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModuleCompiler::~ModuleCompiler() = default;
const CompileOptions& ModuleCompiler::options() const { return impl_->options; }
const std::string& ModuleCompiler::llvm_features() const { return impl_->feature_string; }

Result<std::unique_ptr<ModuleCompiler>> ModuleCompiler::create(const CompileOptions& options) {
  initialize_llvm_once();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->feature_string = options.features.llvm_feature_string();
  impl->machine.setCPU(kCpuName);
  impl->machine.addFeatures(split_features(impl->feature_string, impl->unknown_to_llvm));
  impl->machine.setCodeGenOptLevel(options.opt_level == 0 ? llvm::CodeGenOptLevel::None
                                                          : llvm::CodeGenOptLevel::Default);
  std::shared_ptr<CodeCapture> capture = impl->capture;
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(impl->machine)
                 .setObjectLinkingLayerCreator(
                     [capture](llvm::orc::ExecutionSession& es, const llvm::Triple&)
                         -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                       auto layer = std::make_unique<llvm::orc::ObjectLinkingLayer>(es);
                       layer->addPlugin(capture);
                       return std::move(layer);
                     })
                 .create();
  if (!jit) return llvm_error("creating the LLJIT", jit.takeError());
  impl->jit = std::move(*jit);

  llvm::orc::SymbolMap helpers;
  for (const HelperSymbol& h : runtime_helpers())
    helpers[impl->jit->mangleAndIntern(h.name)] = llvm::orc::ExecutorSymbolDef(
        llvm::orc::ExecutorAddr::fromPtr(h.address), llvm::JITSymbolFlags::Exported);
  auto& dylib = impl->jit->getMainJITDylib();
  if (auto err = dylib.define(llvm::orc::absoluteSymbols(std::move(helpers))))
    return llvm_error("defining the runtime helpers", std::move(err));
  // Library calls LLVM itself may emit (e.g. roundevenf without SSE4.1) resolve in libm.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      impl->jit->getDataLayout().getGlobalPrefix());
  if (!process) return llvm_error("opening the process's symbols", process.takeError());
  dylib.addGenerator(std::move(*process));
  return std::unique_ptr<ModuleCompiler>(new ModuleCompiler(std::move(impl)));
}

Result<std::shared_ptr<CompiledModule>> ModuleCompiler::compile(
    std::shared_ptr<const wasm::Module> module) {
  const wasm::Module& wm = *module;
  auto result = std::make_shared<CompiledModule>();
  result->module = module;
  result->compiled_for = impl_->options.features;
  result->explicit_bounds_checks = impl_->options.explicit_bounds_checks;
  std::string prefix = "icw" + std::to_string(impl_->next_module++) + "_";

  auto start = std::chrono::steady_clock::now();
  auto context = std::make_unique<llvm::LLVMContext>();
  auto llvm_module = std::make_unique<llvm::Module>(prefix, *context);
  auto tm = impl_->machine.createTargetMachine();
  if (!tm) return llvm_error("creating the target machine", tm.takeError());
  llvm_module->setDataLayout((*tm)->createDataLayout());
  llvm_module->setTargetTriple(kTriple);

  ModuleTranslation mt{wm, *context, *llvm_module, {}, impl_->options.explicit_bounds_checks};
  mt.functions.assign(wm.func_types.size(), nullptr);
  for (uint32_t f = wm.num_imported_funcs; f < wm.func_types.size(); ++f) {
    // External, not internal: JITLink names only external symbols, and backtraces need each
    // function's code range (the optimizer still inlines them where it pays).
    auto* fn = llvm::Function::Create(mt.signature(wm.func_type(f)), llvm::Function::ExternalLinkage,
                                      prefix + "f" + std::to_string(f), *llvm_module);
    // Frame pointers stay, so traps and faults can walk a wasm backtrace.
    fn->addFnAttr("frame-pointer", "all");
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    mt.functions[f] = fn;
  }
  for (uint32_t f = wm.num_imported_funcs; f < wm.func_types.size(); ++f) {
    FunctionTranslator translator(mt, f);
    IRONCLAD_TRY(translator.translate());
    build_entry(mt, mt.functions[f], wm.func_type(f), prefix + "e" + std::to_string(f));
  }
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(*llvm_module, &os))
    return Error::make(ErrorKind::Internal, "jit: generated IR is invalid (a translation bug): " +
                                                problems.substr(0, 2000));
  result->translate_ms = ms_since(start);

  start = std::chrono::steady_clock::now();
  if (impl_->options.opt_level > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm->get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    auto mpm = pb.buildPerModuleDefaultPipeline(optimization_level(impl_->options.opt_level));
    mpm.run(*llvm_module, mam);
  }
  result->optimize_ms = ms_since(start);

  start = std::chrono::steady_clock::now();
  if (auto err = impl_->jit->addIRModule(
          llvm::orc::ThreadSafeModule(std::move(llvm_module), std::move(context))))
    return llvm_error("adding the module", std::move(err));
  result->entries.resize(wm.bodies.size());
  for (uint32_t f = wm.num_imported_funcs; f < wm.func_types.size(); ++f) {
    auto addr = impl_->jit->lookup(prefix + "e" + std::to_string(f));
    if (!addr) return llvm_error("materializing " + wm.function_display_name(f), addr.takeError());
    result->entries[f - wm.num_imported_funcs] = addr->toPtr<EntryFn>();
  }
  result->codegen_ms = ms_since(start);

  start = std::chrono::steady_clock::now();
  std::vector<CodeCapture::Symbol> symbols;
  impl_->capture->take(result->code, symbols);
  // "f<N>" is function N; so is its entry wrapper "e<N>", into which the optimizer may
  // have inlined it.
  for (const auto& sym : symbols) {
    bool ours = sym.name.size() > prefix.size() + 1 && sym.name.rfind(prefix, 0) == 0 &&
                (sym.name[prefix.size()] == 'f' || sym.name[prefix.size()] == 'e');
    if (!ours || sym.size == 0) continue;
    uint32_t index = static_cast<uint32_t>(std::stoul(sym.name.substr(prefix.size() + 1)));
    result->functions.push_back({sym.address, sym.address + sym.size, index});
  }
  IRONCLAD_TRY(verify_code(result->code, symbols,
                           impl_->options.verify_against.value_or(impl_->options.features), wm,
                           *result));
  result->verify_ms = ms_since(start);
  return result;
}

}  // namespace ironclad::jit
