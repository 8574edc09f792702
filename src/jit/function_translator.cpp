// Control flow, locals, globals, calls, memory, tables and references of one function; the
// numeric operators are in translate_numeric.cpp, SIMD in translate_simd.cpp.
#include "jit/function_translator.h"

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include <algorithm>
#include <cstdio>

#include "jit/runtime_helpers.h"
#include "jit/vm_context.h"
#include "wasm/body_decoder.h"

namespace ironclad::jit {

using wasm::Opcode;

llvm::Type* ModuleTranslation::type_of(ValType t) const {
  switch (t) {
    case ValType::I32: return llvm::Type::getInt32Ty(ctx);
    case ValType::I64: return llvm::Type::getInt64Ty(ctx);
    case ValType::F32: return llvm::Type::getFloatTy(ctx);
    case ValType::F64: return llvm::Type::getDoubleTy(ctx);
    case ValType::V128: return llvm::FixedVectorType::get(llvm::Type::getInt64Ty(ctx), 2);
    case ValType::FuncRef:
    case ValType::ExternRef: return llvm::Type::getInt64Ty(ctx);  // the Ref bits
  }
  return llvm::Type::getInt64Ty(ctx);
}

llvm::Type* ModuleTranslation::results_type(const wasm::FuncType& ft) const {
  if (ft.results.empty()) return llvm::Type::getVoidTy(ctx);
  if (ft.results.size() == 1) return type_of(ft.results[0]);
  std::vector<llvm::Type*> fields;
  for (ValType t : ft.results) fields.push_back(result_field_type(t));
  // LLVM returns a struct too large for registers through a hidden pointer by itself.
  return llvm::StructType::get(ctx, fields);
}

llvm::Type* ModuleTranslation::result_field_type(ValType t) const {
  if (t == ValType::F32) return llvm::Type::getInt32Ty(ctx);
  if (t == ValType::F64) return llvm::Type::getInt64Ty(ctx);
  return type_of(t);
}

llvm::Value* ModuleTranslation::to_result_field(llvm::IRBuilder<>& b, llvm::Value* v,
                                                ValType t) const {
  return t == ValType::F32 || t == ValType::F64 ? b.CreateBitCast(v, result_field_type(t)) : v;
}

llvm::Value* ModuleTranslation::from_result_field(llvm::IRBuilder<>& b, llvm::Value* v,
                                                  ValType t) const {
  return t == ValType::F32 || t == ValType::F64 ? b.CreateBitCast(v, type_of(t)) : v;
}

llvm::FunctionType* ModuleTranslation::signature(const wasm::FuncType& ft) const {
  std::vector<llvm::Type*> params{llvm::PointerType::getUnqual(ctx)};
  for (ValType t : ft.params) params.push_back(type_of(t));
  return llvm::FunctionType::get(results_type(ft), params, false);
}

llvm::FunctionCallee ModuleTranslation::helper(const char* name, llvm::Type* result,
                                               std::initializer_list<llvm::Type*> params) const {
  return llvm.getOrInsertFunction(name, llvm::FunctionType::get(result, params, false));
}

FunctionTranslator::FunctionTranslator(ModuleTranslation& mt, uint32_t func_index, OsrEntry* osr)
    : mt_(mt),
      func_index_(func_index),
      type_(mt.wasm.func_type(func_index)),
      fn_(osr ? osr->function : mt.functions[func_index]),
      b_(mt.ctx),
      osr_(osr) {}

Error FunctionTranslator::error_at(const wasm::Instr& in, std::string what) const {
  char where[64];
  std::snprintf(where, sizeof where, " (at offset 0x%x)", in.offset);
  return Error::make(ErrorKind::Internal, "jit: " + mt_.wasm.function_display_name(func_index_) +
                                              ": " + std::string(wasm::to_string(in.op)) + ": " +
                                              what + where);
}

llvm::Value* FunctionTranslator::ctx_field(size_t offset, llvm::Type* type) {
  llvm::Value* addr = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), vmctx_, offset);
  auto* load = b_.CreateLoad(type, addr);
  // The context's pointers do not change while code runs.
  load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(mt_.ctx, {}));
  return load;
}

llvm::Value* FunctionTranslator::entry_alloca(llvm::Type* type, uint64_t bytes) {
  llvm::IRBuilder<> eb(entry_, entry_->begin());
  auto* a = eb.CreateAlloca(type, bytes ? eb.getInt64(bytes) : nullptr);
  a->setAlignment(llvm::Align(16));
  return a;
}

llvm::Value* FunctionTranslator::zero_of(ValType t) {
  return llvm::Constant::getNullValue(mt_.type_of(t));
}

llvm::Value* FunctionTranslator::call_intrinsic(llvm::Intrinsic::ID id,
                                                llvm::ArrayRef<llvm::Type*> types,
                                                llvm::ArrayRef<llvm::Value*> args) {
  return b_.CreateCall(llvm::Intrinsic::getDeclaration(&mt_.llvm, id, types), args);
}

namespace {
// Instructions whose IR can neither trap, fault, call nor use a CPU feature (local and
// global accesses are plain moves, constants fold) keep the location of the instruction
// before them. They are about half of all wasm instructions, and every distinct location
// costs LLVM a uniqued DILocation and a line-table row: one per instruction made the -O0
// compile of SQLite 1.7x slower than none at all, while backtraces, trap sites and CPU
// fault reports only ever ask for the instructions that keep theirs.
bool has_own_location(Opcode op) {
  switch (op) {
    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee:
    case Opcode::GlobalGet:
    case Opcode::GlobalSet:
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const:
    case Opcode::Drop:
    case Opcode::Nop:
    case Opcode::Block: return false;
    default: return true;
  }
}
}  // namespace

void FunctionTranslator::set_location(uint32_t offset) {
  llvm::DISubprogram* sp = mt_.subprograms.empty() ? nullptr : mt_.subprograms[func_index_];
  if (sp) b_.SetCurrentDebugLocation(llvm::DILocation::get(mt_.ctx, offset, 0, sp));
}

void FunctionTranslator::mark_trap_site(llvm::CallInst* call) {
  call->setDoesNotReturn();
  // Without nomerge, SimplifyCFG and branch folding fold the trap calls of one function into
  // one, whose merged location is line 0: every divide-by-zero would be reported at offset 0.
  call->addFnAttr(llvm::Attribute::NoMerge);
  call->setDebugLoc(b_.getCurrentDebugLocation());
}

