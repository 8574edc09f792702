// Float lane arithmetic, comparisons and conversions. abs/neg are sign-bit operations (they
// never touch a NaN's payload); min/max propagate NaN and order -0 below +0; pmin/pmax are
// the spec's plain selects; rounding uses llvm.ceil/floor/trunc/roundeven, which LLVM
// turns into roundps/roundpd with SSE4.1 and into libm calls without it.
#include "jit/translate_simd.h"

namespace ironclad::jit::simd {
namespace {

using wasm::Opcode;
using llvm::Intrinsic::ID;
using P = llvm::CmpInst::Predicate;

struct FloatOps {
  Simd& s;
  llvm::IRBuilder<>& b;

  llvm::FixedVectorType* shape(unsigned bits) {
    return bits == 32 ? s.f32x4() : s.f64x2();
  }
  llvm::FixedVectorType* int_shape(unsigned bits) { return s.vec(b.getIntNTy(bits), 128 / bits); }

  void binop(unsigned bits, llvm::Instruction::BinaryOps op) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) { return b.CreateBinOp(op, x, y); });
  }
  void unary_intrinsic(unsigned bits, ID id) {
    s.unary(shape(bits), [&](llvm::Value* x) { return s.intrinsic(id, {x->getType()}, {x}); });
  }
  void compare(unsigned bits, P p) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) {
      return s.mask_lanes(b.CreateFCmp(p, x, y), int_shape(bits));
    });
  }
  // llvm.minimum/maximum give IEEE 754-2019 minimum/maximum but may pass a signalling NaN
  // through; wasm wants an arithmetic NaN there, which x + y produces.
  void min_max(unsigned bits, ID id) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) {
      llvm::Value* r = s.intrinsic(id, {x->getType()}, {x, y});
      return b.CreateSelect(b.CreateFCmpUNO(x, y), b.CreateFAdd(x, y), r);
    });
  }
  // pmin: y < x ? y : x; pmax: x < y ? y : x (NaN operands give x).
  void pseudo_min_max(unsigned bits, bool is_max) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) {
      llvm::Value* take_y = is_max ? b.CreateFCmpOLT(x, y) : b.CreateFCmpOLT(y, x);
      return b.CreateSelect(take_y, y, x);
    });
  }
  // abs clears and neg flips the sign bit, on the integer view.
  void sign_bit(unsigned bits, bool negate) {
    s.unary(int_shape(bits), [&](llvm::Value* x) {
      llvm::APInt sign = llvm::APInt::getSignMask(bits);
      return negate ? b.CreateXor(x, llvm::ConstantInt::get(x->getType(), sign))
                    : b.CreateAnd(x, llvm::ConstantInt::get(x->getType(), ~sign));
    });
  }
  // uitofp and sitofp round exactly (one correctly rounded conversion per lane).
  void convert_i32x4(bool is_signed) {
    s.unary(s.i32x4(), [&](llvm::Value* x) {
      return is_signed ? b.CreateSIToFP(x, s.f32x4()) : b.CreateUIToFP(x, s.f32x4());
    });
  }
  void convert_low_i32x4(bool is_signed) {
    s.unary(s.i32x4(), [&](llvm::Value* x) {
      llvm::Value* low = s.lanes(x, 0, 2);
      return is_signed ? b.CreateSIToFP(low, s.f64x2()) : b.CreateUIToFP(low, s.f64x2());
    });
  }
  // NaN -> 0, out of range -> the nearest bound: exactly llvm.fptosi.sat / fptoui.sat.
  void trunc_sat_f32x4(bool is_signed) {
    s.unary(s.f32x4(), [&](llvm::Value* x) {
      return s.intrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                         {s.i32x4(), s.f32x4()}, {x});
    });
  }
  void trunc_sat_f64x2_zero(bool is_signed) {
    s.unary(s.f64x2(), [&](llvm::Value* x) {
      llvm::Type* i32x2 = s.vec(b.getInt32Ty(), 2);
      llvm::Value* r = s.intrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                                   {i32x2, s.f64x2()}, {x});
      return s.widen_with_zeros(r);
    });
  }
};

