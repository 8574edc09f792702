// The LLVM half of ModuleCompiler (llvm_backend.h), in libironclad_llvm.so. Builds one LLVM module per partition of a wasm module (one function per wasm function of
// the partition plus one entry wrapper each; the other partitions' functions are external
// declarations), optimizes each with the -O<n> pipeline of a target machine configured for
// the feature set and emits it as a relocatable object, each partition on its own thread;
// then links the objects in a JITDylib of their own. Every llvm::Error is consumed here and
// becomes an Error value (DESIGN.md invariant 1); no thread outlives compile().
#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/ExecutionEngine/JITLink/JITLink.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/ObjCopy/ConfigManager.h>
#include <llvm/ObjCopy/ObjCopy.h>
#include <llvm/Object/Binary.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "jit/debug_lines.h"
#include "jit/function_translator.h"
#include "jit/llvm_backend.h"
#include "jit/object_check.h"
#include "jit/partition.h"
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

// CPU time of the calling thread: what a phase costs, whatever else the machine is doing.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
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
  auto slot = [&](size_t i) {
    return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slots, i * kSlotBytes);
  };
  std::vector<llvm::Value*> args{entry->getArg(0)};
  for (size_t i = 0; i < type.params.size(); ++i)
    args.push_back(b.CreateAlignedLoad(mt.type_of(type.params[i]), slot(i), llvm::Align(16)));
  // Not inlined: the wrapper stays a trampoline, so each function is optimized and
  // code-generated once, not a second time inside its wrapper (measured in docs/jit.md).
  llvm::CallInst* r = b.CreateCall(wasm_fn, args);
  r->addFnAttr(llvm::Attribute::NoInline);
  if (type.results.size() == 1) b.CreateAlignedStore(r, slot(0), llvm::Align(16));
  for (unsigned i = 0; type.results.size() > 1 && i < type.results.size(); ++i)
    b.CreateAlignedStore(
        mt.from_result_field(b, b.CreateExtractValue(r, {i}), type.results[i]), slot(i),
        llvm::Align(16));
  b.CreateRetVoid();
}