void FunctionTranslator::trap_if(llvm::Value* cond, TrapKind kind) {
  auto* trap_block = llvm::BasicBlock::Create(mt_.ctx, "trap", fn_);
  llvm::IRBuilder<> tb(trap_block);
  const std::string name = trap_helper_name(kind);
  mark_trap_site(tb.CreateCall(mt_.helper(name.c_str(), tb.getVoidTy(), {})));
  tb.CreateUnreachable();
  auto* cont = llvm::BasicBlock::Create(mt_.ctx, "ok", fn_);
  llvm::MDBuilder md(mt_.ctx);
  b_.CreateCondBr(cond, trap_block, cont, md.createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(cont);
}

void FunctionTranslator::check_budget() {
  if (mt_.fuel)
    spend_fuel();
  else if (mt_.interrupt)
    check_interrupt();
}

void FunctionTranslator::check_interrupt() {
  // The flag's address is invariant (ctx_field), so a loop keeps it in a register; the flag
  // is not: a volatile atomic load, never hoisted out of the loop, and no store at all, so
  // the loop carries nothing (the fuel counter is a load, a subtraction and a store).
  llvm::Value* flag_ptr = ctx_field(ctx_offset::kInterrupt, b_.getPtrTy());
  llvm::LoadInst* flag = b_.CreateLoad(b_.getInt32Ty(), flag_ptr);
  flag->setAtomic(llvm::AtomicOrdering::Monotonic);
  flag->setAlignment(llvm::Align(4));
  flag->setVolatile(true);
  // One runtime call per check site, as for fuel: the Timeout's backtrace names the entry
  // or loop where the code was stopped.
  auto* raised = llvm::BasicBlock::Create(mt_.ctx, "interrupt", fn_);
  auto* cont = llvm::BasicBlock::Create(mt_.ctx, "interrupt.no", fn_);
  llvm::IRBuilder<> rb(raised);
  llvm::CallInst* call = rb.CreateCall(
      mt_.helper("ironclad_jit_interrupt", rb.getVoidTy(), {rb.getPtrTy()}), {vmctx_});
  call->addFnAttr(llvm::Attribute::NoMerge);
  call->setDebugLoc(b_.getCurrentDebugLocation());
  rb.CreateBr(cont);
  llvm::MDBuilder md(mt_.ctx);
  b_.CreateCondBr(b_.CreateICmpNE(flag, b_.getInt32(0)), raised, cont,
                  md.createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(cont);
}

void FunctionTranslator::spend_fuel() {
  // The pointer is invariant, the counter is not: code in the same call (this instance's or
  // another's, or a host function's callback) spends from it too.
  llvm::Value* fuel = ctx_field(ctx_offset::kFuel, b_.getPtrTy());
  llvm::Value* left = b_.CreateLoad(b_.getInt64Ty(), fuel);
  llvm::BasicBlock* spend_from = b_.GetInsertBlock();
  // The slice is spent: the runtime refills the counter (runtime/call_budget.h) or ends the
  // call (no fuel left, or past the deadline). One refill call per spending site, so the
  // backtrace of the Exhausted or Timeout error names the entry or loop.
  auto* refill = llvm::BasicBlock::Create(mt_.ctx, "fuel.refill", fn_);
  auto* cont = llvm::BasicBlock::Create(mt_.ctx, "fuel.ok", fn_);
  llvm::IRBuilder<> rb(refill);
  llvm::CallInst* call = rb.CreateCall(
      mt_.helper("ironclad_jit_fuel_refill", rb.getVoidTy(), {rb.getPtrTy()}), {vmctx_});
  call->addFnAttr(llvm::Attribute::NoMerge);
  call->setDebugLoc(b_.getCurrentDebugLocation());
  llvm::Value* refilled = rb.CreateLoad(rb.getInt64Ty(), fuel);
  rb.CreateBr(cont);
  llvm::MDBuilder md(mt_.ctx);
  b_.CreateCondBr(b_.CreateICmpEQ(left, b_.getInt64(0)), refill, cont,
                  md.createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(cont);
  llvm::PHINode* now = b_.CreatePHI(b_.getInt64Ty(), 2);
  now->addIncoming(left, spend_from);
  now->addIncoming(refilled, refill);
  b_.CreateStore(b_.CreateSub(now, b_.getInt64(1)), fuel);
}

llvm::Value* FunctionTranslator::memory_address(llvm::Value* addr, uint64_t offset,
                                                uint32_t bytes) {
  llvm::Value* ea = b_.CreateZExt(addr, b_.getInt64Ty());
  if (offset) ea = b_.CreateAdd(ea, b_.getInt64(offset));
  if (mt_.explicit_bounds_checks) {
    llvm::Value* size_ptr = ctx_field(ctx_offset::kMemorySize, b_.getPtrTy());
    llvm::Value* size = b_.CreateLoad(b_.getInt64Ty(), size_ptr);
    // addr < 2^32 and offset < 2^32: the sum cannot wrap 64 bits.
    llvm::Value* end = b_.CreateAdd(ea, b_.getInt64(bytes));
    trap_if(b_.CreateICmpUGT(end, size), TrapKind::OutOfBoundsMemoryAccess);
  }
  return b_.CreateGEP(b_.getInt8Ty(), memory_base_, ea);
}

llvm::Value* FunctionTranslator::load_memory(llvm::Type* type, llvm::Value* addr,
                                             uint64_t offset, uint32_t bytes) {
  llvm::Value* at = memory_address(addr, offset, bytes);
  return b_.CreateAlignedLoad(type, at, llvm::Align(1), !mt_.explicit_bounds_checks);
}

void FunctionTranslator::store_memory(llvm::Value* value, llvm::Value* addr, uint64_t offset,
                                      uint32_t bytes) {
  llvm::Value* at = memory_address(addr, offset, bytes);
  b_.CreateAlignedStore(value, at, llvm::Align(1), !mt_.explicit_bounds_checks);
}

llvm::Value* FunctionTranslator::global_address(uint32_t index) {
  llvm::Value* table = ctx_field(ctx_offset::kGlobals, b_.getPtrTy());
  llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), table, index);
  auto* load = b_.CreateLoad(b_.getPtrTy(), slot);
  load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(mt_.ctx, {}));
  return load;
}

