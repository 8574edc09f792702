// The numeric operators with the spec's exact semantics: shifts and rotates modulo the
// width, trapping division and conversions, min/max with NaN propagation and -0 < +0
// (llvm.minimum/maximum are exactly IEEE 754-2019 minimum/maximum), abs/neg/copysign as
// sign-bit operations, nearest as round-half-to-even.
#include <cmath>

#include <llvm/IR/Intrinsics.h>

#include "jit/function_translator.h"

namespace ironclad::jit {
namespace {

using wasm::Opcode;
using llvm::Intrinsic::ID;

struct Numeric {
  FunctionTranslator& t;
  llvm::IRBuilder<>& b;

  llvm::Value* bool32(llvm::Value* i1) { return b.CreateZExt(i1, b.getInt32Ty()); }

  void cmp(llvm::CmpInst::Predicate p) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    t.push(bool32(x->getType()->isFloatingPointTy() ? b.CreateFCmp(p, x, y) : b.CreateICmp(p, x, y)));
  }
  void binary(llvm::Instruction::BinaryOps op) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    llvm::Value* r = b.CreateBinOp(op, x, y);
    // LLVM folds x - 0, x + -0, x * 1, x / 1 to x and x / -1 to -x, which passes a
    // signalling NaN through unquieted; wasm requires an arithmetic (quiet) NaN. Where the
    // constant is visible here, a NaN operand takes the quieting path x + x instead.
    // (-0 - x is folded to -x as well, so subtraction checks both sides.)
    bool either_side = is_commutative(op) || op == llvm::Instruction::FSub;
    if (is_identity_constant(op, y) || (either_side && is_identity_constant(op, x))) {
      llvm::Value* other = llvm::isa<llvm::ConstantFP>(y) ? x : y;
      r = b.CreateSelect(b.CreateFCmpUNO(other, other), b.CreateFAdd(other, other), r);
    }
    t.push(r);
  }
  static bool is_commutative(llvm::Instruction::BinaryOps op) {
    return op == llvm::Instruction::FAdd || op == llvm::Instruction::FMul;
  }
  static bool is_identity_constant(llvm::Instruction::BinaryOps op, llvm::Value* v) {
    auto* c = llvm::dyn_cast<llvm::ConstantFP>(v);
    if (!c) return false;
    const llvm::APFloat& f = c->getValueAPF();
    switch (op) {
      case llvm::Instruction::FAdd:
      case llvm::Instruction::FSub: return f.isZero();
      case llvm::Instruction::FMul:
      case llvm::Instruction::FDiv: return f.isExactlyValue(1.0) || f.isExactlyValue(-1.0);
      default: return false;
    }
  }
  void shift(llvm::Instruction::BinaryOps op) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    unsigned bits = x->getType()->getIntegerBitWidth();
    t.push(b.CreateBinOp(op, x, b.CreateAnd(y, llvm::ConstantInt::get(y->getType(), bits - 1))));
  }
  void rotate(ID funnel) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    t.push(t.call_intrinsic(funnel, {x->getType()}, {x, x, y}));  // fshl/fshr take y mod width
  }
  void unary_intrinsic(ID id) {
    llvm::Value* x = t.pop();
    t.push(t.call_intrinsic(id, {x->getType()}, {x}));
  }
  void count_zeros(ID id) {
    llvm::Value* x = t.pop();
    t.push(t.call_intrinsic(id, {x->getType()}, {x, b.getFalse()}));  // defined for 0
  }
  void binary_intrinsic(ID id) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    t.push(t.call_intrinsic(id, {x->getType()}, {x, y}));
  }
  void divide(bool is_signed, bool remainder) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    llvm::Type* ty = x->getType();
    unsigned bits = ty->getIntegerBitWidth();
    t.trap_if(b.CreateICmpEQ(y, llvm::ConstantInt::get(ty, 0)), TrapKind::IntegerDivideByZero);
    if (!is_signed) {
      t.push(remainder ? b.CreateURem(x, y) : b.CreateUDiv(x, y));
      return;
    }
    llvm::Value* min = llvm::ConstantInt::get(ty, llvm::APInt::getSignedMinValue(bits));
    llvm::Value* minus_one = llvm::ConstantInt::getSigned(ty, -1);
    llvm::Value* overflow = b.CreateAnd(b.CreateICmpEQ(x, min), b.CreateICmpEQ(y, minus_one));
    if (!remainder) {
      t.trap_if(overflow, TrapKind::IntegerOverflow);
      t.push(b.CreateSDiv(x, y));
      return;
    }
    // INT_MIN rem -1 is 0 in wasm but undefined in LLVM: divide by 1 instead.
    llvm::Value* safe_y = b.CreateSelect(overflow, llvm::ConstantInt::get(ty, 1), y);
    t.push(b.CreateSRem(x, safe_y));
  }
  // A trapping float->int conversion: NaN is an invalid conversion, a value whose truncation
  // is outside the integer's range an overflow. The bounds are exact in the source type:
  // x must satisfy lower < x < upper (exclusive), each bound a power of two or its neighbour.
  void trunc_trapping(llvm::Type* to, bool is_signed) {
    llvm::Value* x = t.pop();
    llvm::Type* from = x->getType();
    unsigned bits = to->getIntegerBitWidth();
    double upper = is_signed ? std::ldexp(1.0, static_cast<int>(bits) - 1) : std::ldexp(1.0, static_cast<int>(bits));
    double lower;
    llvm::Value* in_range;
    t.trap_if(b.CreateFCmpUNO(x, x), TrapKind::InvalidConversionToInteger);
    if (is_signed) {
      lower = -upper;  // -2^(n-1) is exact; anything above -2^(n-1)-1 truncates in range
      // -2^(n-1) - 1 is exact in f64 for n = 32; for f32, and for n = 64, the next value
      // below -2^(n-1) is already out of range, so x >= -2^(n-1) is the test.
      bool minus_one_exact = from->isDoubleTy() && bits == 32;
      llvm::Value* lo = minus_one_exact
                            ? b.CreateFCmpOGT(x, llvm::ConstantFP::get(from, lower - 1.0))
                            : b.CreateFCmpOGE(x, llvm::ConstantFP::get(from, lower));
      in_range = b.CreateAnd(lo, b.CreateFCmpOLT(x, llvm::ConstantFP::get(from, upper)));
    } else {
      in_range = b.CreateAnd(b.CreateFCmpOGT(x, llvm::ConstantFP::get(from, -1.0)),
                             b.CreateFCmpOLT(x, llvm::ConstantFP::get(from, upper)));
    }
    t.trap_if(b.CreateNot(in_range), TrapKind::IntegerOverflow);
    t.push(is_signed ? b.CreateFPToSI(x, to) : b.CreateFPToUI(x, to));
  }
  void trunc_saturating(llvm::Type* to, bool is_signed) {
    llvm::Value* x = t.pop();
    t.push(t.call_intrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                            {to, x->getType()}, {x}));
  }
  // min/max: llvm.minimum/maximum order -0 below +0 and propagate NaN, but pass a
  // signalling NaN through unchanged; wasm wants an arithmetic (quiet) NaN, which x + y gives.
  void min_max(ID id) {
    llvm::Value* y = t.pop();
    llvm::Value* x = t.pop();
    llvm::Value* r = t.call_intrinsic(id, {x->getType()}, {x, y});
    t.push(b.CreateSelect(b.CreateFCmpUNO(x, y), b.CreateFAdd(x, y), r));
  }
  void sign_extend(llvm::Type* narrow) {
    llvm::Value* x = t.pop();
    t.push(b.CreateSExt(b.CreateTrunc(x, narrow), x->getType()));
  }
};

}  // namespace