// The entry wrapper of an OSR variant (FunctionTranslator's OsrEntry): a trampoline, so that
// the variant itself is a wasm frame of function `func` in backtraces and the wrapper, as
// every wasm_e<N>, is the boundary with the activation's entry.
void build_osr_entry(ModuleTranslation& mt, llvm::Function* osr_fn, const std::string& name) {
  llvm::IRBuilder<> b(mt.ctx);
  auto* entry = llvm::Function::Create(osr_fn->getFunctionType(), llvm::Function::ExternalLinkage,
                                       name, mt.llvm);
  entry->addFnAttr("frame-pointer", "all");
  entry->addFnAttr(llvm::Attribute::NoUnwind);
  b.SetInsertPoint(llvm::BasicBlock::Create(mt.ctx, "entry", entry));
  llvm::CallInst* call = b.CreateCall(osr_fn, {entry->getArg(0), entry->getArg(1)});
  call->addFnAttr(llvm::Attribute::NoInline);
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
          blocks_.push_back(
              {block->getAddress().getValue(), block->getAddress().getValue() + block->getSize()});
        for (llvm::jitlink::Symbol* sym : section.symbols())
          if (sym->hasName())
            symbols_.push_back(
                {sym->getName().str(), sym->getAddress().getValue(), sym->getSize()});
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

// The symbol names inside every object: a module's objects live in a JITDylib of their
// own, so the names need no per-module prefix and an artifact's objects link anywhere.
std::string function_symbol(uint32_t func_index) {
  return "wasm_f" + std::to_string(func_index);
}
std::string entry_symbol(uint32_t func_index) {
  return "wasm_e" + std::to_string(func_index);
}

// Whenever a module has debug info, LLVM writes call frame information for every function
// into .debug_frame (our functions need no unwind tables, and nothing here unwinds with it).
// Backtraces use only the line tables and the inlining tree, and .debug_frame with its
// relocations was 35% of a large module's object (large_quick: 200 of 575 KiB per partition),
// so it is removed from the object.
Result<void> remove_debug_frame(std::string& object) {
  llvm::objcopy::ConfigManager config;
  auto keep_error = [](llvm::Error error) { return error; };
  for (const char* name : {".debug_frame", ".rela.debug_frame"})
    if (auto err = config.Common.ToRemove.addMatcher(llvm::objcopy::NameOrPattern::create(
            name, llvm::objcopy::MatchStyle::Literal, keep_error)))
      return llvm_error("removing .debug_frame", std::move(err));
  auto binary = llvm::object::createBinary(llvm::MemoryBufferRef(object, "partition"));
  if (!binary) return llvm_error("reading the object", binary.takeError());
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream out(buffer);
  if (auto err = llvm::objcopy::executeObjcopyOnBinary(config, **binary, out))
    return llvm_error("removing .debug_frame", std::move(err));
  object.assign(buffer.begin(), buffer.end());
  return {};
}

struct PartitionResult {
  std::string object;
  std::vector<uint32_t> osr_entered;  // an OSR variant's loops (OsrEntry::entered)
  double translate_ms = 0, optimize_ms = 0, codegen_ms = 0;
};

// -O1 is ours, not LLVM's: locals into SSA values, redundant loads and expressions removed,
// the CFG cleaned up; instruction selection and register allocation as at -O2. The wasm a
// producer emits has been through its own optimizer (inlining, loop transforms, vectorizing),
// so LLVM's -O2 middle end finds little left to do: on the corpus (docs/tiering.md, "The
// light top tier") this compiles in about half of -O2's time for code within a few percent
// of its speed, where LLVM's own -O1 costs nearly as much as -O2.
constexpr const char* kLightPipeline = "function(sroa,early-cse,simplifycfg)";

Result<void> optimize(llvm::Module& module, llvm::TargetMachine& tm, int opt_level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  if (opt_level == 1) {
    if (auto err = pb.parsePassPipeline(mpm, kLightPipeline))
      return llvm_error("building the -O1 pipeline", std::move(err));
  } else {
    mpm = pb.buildPerModuleDefaultPipeline(opt_level >= 3 ? llvm::OptimizationLevel::O3
                                                          : llvm::OptimizationLevel::O2);
  }
  mpm.run(module, mam);
  return {};
}

// One partition, start to finish, on the calling thread: its own LLVMContext, module and
// target machine, so partitions share nothing mutable.
Result<PartitionResult> compile_partition(const wasm::Module& wm,
                                          const std::vector<uint32_t>& declared,
                                          const std::vector<uint32_t>& funcs,
                                          const CompileOptions& options,
                                          std::unique_ptr<llvm::TargetMachine> tm,
                                          const OsrTarget* osr) {
  PartitionResult out;
  double start = thread_cpu_ms();
  llvm::LLVMContext context;
  llvm::Module llvm_module("icw", context);
  llvm_module.setDataLayout(tm->createDataLayout());
  llvm_module.setTargetTriple(kTriple);

  ModuleTranslation mt{wm,
                       context,
                       llvm_module,
                       {},
                       options.explicit_bounds_checks,
                       options.fuel,
                       options.interrupt && !options.fuel};
  mt.call_published_bodies = options.opt_level > 0;
  mt.functions.assign(wm.func_types.size(), nullptr);
  // Line tables only (what a backtrace needs: wasm offsets, inlined calls), no types or
  // variables. Debug info does not change the machine code, only adds .debug_* sections
  // that are never loaded into executable memory (debug_lines.cpp checks it where it
  // compiles an object again to get them: CompileOptions::line_tables).
  std::optional<llvm::DIBuilder> debug;
  llvm::DISubroutineType* debug_type = nullptr;
  if (options.line_tables) {
    llvm_module.addModuleFlag(llvm::Module::Warning, "Debug Info Version",
                              llvm::DEBUG_METADATA_VERSION);
    llvm_module.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
    debug.emplace(llvm_module);
    mt.debug = &*debug;
    mt.debug_file = debug->createFile(wm.module_name.value_or("module.wasm"), "");
    debug->createCompileUnit(llvm::dwarf::DW_LANG_C, mt.debug_file, "ironclad",
                             options.opt_level > 0, "", 0, "", llvm::DICompileUnit::LineTablesOnly,
                             0, false, false, llvm::DICompileUnit::DebugNameTableKind::None);
    debug_type = debug->createSubroutineType(debug->getOrCreateTypeArray({}));
    mt.subprograms.assign(wm.func_types.size(), nullptr);
  }
  // Every defined function of the compile is declared; those of this partition get a body
  // below, the others stay declarations that JITLink resolves to another partition's object.
  // A function outside the compile (a batch of a tiered store) has no declaration: calls to
  // it go through its FunctionInstance (FunctionTranslator::emit_call).
  for (uint32_t f : declared) {
    // External, not internal: JITLink names only external symbols, and backtraces need each
    // function's code range (the optimizer still inlines them where it pays).
    auto* fn =
        llvm::Function::Create(mt.signature(wm.func_type(f)), llvm::Function::ExternalLinkage,
                               function_symbol(f), llvm_module);
    // Frame pointers stay, so traps and faults can walk a wasm backtrace.
    fn->addFnAttr("frame-pointer", "all");
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    // A frame bigger than a page (many locals: 49k v128 locals make 784 KB) touches every
    // page on the way down, so it meets the guard page below the stack instead of jumping
    // over it into another mapping; the fault there is a CallStackExhausted trap.
    fn->addFnAttr("probe-stack", "inline-asm");
    mt.functions[f] = fn;
  }
  // Sets f's subprogram (none without line tables).
  auto debug_function = [&](llvm::Function* fn, uint32_t f) {
    if (!debug) return;
    // Named like the function's symbol, which is how debug_lines.cpp recovers the index of
    // a function inlined into another; line = the body's first instruction.
    const uint32_t first = wm.body(f).code_offset;
    llvm::DISubprogram* sp =
        debug->createFunction(mt.debug_file, function_symbol(f), "", mt.debug_file, first,
                              debug_type, first, llvm::DINode::FlagZero,
                              llvm::DISubprogram::SPFlagDefinition |
                                  (options.opt_level > 0 ? llvm::DISubprogram::SPFlagOptimized
                                                         : llvm::DISubprogram::SPFlagZero));
    fn->setSubprogram(sp);
    mt.subprograms[f] = sp;
  };
  if (osr) {
    // The OSR variant is wasm_f<N> of its own object (N itself is not declared: a call to N
    // from it goes through N's FunctionInstance), so code ranges and line tables name N.
    auto* fty = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                        {llvm::PointerType::getUnqual(context),
                                         llvm::PointerType::getUnqual(context)},
                                        false);
    auto* fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage,
                                      function_symbol(osr->func), llvm_module);
    fn->addFnAttr("frame-pointer", "all");
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    fn->addFnAttr("probe-stack", "inline-asm");
    debug_function(fn, osr->func);
    OsrEntry entry{fn, osr->loop_offsets, {}};
    FunctionTranslator translator(mt, osr->func, &entry);
    IRONCLAD_TRY(translator.translate());
    out.osr_entered = std::move(entry.entered);
    build_osr_entry(mt, fn, entry_symbol(osr->func));
  }
  for (uint32_t f : funcs) {
    debug_function(mt.functions[f], f);
    FunctionTranslator translator(mt, f);
    IRONCLAD_TRY(translator.translate());
    build_entry(mt, mt.functions[f], wm.func_type(f), entry_symbol(f));
  }
  if (debug) debug->finalize();
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(llvm_module, &os))
    return Error::make(ErrorKind::Internal, "jit: generated IR is invalid (a translation bug): " +
                                                problems.substr(0, 2000));
  out.translate_ms = thread_cpu_ms() - start;

  start = thread_cpu_ms();
  if (options.opt_level > 0) IRONCLAD_TRY(optimize(llvm_module, *tm, options.opt_level));
  out.optimize_ms = thread_cpu_ms() - start;

  start = thread_cpu_ms();
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream object_stream(buffer);
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, object_stream, nullptr, llvm::CodeGenFileType::ObjectFile))
    return Error::make(ErrorKind::Internal, "jit: the target machine cannot emit objects");
  codegen.run(llvm_module);
  out.object.assign(buffer.begin(), buffer.end());
  IRONCLAD_TRY(remove_debug_frame(out.object));
  out.codegen_ms = thread_cpu_ms() - start;
  return out;
}