Result<void> FunctionTranslator::translate() {
  entry_ = llvm::BasicBlock::Create(mt_.ctx, "entry", fn_);
  b_.SetInsertPoint(entry_);
  vmctx_ = fn_->getArg(0);
  // The entry's checks (stack, fuel) are at the first instruction, where the interpreter
  // spends its entry fuel too.
  set_location(mt_.wasm.body(func_index_).code_offset);

  // Stack exhaustion: this frame's address against the limit of the running activation.
  llvm::Value* frame = call_intrinsic(llvm::Intrinsic::frameaddress, {b_.getPtrTy()}, {b_.getInt32(0)});
  llvm::Value* limit_ptr = ctx_field(ctx_offset::kStackLimit, b_.getPtrTy());
  llvm::Value* limit = b_.CreateLoad(b_.getInt64Ty(), limit_ptr);
  trap_if(b_.CreateICmpULT(b_.CreatePtrToInt(frame, b_.getInt64Ty()), limit),
          TrapKind::CallStackExhausted);
  // Call depth: the same limit as the interpreter's (StoreLimits::max_call_depth), so a
  // recursion traps at the same depth in both tiers whatever their frames cost.
  llvm::Value* calls_left = ctx_field(ctx_offset::kCallsLeft, b_.getPtrTy());
  llvm::Value* left = b_.CreateLoad(b_.getInt64Ty(), calls_left);
  trap_if(b_.CreateICmpSLE(left, b_.getInt64(0)), TrapKind::CallStackExhausted);
  b_.CreateStore(b_.CreateSub(left, b_.getInt64(1)), calls_left);
  memory_base_ = ctx_field(ctx_offset::kMemoryBase, b_.getPtrTy());
  check_budget();

  // An OSR variant's locals come from its slots, at the target loop (enter_osr_loop).
  for (size_t i = 0; i < type_.params.size(); ++i) {
    local_types_.push_back(type_.params[i]);
    locals_.push_back(entry_alloca(mt_.type_of(type_.params[i]), 0));
    if (!osr_) b_.CreateStore(fn_->getArg(static_cast<unsigned>(i + 1)), locals_.back());
  }
  for (const wasm::LocalRun& run : mt_.wasm.body(func_index_).locals) {
    for (uint32_t j = 0; j < run.count; ++j) {
      local_types_.push_back(run.type);
      locals_.push_back(entry_alloca(mt_.type_of(run.type), 0));
      if (!osr_) b_.CreateStore(zero_of(run.type), locals_.back());
    }
  }
  if (osr_) {
    // The locals from slots 1.. (slot 0 says which loop). The body up to the target loops is
    // translated as usual into a block nothing branches to: reachable only through enclosing
    // loops' back edges, else dropped by LLVM.
    llvm::Value* slots = fn_->getArg(1);
    for (size_t i = 0; i < locals_.size(); ++i)
      b_.CreateStore(b_.CreateAlignedLoad(
                         mt_.type_of(local_types_[i]),
                         b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), slots, (i + 1) * kSlotBytes),
                         llvm::Align(16)),
                     locals_[i]);
    osr_entry_end_ = b_.GetInsertBlock();
    b_.SetInsertPoint(llvm::BasicBlock::Create(mt_.ctx, "osr.before", fn_));
  }

  Frame f;
  f.kind = Opcode::End;
  f.results = type_.results;
  f.end = llvm::BasicBlock::Create(mt_.ctx, "return");
  llvm::IRBuilder<> pb(f.end);
  for (ValType t : f.results) f.end_phis.push_back(pb.CreatePHI(mt_.type_of(t), 2));
  frames_.push_back(std::move(f));

  wasm::BodyDecoder decoder(mt_.wasm, func_index_);
  wasm::Instr in;
  while (!decoder.at_end()) {
    IRONCLAD_TRY(decoder.next(in));
    IRONCLAD_TRY(visit(in));
  }
  if (osr_ && osr_cases_.empty()) {
    char where[96];
    std::snprintf(where, sizeof where, "none of its %zu loops asked for can be entered",
                  osr_->loop_offsets.size());
    return Error::make(ErrorKind::Internal, "jit: on-stack replacement in " +
                                                mt_.wasm.function_display_name(func_index_) +
                                                ": " + where);
  }
  if (osr_) finish_osr_entry();
  keep_frames_at_helper_calls();
  return {};
}

Result<void> FunctionTranslator::enter_osr_loop(const wasm::Instr& in) {
  // The interpreter's rule (interp/osr.h): the values on the stack here were all pushed in
  // the innermost enclosing block, so only code through the loop uses them, and the join's
  // phis below dominate every use. A loop that breaks it (or is reached only in dead code)
  // gets no entry: the interpreter never asks for it.
  if (!reachable_ || frames_.back().height != 0) return {};
  auto* entry = llvm::BasicBlock::Create(mt_.ctx, "osr.entry", fn_);
  llvm::IRBuilder<> eb(entry);
  eb.SetCurrentDebugLocation(b_.getCurrentDebugLocation());
  llvm::Value* slots = fn_->getArg(1);
  auto slot = [&](size_t i) {
    return eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), slots, i * kSlotBytes);
  };
  // The operand stack (the loop's params on top) after the selector and the locals, bottom
  // first: the code before the loop and the entry meet in a block whose phis take the
  // stack's place, then the loop opens as usual.
  std::vector<llvm::Value*> entered;
  for (size_t k = 0; k < stack_.size(); ++k)
    entered.push_back(
        eb.CreateAlignedLoad(stack_[k]->getType(), slot(1 + locals_.size() + k), llvm::Align(16)));
  auto* join = llvm::BasicBlock::Create(mt_.ctx, "osr.join", fn_);
  llvm::BasicBlock* before = b_.GetInsertBlock();
  b_.CreateBr(join);
  eb.CreateBr(join);
  b_.SetInsertPoint(join);
  for (size_t k = 0; k < stack_.size(); ++k) {
    llvm::PHINode* phi = b_.CreatePHI(stack_[k]->getType(), 2);
    phi->addIncoming(stack_[k], before);
    phi->addIncoming(entered[k], entry);
    stack_[k] = phi;
  }
  osr_cases_.emplace_back(in.offset, entry);
  osr_->entered.push_back(in.offset);
  return {};
}