bool translate_numeric(FunctionTranslator& t, const wasm::Instr& in) {
  llvm::IRBuilder<>& b = t.builder();
  Numeric n{t, b};
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* f32 = b.getFloatTy();
  llvm::Type* f64 = b.getDoubleTy();
  using P = llvm::CmpInst::Predicate;
  using I = llvm::Instruction;
  namespace ll = llvm::Intrinsic;
  switch (in.op) {
    case Opcode::I32Const: t.push(b.getInt32(in.i32)); return true;
    case Opcode::I64Const: t.push(b.getInt64(in.i64)); return true;
    case Opcode::F32Const: t.push(b.CreateBitCast(b.getInt32(in.f32_bits), f32)); return true;
    case Opcode::F64Const: t.push(b.CreateBitCast(b.getInt64(in.f64_bits), f64)); return true;

    case Opcode::I32Eqz: t.push(n.bool32(b.CreateICmpEQ(t.pop(), b.getInt32(0)))); return true;
    case Opcode::I64Eqz: t.push(n.bool32(b.CreateICmpEQ(t.pop(), b.getInt64(0)))); return true;
    case Opcode::I32Eq: case Opcode::I64Eq: n.cmp(P::ICMP_EQ); return true;
    case Opcode::I32Ne: case Opcode::I64Ne: n.cmp(P::ICMP_NE); return true;
    case Opcode::I32LtS: case Opcode::I64LtS: n.cmp(P::ICMP_SLT); return true;
    case Opcode::I32LtU: case Opcode::I64LtU: n.cmp(P::ICMP_ULT); return true;
    case Opcode::I32GtS: case Opcode::I64GtS: n.cmp(P::ICMP_SGT); return true;
    case Opcode::I32GtU: case Opcode::I64GtU: n.cmp(P::ICMP_UGT); return true;
    case Opcode::I32LeS: case Opcode::I64LeS: n.cmp(P::ICMP_SLE); return true;
    case Opcode::I32LeU: case Opcode::I64LeU: n.cmp(P::ICMP_ULE); return true;
    case Opcode::I32GeS: case Opcode::I64GeS: n.cmp(P::ICMP_SGE); return true;
    case Opcode::I32GeU: case Opcode::I64GeU: n.cmp(P::ICMP_UGE); return true;
    // Ordered comparisons are false with a NaN operand; ne is unordered (true with NaN).
    case Opcode::F32Eq: case Opcode::F64Eq: n.cmp(P::FCMP_OEQ); return true;
    case Opcode::F32Ne: case Opcode::F64Ne: n.cmp(P::FCMP_UNE); return true;
    case Opcode::F32Lt: case Opcode::F64Lt: n.cmp(P::FCMP_OLT); return true;
    case Opcode::F32Gt: case Opcode::F64Gt: n.cmp(P::FCMP_OGT); return true;
    case Opcode::F32Le: case Opcode::F64Le: n.cmp(P::FCMP_OLE); return true;
    case Opcode::F32Ge: case Opcode::F64Ge: n.cmp(P::FCMP_OGE); return true;

    case Opcode::I32Clz: case Opcode::I64Clz: n.count_zeros(ll::ctlz); return true;
    case Opcode::I32Ctz: case Opcode::I64Ctz: n.count_zeros(ll::cttz); return true;
    case Opcode::I32Popcnt: case Opcode::I64Popcnt: n.unary_intrinsic(ll::ctpop); return true;
    case Opcode::I32Add: case Opcode::I64Add: n.binary(I::Add); return true;
    case Opcode::I32Sub: case Opcode::I64Sub: n.binary(I::Sub); return true;
    case Opcode::I32Mul: case Opcode::I64Mul: n.binary(I::Mul); return true;
    case Opcode::I32DivS: case Opcode::I64DivS: n.divide(true, false); return true;
    case Opcode::I32DivU: case Opcode::I64DivU: n.divide(false, false); return true;
    case Opcode::I32RemS: case Opcode::I64RemS: n.divide(true, true); return true;
    case Opcode::I32RemU: case Opcode::I64RemU: n.divide(false, true); return true;
    case Opcode::I32And: case Opcode::I64And: n.binary(I::And); return true;
    case Opcode::I32Or: case Opcode::I64Or: n.binary(I::Or); return true;
    case Opcode::I32Xor: case Opcode::I64Xor: n.binary(I::Xor); return true;
    case Opcode::I32Shl: case Opcode::I64Shl: n.shift(I::Shl); return true;
    case Opcode::I32ShrS: case Opcode::I64ShrS: n.shift(I::AShr); return true;
    case Opcode::I32ShrU: case Opcode::I64ShrU: n.shift(I::LShr); return true;
    case Opcode::I32Rotl: case Opcode::I64Rotl: n.rotate(ll::fshl); return true;
    case Opcode::I32Rotr: case Opcode::I64Rotr: n.rotate(ll::fshr); return true;

    case Opcode::F32Abs: case Opcode::F64Abs: n.unary_intrinsic(ll::fabs); return true;
    case Opcode::F32Neg: case Opcode::F64Neg: t.push(b.CreateFNeg(t.pop())); return true;
    case Opcode::F32Ceil: case Opcode::F64Ceil: n.unary_intrinsic(ll::ceil); return true;
    case Opcode::F32Floor: case Opcode::F64Floor: n.unary_intrinsic(ll::floor); return true;
    case Opcode::F32Trunc: case Opcode::F64Trunc: n.unary_intrinsic(ll::trunc); return true;
    case Opcode::F32Nearest: case Opcode::F64Nearest: n.unary_intrinsic(ll::roundeven); return true;
    case Opcode::F32Sqrt: case Opcode::F64Sqrt: n.unary_intrinsic(ll::sqrt); return true;
    case Opcode::F32Add: case Opcode::F64Add: n.binary(I::FAdd); return true;
    case Opcode::F32Sub: case Opcode::F64Sub: n.binary(I::FSub); return true;
    case Opcode::F32Mul: case Opcode::F64Mul: n.binary(I::FMul); return true;
    case Opcode::F32Div: case Opcode::F64Div: n.binary(I::FDiv); return true;
    case Opcode::F32Min: case Opcode::F64Min: n.min_max(ll::minimum); return true;
    case Opcode::F32Max: case Opcode::F64Max: n.min_max(ll::maximum); return true;
    case Opcode::F32Copysign: case Opcode::F64Copysign: n.binary_intrinsic(ll::copysign); return true;

    case Opcode::I32WrapI64: t.push(b.CreateTrunc(t.pop(), i32)); return true;
    case Opcode::I64ExtendI32S: t.push(b.CreateSExt(t.pop(), i64)); return true;
    case Opcode::I64ExtendI32U: t.push(b.CreateZExt(t.pop(), i64)); return true;
    case Opcode::I32TruncF32S: case Opcode::I32TruncF64S: n.trunc_trapping(i32, true); return true;
    case Opcode::I32TruncF32U: case Opcode::I32TruncF64U: n.trunc_trapping(i32, false); return true;
    case Opcode::I64TruncF32S: case Opcode::I64TruncF64S: n.trunc_trapping(i64, true); return true;
    case Opcode::I64TruncF32U: case Opcode::I64TruncF64U: n.trunc_trapping(i64, false); return true;
    case Opcode::I32TruncSatF32S: case Opcode::I32TruncSatF64S: n.trunc_saturating(i32, true); return true;
    case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64U: n.trunc_saturating(i32, false); return true;
    case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF64S: n.trunc_saturating(i64, true); return true;
    case Opcode::I64TruncSatF32U: case Opcode::I64TruncSatF64U: n.trunc_saturating(i64, false); return true;
    case Opcode::F32ConvertI32S: case Opcode::F32ConvertI64S: t.push(b.CreateSIToFP(t.pop(), f32)); return true;
    case Opcode::F32ConvertI32U: case Opcode::F32ConvertI64U: t.push(b.CreateUIToFP(t.pop(), f32)); return true;
    case Opcode::F64ConvertI32S: case Opcode::F64ConvertI64S: t.push(b.CreateSIToFP(t.pop(), f64)); return true;
    case Opcode::F64ConvertI32U: case Opcode::F64ConvertI64U: t.push(b.CreateUIToFP(t.pop(), f64)); return true;
    case Opcode::F32DemoteF64: {
      llvm::Value* x = t.pop();
      llvm::Value* r = b.CreateFPTrunc(x, f32);
      // demote(promote(y)) folds to y, passing a signalling NaN through: quiet it.
      if (llvm::isa<llvm::FPExtInst>(x)) r = b.CreateSelect(b.CreateFCmpUNO(r, r), b.CreateFAdd(r, r), r);
      t.push(r);
      return true;
    }
    case Opcode::F64PromoteF32: t.push(b.CreateFPExt(t.pop(), f64)); return true;
    case Opcode::I32ReinterpretF32: t.push(b.CreateBitCast(t.pop(), i32)); return true;
    case Opcode::I64ReinterpretF64: t.push(b.CreateBitCast(t.pop(), i64)); return true;
    case Opcode::F32ReinterpretI32: t.push(b.CreateBitCast(t.pop(), f32)); return true;
    case Opcode::F64ReinterpretI64: t.push(b.CreateBitCast(t.pop(), f64)); return true;
    case Opcode::I32Extend8S: case Opcode::I64Extend8S: n.sign_extend(b.getInt8Ty()); return true;
    case Opcode::I32Extend16S: case Opcode::I64Extend16S: n.sign_extend(b.getInt16Ty()); return true;
    case Opcode::I64Extend32S: n.sign_extend(i32); return true;
    default: return false;
  }
}

}  // namespace ironclad::jit