// Runs compile_partition for every partition, partition 0 on the calling thread and each
// other on a thread of its own; all threads are joined before this returns. A thread that
// cannot be started leaves its partition to the calling thread.
std::vector<Result<PartitionResult>> compile_partitions(
    const wasm::Module& wm, const std::vector<uint32_t>& declared,
    const std::vector<std::vector<uint32_t>>& parts, const CompileOptions& options,
    std::vector<std::unique_ptr<llvm::TargetMachine>> tms, const OsrTarget* osr) {
  std::vector<std::optional<Result<PartitionResult>>> results(parts.size());
  auto run = [&](size_t i) {
    results[i].emplace(
        compile_partition(wm, declared, parts[i], options, std::move(tms[i]), osr));
  };
  std::vector<std::thread> threads;
  std::vector<size_t> inline_parts{0};
  for (size_t i = 1; i < parts.size(); ++i) {
    try {
      threads.emplace_back(run, i);
    } catch (const std::system_error&) {
      inline_parts.push_back(i);
    }
  }
  for (size_t i : inline_parts) run(i);
  for (std::thread& t : threads) t.join();
  std::vector<Result<PartitionResult>> out;
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace

class LlvmModuleCompiler final : public LlvmCompiler {
 public:
  CompileOptions options;
  std::string feature_string_;
  llvm::orc::JITTargetMachineBuilder machine{llvm::Triple(kTriple)};
  std::unique_ptr<llvm::orc::LLJIT> jit;
  uint64_t next_module = 0;
  std::string unknown_to_llvm;  // features of the CPU model this LLVM does not know
  std::shared_ptr<CodeCapture> capture = std::make_shared<CodeCapture>();
  std::mutex link_mutex;  // one link at a time: `capture` collects what that link made

  Result<std::shared_ptr<CompiledModule>> compile(std::shared_ptr<const wasm::Module> module,
                                                  const std::vector<uint32_t>& funcs,
                                                  std::vector<std::vector<uint32_t>> parts,
                                                  const OsrTarget* osr) override;
  Result<std::shared_ptr<CompiledModule>> link(std::shared_ptr<const wasm::Module> module,
                                               const std::vector<uint32_t>& funcs,
                                               std::vector<std::string> objects,
                                               std::chrono::steady_clock::time_point start) override;
  const std::string& feature_string() const override { return feature_string_; }

  // A CompiledModule of `module` carrying these options, before any code.
  std::shared_ptr<CompiledModule> empty_result(std::shared_ptr<const wasm::Module> module) const;
  // CompiledModule::objects_with_lines for objects compiled from these partitions.
  std::function<Result<std::string>(size_t)> objects_with_lines(
      std::shared_ptr<const wasm::Module> module, std::vector<uint32_t> declared,
      std::vector<std::vector<uint32_t>> parts, const OsrTarget* osr) const;
  // `funcs`: the defined functions the objects hold (all of them for a whole module).
  Result<void> link_objects(const wasm::Module& wm, const std::vector<uint32_t>& funcs,
                            std::vector<std::string>& objects, CompiledModule& out);
};

Result<std::unique_ptr<LlvmCompiler>> create_llvm_compiler(const CompileOptions& options) {
  initialize_llvm_once();
  auto impl = std::make_unique<LlvmModuleCompiler>();
  impl->options = options;
  impl->feature_string_ = options.features.llvm_feature_string();
  impl->machine.setCPU(kCpuName);
  impl->machine.addFeatures(split_features(impl->feature_string_, impl->unknown_to_llvm));
  impl->machine.setCodeGenOptLevel(options.opt_level == 0 ? llvm::CodeGenOptLevel::None
                                                          : llvm::CodeGenOptLevel::Default);
  // Position-independent code in the small code model, as JITLink expects: direct calls and
  // RIP-relative constants inside an object, GOT entries and JITLink jump slots (which the
  // verifier also sees) for whatever another object or the process defines.
  impl->machine.setRelocationModel(llvm::Reloc::PIC_);
  impl->machine.setCodeModel(llvm::CodeModel::Small);
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
  return std::unique_ptr<LlvmCompiler>(std::move(impl));
}

// Adds the objects to a fresh JITDylib (whose link order reaches the runtime helpers and the
// process), materializes every entry wrapper in one lookup, and verifies every executable
// block JITLink produced.
Result<void> LlvmModuleCompiler::link_objects(const wasm::Module& wm,
                                                const std::vector<uint32_t>& funcs,
                                                std::vector<std::string>& objects,
                                                CompiledModule& out) {
  std::lock_guard<std::mutex> lock(link_mutex);
  auto start = std::chrono::steady_clock::now();
  auto dylib = jit->createJITDylib("icw" + std::to_string(next_module++));
  if (!dylib) return llvm_error("creating a JITDylib", dylib.takeError());
  dylib->addToLinkOrder(jit->getMainJITDylib());
  for (size_t i = 0; i < objects.size(); ++i) {
    auto buffer = llvm::MemoryBuffer::getMemBuffer(
        llvm::StringRef(objects[i].data(), objects[i].size()), "partition" + std::to_string(i),
        /*RequiresNullTerminator=*/false);
    if (auto err = jit->addObjectFile(*dylib, std::move(buffer)))
      return llvm_error("adding object " + std::to_string(i), std::move(err));
  }
  llvm::orc::SymbolLookupSet wanted;
  for (uint32_t f : funcs) wanted.add(jit->mangleAndIntern(entry_symbol(f)));
  auto found = jit->getExecutionSession().lookup(
      llvm::orc::makeJITDylibSearchOrder(&*dylib, llvm::orc::JITDylibLookupFlags::MatchAllSymbols),
      std::move(wanted));
  std::vector<CodeCapture::Symbol> symbols;
  capture->take(out.code, symbols);
  if (!found) return llvm_error("linking the module's code", found.takeError());
  out.entries.resize(wm.bodies.size());
  for (uint32_t f : funcs) {
    auto it = found->find(jit->mangleAndIntern(entry_symbol(f)));
    if (it == found->end() || !it->second.getAddress())
      return Error::make(ErrorKind::Internal,
                         "jit: no code for " + wm.function_display_name(f) + " after linking");
    out.entries[f - wm.num_imported_funcs] = it->second.getAddress().toPtr<EntryFn>();
  }
  out.link_ms = ms_since(start);

  start = std::chrono::steady_clock::now();
  for (const auto& sym : symbols) {
    std::optional<uint32_t> index = function_of_symbol(sym.name);
    if (!index || sym.size == 0) continue;
    const bool wrapper = sym.name.rfind("wasm_e", 0) == 0;
    out.functions.push_back({sym.address, sym.address + sym.size, *index, wrapper});
  }
  out.bodies.assign(wm.bodies.size(), nullptr);
  for (const FunctionCode& fc : out.functions)
    if (!fc.entry_wrapper && fc.func_index >= wm.num_imported_funcs)
      out.bodies[fc.func_index - wm.num_imported_funcs] = reinterpret_cast<const void*>(fc.begin);
  IRONCLAD_TRY(
      verify_code(out.code, symbols, options.verify_against.value_or(options.features), wm, out));
  out.verify_ms = ms_since(start);
  return {};
}

std::shared_ptr<CompiledModule> LlvmModuleCompiler::empty_result(
    std::shared_ptr<const wasm::Module> module) const {
  auto result = std::make_shared<CompiledModule>();
  result->module = std::move(module);
  result->compiled_for = options.features;
  result->explicit_bounds_checks = options.explicit_bounds_checks;
  result->fuel = options.fuel;
  result->interrupt = options.interrupt && !options.fuel;
  return result;
}

std::function<Result<std::string>(size_t)> LlvmModuleCompiler::objects_with_lines(
    std::shared_ptr<const wasm::Module> module, std::vector<uint32_t> declared,
    std::vector<std::vector<uint32_t>> parts, const OsrTarget* osr) const {
  CompileOptions with_lines = options;
  with_lines.line_tables = true;
  std::optional<OsrTarget> osr_copy;
  if (osr) osr_copy = *osr;
  return [module = std::move(module), declared = std::move(declared), parts = std::move(parts),
          osr = std::move(osr_copy), with_lines,
          machine = machine](size_t index) mutable -> Result<std::string> {
    if (index >= parts.size())
      return Error::make(ErrorKind::Internal,
                         "jit: no partition " + std::to_string(index) + " to compile again");
    auto tm = machine.createTargetMachine();
    if (!tm) return llvm_error("creating the target machine", tm.takeError());
    Result<PartitionResult> part = compile_partition(*module, declared, parts[index], with_lines,
                                                     std::move(*tm), osr ? &*osr : nullptr);
    if (!part.ok()) return std::move(part).error();
    return std::move(part->object);
  };
}

Result<std::shared_ptr<CompiledModule>> LlvmModuleCompiler::compile(
    std::shared_ptr<const wasm::Module> module, const std::vector<uint32_t>& funcs,
    std::vector<std::vector<uint32_t>> parts, const OsrTarget* osr) {
  auto start = std::chrono::steady_clock::now();
  const wasm::Module& wm = *module;
  std::shared_ptr<CompiledModule> result = empty_result(module);

  std::vector<std::unique_ptr<llvm::TargetMachine>> tms;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto tm = machine.createTargetMachine();
    if (!tm) return llvm_error("creating the target machine", tm.takeError());
    tms.push_back(std::move(*tm));
  }
  std::vector<std::string> objects;
  // An OSR compile declares nothing: every call leaves through a FunctionInstance.
  const std::vector<uint32_t> declared = osr ? std::vector<uint32_t>{} : funcs;
  for (Result<PartitionResult>& part :
       compile_partitions(wm, declared, parts, options, std::move(tms), osr)) {
    if (!part.ok()) return std::move(part).error();
    result->translate_ms += part->translate_ms;
    result->optimize_ms += part->optimize_ms;
    result->codegen_ms += part->codegen_ms;
    result->critical_ms =
        std::max(result->critical_ms, part->translate_ms + part->optimize_ms + part->codegen_ms);
    objects.push_back(std::move(part->object));
    if (osr) result->osr_loops = std::move(part->osr_entered);
  }
  result->partitions = static_cast<unsigned>(parts.size());
  IRONCLAD_TRY(link_objects(wm, funcs, objects, *result));
  // An OSR variant's wasm_f<N> takes slots, not the function's own signature.
  if (osr) result->bodies.assign(result->bodies.size(), nullptr);
  result->critical_ms += result->link_ms + result->verify_ms;
  if (options.keep_objects) {
    result->objects = std::move(objects);
    result->objects_with_lines = objects_with_lines(module, declared, std::move(parts), osr);
  }
  result->debug_lines = std::make_shared<DebugLines>();
  result->wall_ms = ms_since(start);
  return result;
}

Result<std::shared_ptr<CompiledModule>> LlvmModuleCompiler::link(
    std::shared_ptr<const wasm::Module> module, const std::vector<uint32_t>& funcs,
    std::vector<std::string> objects, std::chrono::steady_clock::time_point start) {
  std::shared_ptr<CompiledModule> result = empty_result(module);
  result->partitions = static_cast<unsigned>(objects.size());
  IRONCLAD_TRY(link_objects(*module, funcs, objects, *result));
  // One object: all of `funcs`, as compile() and compile_functions() make it (an object of
  // anything else compiles to other code, which debug_lines.cpp notices and keeps none).
  if (objects.size() == 1)
    result->objects_with_lines = objects_with_lines(module, funcs, {funcs}, nullptr);
  result->objects = std::move(objects);
  result->debug_lines = std::make_shared<DebugLines>();
  result->wall_ms = ms_since(start);
  return result;
}

}  // namespace ironclad::jit