void FunctionTranslator::finish_osr_entry() {
  // Slot 0 names the loop; any other value is a bug of the caller's, which traps.
  llvm::IRBuilder<> eb(osr_entry_end_);
  auto* bad = llvm::BasicBlock::Create(mt_.ctx, "osr.bad", fn_);
  llvm::Value* which = eb.CreateAlignedLoad(eb.getInt32Ty(), fn_->getArg(1), llvm::Align(16));
  llvm::SwitchInst* sw = eb.CreateSwitch(which, bad, static_cast<unsigned>(osr_cases_.size()));
  for (const auto& [offset, block] : osr_cases_) sw->addCase(eb.getInt32(offset), block);
  llvm::IRBuilder<> tb(bad);
  mark_trap_site(
      tb.CreateCall(llvm::Intrinsic::getDeclaration(&mt_.llvm, llvm::Intrinsic::trap, {}), {}));
  tb.CreateUnreachable();
}

void FunctionTranslator::keep_frames_at_helper_calls() {
  // A helper that traps (memory.fill out of bounds, say) records the frames above it for the
  // backtrace: a tail call into it would have popped this function's frame (and, once this
  // function is inlined into its entry wrapper, the wrapper's) first. notail survives
  // inlining.
  for (llvm::BasicBlock& block : *fn_)
    for (llvm::Instruction& inst : block)
      if (auto* call = llvm::dyn_cast<llvm::CallInst>(&inst))
        if (llvm::Function* callee = call->getCalledFunction();
            callee && callee->getName().starts_with("ironclad_jit_"))
          call->setTailCallKind(llvm::CallInst::TCK_NoTail);
}

void FunctionTranslator::block_signature(const wasm::BlockType& bt, std::vector<ValType>& params,
                                         std::vector<ValType>& results) const {
  params.clear();
  results.clear();
  if (bt.kind == wasm::BlockType::Value) results.push_back(bt.value);
  if (bt.kind == wasm::BlockType::TypeIndex) {
    params = mt_.wasm.types[bt.type_index].params;
    results = mt_.wasm.types[bt.type_index].results;
  }
}

void FunctionTranslator::open_frame(Opcode kind, const wasm::BlockType& bt) {
  Frame f;
  f.kind = kind;
  block_signature(bt, f.params, f.results);
  llvm::Value* cond = kind == Opcode::If ? b_.CreateICmpNE(pop(), b_.getInt32(0)) : nullptr;
  f.height = stack_.size() - f.params.size();
  f.end = llvm::BasicBlock::Create(mt_.ctx, "end");
  {
    llvm::IRBuilder<> pb(f.end);
    for (ValType t : f.results) f.end_phis.push_back(pb.CreatePHI(mt_.type_of(t), 2));
  }
  if (kind == Opcode::Loop) {
    f.header = llvm::BasicBlock::Create(mt_.ctx, "loop", fn_);
    llvm::IRBuilder<> hb(f.header);
    for (ValType t : f.params) f.header_phis.push_back(hb.CreatePHI(mt_.type_of(t), 2));
    for (size_t i = 0; i < f.params.size(); ++i)
      f.header_phis[i]->addIncoming(stack_[f.height + i], b_.GetInsertBlock());
    b_.CreateBr(f.header);
    b_.SetInsertPoint(f.header);
    check_budget();
    stack_.resize(f.height);
    for (auto* phi : f.header_phis) stack_.push_back(phi);
  } else if (kind == Opcode::If) {
    auto* then_block = llvm::BasicBlock::Create(mt_.ctx, "then", fn_);
    f.else_block = llvm::BasicBlock::Create(mt_.ctx, "else");
    f.if_params.assign(stack_.begin() + static_cast<ptrdiff_t>(f.height), stack_.end());
    b_.CreateCondBr(cond, then_block, f.else_block);
    b_.SetInsertPoint(then_block);
  }
  frames_.push_back(std::move(f));
}

void FunctionTranslator::branch_to(Frame& target) { add_incoming(target, target.kind == Opcode::Loop); }

void FunctionTranslator::add_incoming(Frame& target, bool to_header) {
  auto& phis = to_header ? target.header_phis : target.end_phis;
  size_t n = phis.size();
  llvm::BasicBlock* from = b_.GetInsertBlock();
  for (size_t i = 0; i < n; ++i) phis[i]->addIncoming(stack_[stack_.size() - n + i], from);
}

void FunctionTranslator::end_frame() {
  Frame& f = frames_.back();
  if (reachable_) {
    add_incoming(f, false);  // falling off the end, also of a loop
    b_.CreateBr(f.end);
  }
  if (f.kind == Opcode::If && !f.has_else) {
    // No else: the false edge carries the if's params on as its results (same types).
    f.else_block->insertInto(fn_);
    llvm::IRBuilder<> eb(f.else_block);
    for (size_t i = 0; i < f.end_phis.size(); ++i)
      f.end_phis[i]->addIncoming(f.if_params[i], f.else_block);
    eb.CreateBr(f.end);
  }
  stack_.resize(f.height);
  if (f.end->hasNPredecessorsOrMore(1)) {
    f.end->insertInto(fn_);
    b_.SetInsertPoint(f.end);
    for (auto* phi : f.end_phis) stack_.push_back(phi);
    reachable_ = true;
  } else {
    for (auto* phi : f.end_phis) phi->eraseFromParent();
    delete f.end;
    reachable_ = false;
  }
}

void FunctionTranslator::emit_return(const std::vector<llvm::Value*>& values) {
  // This frame is gone: one more call may be made (the entry took one).
  llvm::Value* calls_left = ctx_field(ctx_offset::kCallsLeft, b_.getPtrTy());
  b_.CreateStore(b_.CreateAdd(b_.CreateLoad(b_.getInt64Ty(), calls_left), b_.getInt64(1)),
                 calls_left);
  if (osr_) {
    // The OSR variant returns through its slots, as an entry wrapper does.
    for (size_t i = 0; i < values.size(); ++i)
      b_.CreateAlignedStore(values[i],
                            b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), fn_->getArg(1),
                                                          i * kSlotBytes),
                            llvm::Align(16));
    b_.CreateRetVoid();
    return;
  }
  if (values.empty()) {
    b_.CreateRetVoid();
  } else if (values.size() == 1) {
    b_.CreateRet(values[0]);
  } else {
    llvm::Value* agg = llvm::UndefValue::get(mt_.results_type(type_));
    for (size_t i = 0; i < values.size(); ++i)
      agg = b_.CreateInsertValue(agg, mt_.to_result_field(b_, values[i], type_.results[i]),
                                 {static_cast<unsigned>(i)});
    b_.CreateRet(agg);
  }
}