bool translate_float_arith(FloatOps& o, const wasm::Instr& in) {
  using BO = llvm::Instruction::BinaryOps;
  namespace I = llvm::Intrinsic;
  switch (in.op) {
#define IRONCLAD_SIMD_FLOAT(W, BITS)                                          \
  case Opcode::W##Add: o.binop(BITS, BO::FAdd); return true;                  \
  case Opcode::W##Sub: o.binop(BITS, BO::FSub); return true;                  \
  case Opcode::W##Mul: o.binop(BITS, BO::FMul); return true;                  \
  case Opcode::W##Div: o.binop(BITS, BO::FDiv); return true;                  \
  case Opcode::W##Sqrt: o.unary_intrinsic(BITS, I::sqrt); return true;        \
  case Opcode::W##Ceil: o.unary_intrinsic(BITS, I::ceil); return true;        \
  case Opcode::W##Floor: o.unary_intrinsic(BITS, I::floor); return true;      \
  case Opcode::W##Trunc: o.unary_intrinsic(BITS, I::trunc); return true;      \
  case Opcode::W##Nearest: o.unary_intrinsic(BITS, I::roundeven); return true; \
  case Opcode::W##Min: o.min_max(BITS, I::minimum); return true;              \
  case Opcode::W##Max: o.min_max(BITS, I::maximum); return true;              \
  case Opcode::W##Pmin: o.pseudo_min_max(BITS, false); return true;           \
  case Opcode::W##Pmax: o.pseudo_min_max(BITS, true); return true;            \
  case Opcode::W##Abs: o.sign_bit(BITS, false); return true;                  \
  case Opcode::W##Neg: o.sign_bit(BITS, true); return true;                   \
  case Opcode::W##Eq: o.compare(BITS, P::FCMP_OEQ); return true;              \
  case Opcode::W##Ne: o.compare(BITS, P::FCMP_UNE); return true;              \
  case Opcode::W##Lt: o.compare(BITS, P::FCMP_OLT); return true;              \
  case Opcode::W##Gt: o.compare(BITS, P::FCMP_OGT); return true;              \
  case Opcode::W##Le: o.compare(BITS, P::FCMP_OLE); return true;              \
  case Opcode::W##Ge: o.compare(BITS, P::FCMP_OGE); return true;
    IRONCLAD_SIMD_FLOAT(F32x4, 32)
    IRONCLAD_SIMD_FLOAT(F64x2, 64)
#undef IRONCLAD_SIMD_FLOAT
    default: return false;
  }
}

bool translate_conversion(FloatOps& o, const wasm::Instr& in) {
  Simd& s = o.s;
  switch (in.op) {
    case Opcode::F32x4ConvertI32x4S: o.convert_i32x4(true); return true;
    case Opcode::F32x4ConvertI32x4U: o.convert_i32x4(false); return true;
    case Opcode::F64x2ConvertLowI32x4S: o.convert_low_i32x4(true); return true;
    case Opcode::F64x2ConvertLowI32x4U: o.convert_low_i32x4(false); return true;
    case Opcode::I32x4TruncSatF32x4S: o.trunc_sat_f32x4(true); return true;
    case Opcode::I32x4TruncSatF32x4U: o.trunc_sat_f32x4(false); return true;
    case Opcode::I32x4TruncSatF64x2SZero: o.trunc_sat_f64x2_zero(true); return true;
    case Opcode::I32x4TruncSatF64x2UZero: o.trunc_sat_f64x2_zero(false); return true;
    case Opcode::F32x4DemoteF64x2Zero:
      s.unary(s.f64x2(), [&](llvm::Value* x) {
        return s.widen_with_zeros(s.b.CreateFPTrunc(x, s.vec(s.b.getFloatTy(), 2)));
      });
      return true;
    case Opcode::F64x2PromoteLowF32x4:
      s.unary(s.f32x4(), [&](llvm::Value* x) { return s.b.CreateFPExt(s.lanes(x, 0, 2), s.f64x2()); });
      return true;
    default: return false;
  }
}

}  // namespace

bool translate_float(Simd& s, const wasm::Instr& in) {
  FloatOps o{s, s.b};
  return translate_float_arith(o, in) || translate_conversion(o, in);
}

}  // namespace ironclad::jit::simd