// call_indirect's callee, checked inline as the spec orders it: the index against the
// table's size (undefined element), null (uninitialized element), then the callee's
// canonical type id against the expected type's (indirect call type mismatch). The table's
// view is re-read at every call: table.grow and table.set may change it between calls.
llvm::Value* FunctionTranslator::indirect_callee(uint32_t table, llvm::Value* index,
                                                 uint32_t type_index) {
  llvm::Type* i64 = b_.getInt64Ty();
  llvm::Type* ptr = b_.getPtrTy();
  auto invariant = [&](llvm::LoadInst* load) {
    load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(mt_.ctx, {}));
    return load;
  };
  llvm::Value* views = ctx_field(ctx_offset::kTables, ptr);
  llvm::Value* view =
      invariant(b_.CreateLoad(ptr, b_.CreateConstInBoundsGEP1_64(ptr, views, table)));
  constexpr size_t kData = offsetof(runtime::Table::View, data);
  constexpr size_t kSize = offsetof(runtime::Table::View, size);
  llvm::Value* data =
      b_.CreateLoad(ptr, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), view, kData));
  llvm::Value* size =
      b_.CreateLoad(i64, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), view, kSize));
  llvm::Value* i = b_.CreateZExt(index, i64);
  trap_if(b_.CreateICmpUGE(i, size), TrapKind::UndefinedElement);
  llvm::Value* ref = b_.CreateLoad(i64, b_.CreateInBoundsGEP(i64, data, i));
  trap_if(b_.CreateICmpEQ(ref, b_.getInt64(0)), TrapKind::UninitializedElement);
  llvm::Value* callee = b_.CreateIntToPtr(ref, ptr);
  FunctionInstanceLayout layout = function_instance_layout();
  llvm::Value* actual = b_.CreateLoad(
      b_.getInt32Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), callee, layout.type_id));
  llvm::Value* type_ids = ctx_field(ctx_offset::kTypeIds, ptr);
  llvm::Value* expected = invariant(b_.CreateLoad(
      b_.getInt32Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt32Ty(), type_ids, type_index)));
  trap_if(b_.CreateICmpNE(actual, expected), TrapKind::IndirectCallTypeMismatch);
  return callee;
}

FunctionTranslator::CallPaths FunctionTranslator::branch_on_jit_code(llvm::Value* func_instance,
                                                                   uint32_t published_weight) {
  FunctionInstanceLayout layout = function_instance_layout();
  CallPaths paths;
  paths.code = b_.CreateLoad(
      b_.getPtrTy(),
      b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), func_instance, layout.jit_code));
  paths.published = llvm::BasicBlock::Create(mt_.ctx, "call.jit", fn_);
  paths.runtime = llvm::BasicBlock::Create(mt_.ctx, "call.runtime", fn_);
  paths.done = llvm::BasicBlock::Create(mt_.ctx, "call.done", fn_);
  llvm::MDBuilder md(mt_.ctx);
  b_.CreateCondBr(b_.CreateICmpNE(paths.code, llvm::ConstantPointerNull::get(b_.getPtrTy())),
                  paths.published, paths.runtime, md.createBranchWeights(published_weight, 1));
  return paths;
}

void FunctionTranslator::call_runtime(llvm::Value* func_instance, llvm::Value* slots) {
  llvm::Type* ptr = b_.getPtrTy();
  auto callee = mt_.helper("ironclad_jit_call", b_.getVoidTy(), {ptr, ptr, ptr});
  b_.CreateCall(callee, {vmctx_, func_instance, slots})->addFnAttr(llvm::Attribute::NoMerge);
}

// Calls through a FunctionInstance (imports, call_indirect, and in a tiered store's -O0 code
// calls to functions of other batches): arguments and results travel in 16-byte slots.
// A callee with machine code (jit_code set; host functions have none) is entered directly
// through its entry wrapper with its own instance's context, as the runtime would; anything
// else goes to the runtime, which calls the host function or the interpreter.
void FunctionTranslator::emit_call_through(llvm::Value* func_instance, const wasm::FuncType& type) {
  size_t n = std::max(type.params.size(), type.results.size());
  llvm::Value* slots = entry_alloca(b_.getInt8Ty(), std::max<size_t>(n, 1) * kSlotBytes);
  size_t base = stack_.size() - type.params.size();
  for (size_t i = 0; i < type.params.size(); ++i)
    b_.CreateAlignedStore(stack_[base + i],
                          b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), slots, i * kSlotBytes),
                          llvm::Align(16));
  stack_.resize(base);
  llvm::Type* ptr = b_.getPtrTy();
  CallPaths paths = branch_on_jit_code(func_instance, 4);
  b_.SetInsertPoint(paths.published);
  llvm::Value* entry = b_.CreateLoad(
      ptr, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), paths.code, kJitFunctionEntry));
  llvm::Value* callee_ctx = b_.CreateLoad(
      ptr, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), paths.code, kJitFunctionCtx));
  auto* entry_type = llvm::FunctionType::get(b_.getVoidTy(), {ptr, ptr}, false);
  auto* call = b_.CreateCall(entry_type, entry, {callee_ctx, slots});
  call->setTailCallKind(llvm::CallInst::TCK_NoTail);
  // Without nomerge, branch folding merges the identical call sequences of different call
  // sites into one, whose location is line 0: a backtrace through it would name offset 0.
  call->addFnAttr(llvm::Attribute::NoMerge);
  b_.CreateBr(paths.done);
  b_.SetInsertPoint(paths.runtime);
  call_runtime(func_instance, slots);
  b_.CreateBr(paths.done);
  b_.SetInsertPoint(paths.done);
  for (size_t i = 0; i < type.results.size(); ++i)
    push(b_.CreateAlignedLoad(mt_.type_of(type.results[i]),
                              b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), slots, i * kSlotBytes),
                              llvm::Align(16)));
}

void FunctionTranslator::emit_call(uint32_t func_index) {
  const wasm::FuncType& type = mt_.wasm.func_type(func_index);
  // An import, or a function outside this compile (ModuleCompiler::compile_functions: a
  // tiered store's batch), is called through its FunctionInstance.
  if (mt_.wasm.is_imported_func(func_index) || !mt_.functions[func_index]) {
    llvm::Value* funcs = ctx_field(ctx_offset::kFuncs, b_.getPtrTy());
    auto* fi = b_.CreateLoad(b_.getPtrTy(),
                             b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), funcs, func_index));
    fi->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(mt_.ctx, {}));
    if (mt_.wasm.is_imported_func(func_index) || !mt_.call_published_bodies)
      emit_call_through(fi, type);
    else
      emit_call_published(fi, func_index);
    return;
  }
  std::vector<llvm::Value*> args{vmctx_};
  size_t base = stack_.size() - type.params.size();
  args.insert(args.end(), stack_.begin() + static_cast<ptrdiff_t>(base), stack_.end());
  stack_.resize(base);
  llvm::CallInst* r = b_.CreateCall(mt_.functions[func_index], args);
  // notail keeps the optimizer from turning recursion into a loop: every wasm call must
  // take a frame, or the stack-exhaustion check at entry would never fire.
  r->setTailCallKind(llvm::CallInst::TCK_NoTail);
  if (type.results.size() == 1) push(r);
  if (type.results.size() > 1)
    for (unsigned i = 0; i < type.results.size(); ++i)
      push(mt_.from_result_field(b_, b_.CreateExtractValue(r, {i}), type.results[i]));
}

// A function of this instance compiled apart (another batch of a tiered store): once its
// machine code is published, its body is called directly, as a call inside a batch would
// be (same instance, so this function's context; arguments and results in registers). A
// tiered store publishes a function's code only with its body (JitFunction::body). Before
// that, the runtime calls it (in the interpreter), arguments and results in slots.
void FunctionTranslator::emit_call_published(llvm::Value* func_instance, uint32_t func_index) {
  const wasm::FuncType& type = mt_.wasm.func_type(func_index);
  CallPaths paths = branch_on_jit_code(func_instance, 16);
  const size_t base = stack_.size() - type.params.size();
  const std::vector<llvm::Value*> params(stack_.begin() + static_cast<ptrdiff_t>(base),
                                         stack_.end());
  stack_.resize(base);

  b_.SetInsertPoint(paths.published);
  llvm::Value* body = b_.CreateLoad(
      b_.getPtrTy(),
      b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), paths.code, kJitFunctionBody));
  std::vector<llvm::Value*> args{vmctx_};
  args.insert(args.end(), params.begin(), params.end());
  llvm::CallInst* r = b_.CreateCall(mt_.signature(type), body, args);
  // As a direct call (emit_call): every wasm call takes a frame; and each call site keeps
  // its own location for backtraces.
  r->setTailCallKind(llvm::CallInst::TCK_NoTail);
  r->addFnAttr(llvm::Attribute::NoMerge);
  std::vector<llvm::Value*> direct_results;
  if (type.results.size() == 1) direct_results.push_back(r);
  if (type.results.size() > 1)
    for (unsigned i = 0; i < type.results.size(); ++i)
      direct_results.push_back(
          mt_.from_result_field(b_, b_.CreateExtractValue(r, {i}), type.results[i]));
  llvm::BasicBlock* direct_end = b_.GetInsertBlock();
  b_.CreateBr(paths.done);

  b_.SetInsertPoint(paths.runtime);
  const size_t n = std::max(type.params.size(), type.results.size());
  llvm::Value* slots = entry_alloca(b_.getInt8Ty(), std::max<size_t>(n, 1) * kSlotBytes);
  auto slot = [&](size_t i) {
    return b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), slots, i * kSlotBytes);
  };
  for (size_t i = 0; i < params.size(); ++i)
    b_.CreateAlignedStore(params[i], slot(i), llvm::Align(16));
  call_runtime(func_instance, slots);
  std::vector<llvm::Value*> runtime_results;
  for (size_t i = 0; i < type.results.size(); ++i)
    runtime_results.push_back(
        b_.CreateAlignedLoad(mt_.type_of(type.results[i]), slot(i), llvm::Align(16)));
  llvm::BasicBlock* runtime_end = b_.GetInsertBlock();
  b_.CreateBr(paths.done);

  b_.SetInsertPoint(paths.done);
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::PHINode* phi = b_.CreatePHI(runtime_results[i]->getType(), 2);
    phi->addIncoming(direct_results[i], direct_end);
    phi->addIncoming(runtime_results[i], runtime_end);
    push(phi);
  }
}

Result<void> FunctionTranslator::visit(const wasm::Instr& in) {
  if (!reachable_) {
    // Code after br/return/unreachable: skipped up to the else/end of the enclosing block.
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If: ++dead_blocks_; return {};
      case Opcode::Else:
        if (dead_blocks_) return {};
        break;
      case Opcode::End:
        if (dead_blocks_) {
          --dead_blocks_;
          return {};
        }
        break;
      default: return {};
    }
  }
  if (has_own_location(in.op)) set_location(in.offset);
  bool handled = false;
  IRONCLAD_TRY(visit_control(in, handled));
  if (handled) return {};
  IRONCLAD_TRY(visit_variable_or_memory(in, handled));
  if (handled) return {};
  if (translate_numeric(*this, in)) return {};
  if (translate_simd(*this, in)) return {};
  return error_at(in, "not supported by the JIT tier yet");
}

Result<void> FunctionTranslator::visit_control(const wasm::Instr& in, bool& handled) {
  handled = true;
  switch (in.op) {
    case Opcode::Nop: return {};
    case Opcode::Unreachable:
      // ud2 (llvm.trap): the SIGILL at it is the trap (JitTier::call tells it apart from a
      // CPU emulation patch); no call, no argument set-up.
      mark_trap_site(
          b_.CreateCall(llvm::Intrinsic::getDeclaration(&mt_.llvm, llvm::Intrinsic::trap, {}), {}));
      b_.CreateUnreachable();
      reachable_ = false;
      return {};
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
      if (osr_ && in.op == Opcode::Loop &&
          std::find(osr_->loop_offsets.begin(), osr_->loop_offsets.end(), in.offset) !=
              osr_->loop_offsets.end())
        IRONCLAD_TRY(enter_osr_loop(in));
      open_frame(in.op, in.block);
      return {};
    case Opcode::Else: {
      Frame& f = frames_.back();
      if (reachable_) {
        branch_to(f);
        b_.CreateBr(f.end);
      }
      stack_.resize(f.height);
      f.else_block->insertInto(fn_);
      b_.SetInsertPoint(f.else_block);
      for (auto* v : f.if_params) stack_.push_back(v);
      f.has_else = true;
      reachable_ = true;
      return {};
    }
    case Opcode::End: {
      if (frames_.size() == 1) {
        Frame& f = frames_.back();
        if (reachable_) {
          branch_to(f);
          b_.CreateBr(f.end);
        }
        if (f.end->hasNPredecessorsOrMore(1)) {
          f.end->insertInto(fn_);
          b_.SetInsertPoint(f.end);
          emit_return(std::vector<llvm::Value*>(f.end_phis.begin(), f.end_phis.end()));
        } else {
          for (auto* phi : f.end_phis) phi->eraseFromParent();
          delete f.end;
        }
        frames_.pop_back();
        return {};
      }
      end_frame();
      frames_.pop_back();
      return {};
    }
    case Opcode::Br: {
      Frame& target = label(in.index);
      branch_to(target);
      b_.CreateBr(target.kind == Opcode::Loop ? target.header : target.end);
      reachable_ = false;
      return {};
    }
    case Opcode::BrIf: {
      llvm::Value* cond = b_.CreateICmpNE(pop(), b_.getInt32(0));
      Frame& target = label(in.index);
      branch_to(target);
      auto* cont = llvm::BasicBlock::Create(mt_.ctx, "br_if.cont", fn_);
      b_.CreateCondBr(cond, target.kind == Opcode::Loop ? target.header : target.end, cont);
      b_.SetInsertPoint(cont);
      return {};
    }
    case Opcode::BrTable: {
      llvm::Value* index = pop();
      const std::vector<uint32_t>& targets = *in.br_targets;
      llvm::BasicBlock* from = b_.GetInsertBlock();
      // One edge block per distinct depth, so each phi gets one incoming value per edge.
      std::vector<std::pair<uint32_t, llvm::BasicBlock*>> edges;
      auto edge_for = [&](uint32_t depth) {
        for (auto& e : edges)
          if (e.first == depth) return e.second;
        auto* bb = llvm::BasicBlock::Create(mt_.ctx, "br_table.edge", fn_);
        b_.SetInsertPoint(bb);
        Frame& target = label(depth);
        branch_to(target);
        b_.CreateBr(target.kind == Opcode::Loop ? target.header : target.end);
        edges.emplace_back(depth, bb);
        return bb;
      };
      llvm::BasicBlock* def = edge_for(targets.back());
      std::vector<llvm::BasicBlock*> cases;
      for (size_t i = 0; i + 1 < targets.size(); ++i) cases.push_back(edge_for(targets[i]));
      b_.SetInsertPoint(from);
      auto* sw = b_.CreateSwitch(index, def, static_cast<unsigned>(cases.size()));
      for (size_t i = 0; i < cases.size(); ++i)
        sw->addCase(b_.getInt32(static_cast<uint32_t>(i)), cases[i]);
      reachable_ = false;
      return {};
    }
    case Opcode::Return: {
      Frame& f = frames_.front();
      branch_to(f);
      b_.CreateBr(f.end);
      reachable_ = false;
      return {};
    }
    case Opcode::Call: emit_call(in.index); return {};
    case Opcode::CallIndirect: {
      llvm::Value* index = pop();
      emit_call_through(indirect_callee(in.index2, index, in.index), mt_.wasm.types[in.index]);
      return {};
    }
    case Opcode::Drop: pop(); return {};
    case Opcode::Select:
    case Opcode::SelectT: {
      llvm::Value* cond = b_.CreateICmpNE(pop(), b_.getInt32(0));
      llvm::Value* f = pop();
      llvm::Value* t = pop();
      push(b_.CreateSelect(cond, t, f));
      return {};
    }
    default: handled = false; return {};
  }
}

Result<void> FunctionTranslator::visit_variable_or_memory(const wasm::Instr& in, bool& handled) {
  handled = true;
  llvm::Type* i32 = b_.getInt32Ty();
  llvm::Type* i64 = b_.getInt64Ty();
  llvm::Type* ptr = b_.getPtrTy();
  auto load = [&](llvm::Type* t, uint32_t bytes) {
    return load_memory(t, pop(), in.mem.offset, bytes);
  };
  auto store = [&](llvm::Value* v, uint32_t bytes) { store_memory(v, pop(), in.mem.offset, bytes); };
  switch (in.op) {
    case Opcode::LocalGet:
      push(b_.CreateLoad(mt_.type_of(local_types_[in.index]), locals_[in.index]));
      return {};
    case Opcode::LocalSet: b_.CreateStore(pop(), locals_[in.index]); return {};
    case Opcode::LocalTee: b_.CreateStore(stack_.back(), locals_[in.index]); return {};
    case Opcode::GlobalGet: {
      ValType t = mt_.wasm.globals[in.index].type.type;
      push(b_.CreateAlignedLoad(mt_.type_of(t), global_address(in.index), llvm::Align(8)));
      return {};
    }
    case Opcode::GlobalSet: {
      llvm::Value* v = pop();
      b_.CreateAlignedStore(v, global_address(in.index), llvm::Align(8));
      return {};
    }
    case Opcode::I32Load: push(load(i32, 4)); return {};
    case Opcode::I64Load: push(load(i64, 8)); return {};
    case Opcode::F32Load: push(load(b_.getFloatTy(), 4)); return {};
    case Opcode::F64Load: push(load(b_.getDoubleTy(), 8)); return {};
    case Opcode::I32Load8S: push(b_.CreateSExt(load(b_.getInt8Ty(), 1), i32)); return {};
    case Opcode::I32Load8U: push(b_.CreateZExt(load(b_.getInt8Ty(), 1), i32)); return {};
    case Opcode::I32Load16S: push(b_.CreateSExt(load(b_.getInt16Ty(), 2), i32)); return {};
    case Opcode::I32Load16U: push(b_.CreateZExt(load(b_.getInt16Ty(), 2), i32)); return {};
    case Opcode::I64Load8S: push(b_.CreateSExt(load(b_.getInt8Ty(), 1), i64)); return {};
    case Opcode::I64Load8U: push(b_.CreateZExt(load(b_.getInt8Ty(), 1), i64)); return {};
    case Opcode::I64Load16S: push(b_.CreateSExt(load(b_.getInt16Ty(), 2), i64)); return {};
    case Opcode::I64Load16U: push(b_.CreateZExt(load(b_.getInt16Ty(), 2), i64)); return {};
    case Opcode::I64Load32S: push(b_.CreateSExt(load(i32, 4), i64)); return {};
    case Opcode::I64Load32U: push(b_.CreateZExt(load(i32, 4), i64)); return {};
    case Opcode::I32Store:
    case Opcode::F32Store: {
      llvm::Value* v = pop();
      store(v, 4);
      return {};
    }
    case Opcode::I64Store:
    case Opcode::F64Store: {
      llvm::Value* v = pop();
      store(v, 8);
      return {};
    }
    case Opcode::I32Store8:
    case Opcode::I64Store8: {
      llvm::Value* v = b_.CreateTrunc(pop(), b_.getInt8Ty());
      store(v, 1);
      return {};
    }
    case Opcode::I32Store16:
    case Opcode::I64Store16: {
      llvm::Value* v = b_.CreateTrunc(pop(), b_.getInt16Ty());
      store(v, 2);
      return {};
    }
    case Opcode::I64Store32: {
      llvm::Value* v = b_.CreateTrunc(pop(), i32);
      store(v, 4);
      return {};
    }
    case Opcode::MemorySize: {
      llvm::Value* size = b_.CreateLoad(i64, ctx_field(ctx_offset::kMemorySize, ptr));
      push(b_.CreateTrunc(b_.CreateLShr(size, 16), i32));
      return {};
    }
    case Opcode::MemoryGrow:
      push(b_.CreateCall(mt_.helper("ironclad_jit_memory_grow", i32, {ptr, i32}), {vmctx_, pop()}));
      return {};
    case Opcode::MemoryFill:
    case Opcode::MemoryCopy: {
      llvm::Value* n = pop();
      llvm::Value* src_or_value = pop();
      llvm::Value* dst = pop();
      const char* name =
          in.op == Opcode::MemoryFill ? "ironclad_jit_memory_fill" : "ironclad_jit_memory_copy";
      b_.CreateCall(mt_.helper(name, b_.getVoidTy(), {ptr, i32, i32, i32}),
                    {vmctx_, dst, src_or_value, n});
      return {};
    }
    case Opcode::MemoryInit: {
      llvm::Value* n = pop();
      llvm::Value* src = pop();
      llvm::Value* dst = pop();
      b_.CreateCall(mt_.helper("ironclad_jit_memory_init", b_.getVoidTy(), {ptr, i32, i32, i32, i32}),
                    {vmctx_, b_.getInt32(in.index), dst, src, n});
      return {};
    }
    case Opcode::DataDrop:
      b_.CreateCall(mt_.helper("ironclad_jit_data_drop", b_.getVoidTy(), {ptr, i32}),
                    {vmctx_, b_.getInt32(in.index)});
      return {};
    case Opcode::TableGet:
      push(b_.CreateCall(mt_.helper("ironclad_jit_table_get", i64, {ptr, i32, i32}),
                         {vmctx_, b_.getInt32(in.index), pop()}));
      return {};
    case Opcode::TableSet: {
      llvm::Value* v = pop();
      llvm::Value* i = pop();
      b_.CreateCall(mt_.helper("ironclad_jit_table_set", b_.getVoidTy(), {ptr, i32, i32, i64}),
                    {vmctx_, b_.getInt32(in.index), i, v});
      return {};
    }
    case Opcode::TableSize:
      push(b_.CreateCall(mt_.helper("ironclad_jit_table_size", i32, {ptr, i32}),
                         {vmctx_, b_.getInt32(in.index)}));
      return {};
    case Opcode::TableGrow: {
      llvm::Value* delta = pop();
      llvm::Value* init = pop();
      push(b_.CreateCall(mt_.helper("ironclad_jit_table_grow", i32, {ptr, i32, i64, i32}),
                         {vmctx_, b_.getInt32(in.index), init, delta}));
      return {};
    }
    case Opcode::TableFill: {
      llvm::Value* n = pop();
      llvm::Value* v = pop();
      llvm::Value* i = pop();
      b_.CreateCall(mt_.helper("ironclad_jit_table_fill", b_.getVoidTy(), {ptr, i32, i32, i64, i32}),
                    {vmctx_, b_.getInt32(in.index), i, v, n});
      return {};
    }
    case Opcode::TableCopy: {
      llvm::Value* n = pop();
      llvm::Value* s = pop();
      llvm::Value* d = pop();
      b_.CreateCall(
          mt_.helper("ironclad_jit_table_copy", b_.getVoidTy(), {ptr, i32, i32, i32, i32, i32}),
          {vmctx_, b_.getInt32(in.index), b_.getInt32(in.index2), d, s, n});
      return {};
    }
    case Opcode::TableInit: {
      llvm::Value* n = pop();
      llvm::Value* s = pop();
      llvm::Value* d = pop();
      // table.init's immediates: elem index, then table (index2).
      b_.CreateCall(
          mt_.helper("ironclad_jit_table_init", b_.getVoidTy(), {ptr, i32, i32, i32, i32, i32}),
          {vmctx_, b_.getInt32(in.index2), b_.getInt32(in.index), d, s, n});
      return {};
    }
    case Opcode::ElemDrop:
      b_.CreateCall(mt_.helper("ironclad_jit_elem_drop", b_.getVoidTy(), {ptr, i32}),
                    {vmctx_, b_.getInt32(in.index)});
      return {};
    case Opcode::RefNull: push(b_.getInt64(0)); return {};
    case Opcode::RefIsNull:
      push(b_.CreateZExt(b_.CreateICmpEQ(pop(), b_.getInt64(0)), i32));
      return {};
    case Opcode::RefFunc: {
      llvm::Value* funcs = ctx_field(ctx_offset::kFuncs, ptr);
      auto* fi = b_.CreateLoad(i64, b_.CreateConstInBoundsGEP1_64(ptr, funcs, in.index));
      push(fi);
      return {};
    }
    default: handled = false; return {};
  }
}

}  // namespace ironclad::jit
