// Integer lane arithmetic, comparisons and bitwise operators. Wrapping arithmetic is plain
// IR; saturating add/sub, min/max, abs and popcnt map to LLVM's generic intrinsics, which
// the x86 backend selects as single instructions where the feature set has them and
// legalizes otherwise (so the same IR serves SSE2 and AVX-512).
#include "jit/translate_simd.h"

namespace ironclad::jit::simd {
namespace {

using wasm::Opcode;
using llvm::Intrinsic::ID;
using P = llvm::CmpInst::Predicate;

struct IntegerOps {
  Simd& s;
  llvm::IRBuilder<>& b;

  llvm::FixedVectorType* shape(unsigned bits) { return s.vec(b.getIntNTy(bits), 128 / bits); }
  // The same lanes at twice the width (count unchanged).
  llvm::Type* widened(llvm::Value* v) {
    auto* vt = llvm::cast<llvm::FixedVectorType>(v->getType());
    return s.vec(b.getIntNTy(2 * vt->getScalarSizeInBits()), vt->getNumElements());
  }
  llvm::Value* extend(llvm::Value* v, bool is_signed) {
    return is_signed ? b.CreateSExt(v, widened(v)) : b.CreateZExt(v, widened(v));
  }

  void binop(unsigned bits, llvm::Instruction::BinaryOps op) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) { return b.CreateBinOp(op, x, y); });
  }
  void binary_intrinsic(unsigned bits, ID id) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) {
      return s.intrinsic(id, {x->getType()}, {x, y});
    });
  }
  void compare(unsigned bits, P p) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) {
      return s.mask_lanes(b.CreateICmp(p, x, y), x->getType());
    });
  }
  // abs(INT_MIN) wraps to INT_MIN: llvm.abs with is_int_min_poison = false.
  void abs(unsigned bits) {
    s.unary(shape(bits), [&](llvm::Value* x) {
      return s.intrinsic(llvm::Intrinsic::abs, {x->getType()}, {x, b.getFalse()});
    });
  }
  void neg(unsigned bits) {
    s.unary(shape(bits), [&](llvm::Value* x) { return b.CreateNeg(x); });
  }
  // The count is an i32 taken modulo the lane width.
  void shift(unsigned bits, llvm::Instruction::BinaryOps op) {
    llvm::Value* count = b.CreateAnd(s.t.pop(), b.getInt32(bits - 1));
    llvm::Value* x = s.pop_as(shape(bits));
    count = b.CreateZExtOrTrunc(count, b.getIntNTy(bits));
    s.push_v128(b.CreateBinOp(op, x, b.CreateVectorSplat(128 / bits, count)));
  }
  void all_true(unsigned bits) {
    llvm::Value* x = s.pop_as(shape(bits));
    llvm::Value* nonzero = b.CreateICmpNE(x, llvm::Constant::getNullValue(x->getType()));
    llvm::Value* all = s.intrinsic(llvm::Intrinsic::vector_reduce_and, {nonzero->getType()}, {nonzero});
    s.t.push(b.CreateZExt(all, b.getInt32Ty()));
  }
  // Bit i of the result is the sign bit of lane i.
  void bitmask(unsigned bits) {
    llvm::Value* x = s.pop_as(shape(bits));
    llvm::Value* negative = b.CreateICmpSLT(x, llvm::Constant::getNullValue(x->getType()));
    llvm::Value* packed = b.CreateBitCast(negative, b.getIntNTy(128 / bits));
    s.t.push(b.CreateZExt(packed, b.getInt32Ty()));
  }
  // (x + y + 1) / 2 without overflow: computed at twice the width.
  void avgr_u(unsigned bits) {
    s.binary(shape(bits), [&](llvm::Value* x, llvm::Value* y) {
      llvm::Value* sum = b.CreateAdd(b.CreateAdd(extend(x, false), extend(y, false)),
                                     llvm::ConstantInt::get(widened(x), 1));
      return b.CreateTrunc(b.CreateLShr(sum, llvm::ConstantInt::get(widened(x), 1)), x->getType());
    });
  }
  // Saturating narrow of the lanes of x then y to half width, signed or unsigned
  // (the inputs are signed either way).
  void narrow(unsigned wide_bits, bool is_signed) {
    s.binary(shape(wide_bits), [&](llvm::Value* x, llvm::Value* y) {
      unsigned n = 128 / wide_bits;
      llvm::SmallVector<int, 16> concat;
      for (unsigned i = 0; i < 2 * n; ++i) concat.push_back(static_cast<int>(i));
      llvm::Value* both = b.CreateShuffleVector(x, y, concat);
      llvm::Type* wide = both->getType();
      unsigned half = wide_bits / 2;
      llvm::APInt lo = is_signed ? llvm::APInt::getSignedMinValue(half).sext(wide_bits)
                                 : llvm::APInt::getZero(wide_bits);
      llvm::APInt hi = is_signed ? llvm::APInt::getSignedMaxValue(half).sext(wide_bits)
                                 : llvm::APInt::getMaxValue(half).zext(wide_bits);
      llvm::Value* clamped = s.intrinsic(llvm::Intrinsic::smax, {wide},
                                         {both, llvm::ConstantInt::get(wide, lo)});
      clamped = s.intrinsic(llvm::Intrinsic::smin, {wide}, {clamped, llvm::ConstantInt::get(wide, hi)});
      return b.CreateTrunc(clamped, s.vec(b.getIntNTy(half), 2 * n));
    });
  }
  // The low or high half of the narrow lanes, each extended to twice its width.
  void extend_half(unsigned narrow_bits, bool high, bool is_signed) {
    s.unary(shape(narrow_bits), [&](llvm::Value* x) {
      unsigned n = 128 / narrow_bits / 2;
      return extend(s.lanes(x, high ? n : 0, n), is_signed);
    });
  }
  void extmul(unsigned narrow_bits, bool high, bool is_signed) {
    s.binary(shape(narrow_bits), [&](llvm::Value* x, llvm::Value* y) {
      unsigned n = 128 / narrow_bits / 2;
      return b.CreateMul(extend(s.lanes(x, high ? n : 0, n), is_signed),
                         extend(s.lanes(y, high ? n : 0, n), is_signed));
    });
  }
  void extadd_pairwise(unsigned narrow_bits, bool is_signed) {
    s.unary(shape(narrow_bits), [&](llvm::Value* x) {
      llvm::Value* wide = extend(x, is_signed);
      return b.CreateAdd(s.alternate_lanes(wide, false), s.alternate_lanes(wide, true));
    });
  }
  // Sum of adjacent products at i32; (-32768)^2 * 2 wraps to INT_MIN as the spec says.
  void dot_i16x8_s() {
    s.binary(shape(16), [&](llvm::Value* x, llvm::Value* y) {
      llvm::Value* products = b.CreateMul(extend(x, true), extend(y, true));
      return b.CreateAdd(s.alternate_lanes(products, false), s.alternate_lanes(products, true));
    });
  }
  // (x * y + 2^14) >> 15, saturated: only (-32768) * (-32768) exceeds the i16 range.
  void q15mulr_sat_s() {
    s.binary(shape(16), [&](llvm::Value* x, llvm::Value* y) {
      llvm::Type* wide = widened(x);
      llvm::Value* product = b.CreateMul(extend(x, true), extend(y, true));
      llvm::Value* rounded = b.CreateAShr(b.CreateAdd(product, llvm::ConstantInt::get(wide, 0x4000)),
                                          llvm::ConstantInt::get(wide, 15));
      llvm::Value* saturated =
          s.intrinsic(llvm::Intrinsic::smin, {wide}, {rounded, llvm::ConstantInt::get(wide, 0x7FFF)});
      return b.CreateTrunc(saturated, x->getType());
    });
  }
};

bool translate_bitwise(Simd& s, const wasm::Instr& in) {
  llvm::IRBuilder<>& b = s.b;
  switch (in.op) {
    case Opcode::V128Not: s.unary(s.i64x2(), [&](llvm::Value* x) { return b.CreateNot(x); }); return true;
    case Opcode::V128And:
      s.binary(s.i64x2(), [&](llvm::Value* x, llvm::Value* y) { return b.CreateAnd(x, y); });
      return true;
    case Opcode::V128Andnot:
      s.binary(s.i64x2(), [&](llvm::Value* x, llvm::Value* y) { return b.CreateAnd(x, b.CreateNot(y)); });
      return true;
    case Opcode::V128Or:
      s.binary(s.i64x2(), [&](llvm::Value* x, llvm::Value* y) { return b.CreateOr(x, y); });
      return true;
    case Opcode::V128Xor:
      s.binary(s.i64x2(), [&](llvm::Value* x, llvm::Value* y) { return b.CreateXor(x, y); });
      return true;
    case Opcode::V128Bitselect: {  // bits of x where the mask is 1, of y where it is 0
      llvm::Value* mask = s.pop_as(s.i64x2());
      llvm::Value* y = s.pop_as(s.i64x2());
      llvm::Value* x = s.pop_as(s.i64x2());
      s.push_v128(b.CreateOr(b.CreateAnd(x, mask), b.CreateAnd(y, b.CreateNot(mask))));
      return true;
    }
    case Opcode::V128AnyTrue: {
      llvm::Value* x = b.CreateBitCast(s.t.pop(), b.getInt128Ty());
      s.t.push(b.CreateZExt(b.CreateICmpNE(x, b.getIntN(128, 0)), b.getInt32Ty()));
      return true;
    }
    default: return false;
  }
}

bool translate_comparison(IntegerOps& o, const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::I8x16Eq: o.compare(8, P::ICMP_EQ); return true;
    case Opcode::I8x16Ne: o.compare(8, P::ICMP_NE); return true;
    case Opcode::I8x16LtS: o.compare(8, P::ICMP_SLT); return true;
    case Opcode::I8x16LtU: o.compare(8, P::ICMP_ULT); return true;
    case Opcode::I8x16GtS: o.compare(8, P::ICMP_SGT); return true;
    case Opcode::I8x16GtU: o.compare(8, P::ICMP_UGT); return true;
    case Opcode::I8x16LeS: o.compare(8, P::ICMP_SLE); return true;
    case Opcode::I8x16LeU: o.compare(8, P::ICMP_ULE); return true;
    case Opcode::I8x16GeS: o.compare(8, P::ICMP_SGE); return true;
    case Opcode::I8x16GeU: o.compare(8, P::ICMP_UGE); return true;
    case Opcode::I16x8Eq: o.compare(16, P::ICMP_EQ); return true;
    case Opcode::I16x8Ne: o.compare(16, P::ICMP_NE); return true;
    case Opcode::I16x8LtS: o.compare(16, P::ICMP_SLT); return true;
    case Opcode::I16x8LtU: o.compare(16, P::ICMP_ULT); return true;
    case Opcode::I16x8GtS: o.compare(16, P::ICMP_SGT); return true;
    case Opcode::I16x8GtU: o.compare(16, P::ICMP_UGT); return true;
    case Opcode::I16x8LeS: o.compare(16, P::ICMP_SLE); return true;
    case Opcode::I16x8LeU: o.compare(16, P::ICMP_ULE); return true;
    case Opcode::I16x8GeS: o.compare(16, P::ICMP_SGE); return true;
    case Opcode::I16x8GeU: o.compare(16, P::ICMP_UGE); return true;
    case Opcode::I32x4Eq: o.compare(32, P::ICMP_EQ); return true;
    case Opcode::I32x4Ne: o.compare(32, P::ICMP_NE); return true;
    case Opcode::I32x4LtS: o.compare(32, P::ICMP_SLT); return true;
    case Opcode::I32x4LtU: o.compare(32, P::ICMP_ULT); return true;
    case Opcode::I32x4GtS: o.compare(32, P::ICMP_SGT); return true;
    case Opcode::I32x4GtU: o.compare(32, P::ICMP_UGT); return true;
    case Opcode::I32x4LeS: o.compare(32, P::ICMP_SLE); return true;
    case Opcode::I32x4LeU: o.compare(32, P::ICMP_ULE); return true;
    case Opcode::I32x4GeS: o.compare(32, P::ICMP_SGE); return true;
    case Opcode::I32x4GeU: o.compare(32, P::ICMP_UGE); return true;
    case Opcode::I64x2Eq: o.compare(64, P::ICMP_EQ); return true;
    case Opcode::I64x2Ne: o.compare(64, P::ICMP_NE); return true;
    case Opcode::I64x2LtS: o.compare(64, P::ICMP_SLT); return true;
    case Opcode::I64x2GtS: o.compare(64, P::ICMP_SGT); return true;
    case Opcode::I64x2LeS: o.compare(64, P::ICMP_SLE); return true;
    case Opcode::I64x2GeS: o.compare(64, P::ICMP_SGE); return true;
    default: return false;
  }
}

// The operators every lane width has (i8x16 lacks mul; i64x2 lacks the saturating and
// min/max ones, which the validator never lets through).
bool translate_per_width(IntegerOps& o, const wasm::Instr& in) {
  using BO = llvm::Instruction::BinaryOps;
  namespace I = llvm::Intrinsic;
  switch (in.op) {
#define IRONCLAD_SIMD_WIDTH(W, BITS)                                              \
  case Opcode::W##Abs: o.abs(BITS); return true;                                  \
  case Opcode::W##Neg: o.neg(BITS); return true;                                  \
  case Opcode::W##AllTrue: o.all_true(BITS); return true;                         \
  case Opcode::W##Bitmask: o.bitmask(BITS); return true;                          \
  case Opcode::W##Shl: o.shift(BITS, BO::Shl); return true;                       \
  case Opcode::W##ShrS: o.shift(BITS, BO::AShr); return true;                     \
  case Opcode::W##ShrU: o.shift(BITS, BO::LShr); return true;                     \
  case Opcode::W##Add: o.binop(BITS, BO::Add); return true;                       \
  case Opcode::W##Sub: o.binop(BITS, BO::Sub); return true;
    IRONCLAD_SIMD_WIDTH(I8x16, 8)
    IRONCLAD_SIMD_WIDTH(I16x8, 16)
    IRONCLAD_SIMD_WIDTH(I32x4, 32)
    IRONCLAD_SIMD_WIDTH(I64x2, 64)
#undef IRONCLAD_SIMD_WIDTH
#define IRONCLAD_SIMD_NARROW_WIDTH(W, BITS)                                       \
  case Opcode::W##AddSatS: o.binary_intrinsic(BITS, I::sadd_sat); return true;    \
  case Opcode::W##AddSatU: o.binary_intrinsic(BITS, I::uadd_sat); return true;    \
  case Opcode::W##SubSatS: o.binary_intrinsic(BITS, I::ssub_sat); return true;    \
  case Opcode::W##SubSatU: o.binary_intrinsic(BITS, I::usub_sat); return true;    \
  case Opcode::W##AvgrU: o.avgr_u(BITS); return true;
    IRONCLAD_SIMD_NARROW_WIDTH(I8x16, 8)
    IRONCLAD_SIMD_NARROW_WIDTH(I16x8, 16)
#undef IRONCLAD_SIMD_NARROW_WIDTH
#define IRONCLAD_SIMD_MIN_MAX(W, BITS)                                            \
  case Opcode::W##MinS: o.binary_intrinsic(BITS, I::smin); return true;           \
  case Opcode::W##MinU: o.binary_intrinsic(BITS, I::umin); return true;           \
  case Opcode::W##MaxS: o.binary_intrinsic(BITS, I::smax); return true;           \
  case Opcode::W##MaxU: o.binary_intrinsic(BITS, I::umax); return true;
    IRONCLAD_SIMD_MIN_MAX(I8x16, 8)
    IRONCLAD_SIMD_MIN_MAX(I16x8, 16)
    IRONCLAD_SIMD_MIN_MAX(I32x4, 32)
#undef IRONCLAD_SIMD_MIN_MAX
    // i64x2.mul stays a plain vector mul: with avx512dq+avx512vl LLVM selects vpmullq.
    case Opcode::I16x8Mul: o.binop(16, BO::Mul); return true;
    case Opcode::I32x4Mul: o.binop(32, BO::Mul); return true;
    case Opcode::I64x2Mul: o.binop(64, BO::Mul); return true;
    default: return false;
  }
}

bool translate_widening(IntegerOps& o, const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::I8x16Popcnt:
      o.s.unary(o.shape(8), [&](llvm::Value* x) {
        return o.s.intrinsic(llvm::Intrinsic::ctpop, {x->getType()}, {x});
      });
      return true;
    case Opcode::I8x16NarrowI16x8S: o.narrow(16, true); return true;
    case Opcode::I8x16NarrowI16x8U: o.narrow(16, false); return true;
    case Opcode::I16x8NarrowI32x4S: o.narrow(32, true); return true;
    case Opcode::I16x8NarrowI32x4U: o.narrow(32, false); return true;
    case Opcode::I16x8ExtendLowI8x16S: o.extend_half(8, false, true); return true;
    case Opcode::I16x8ExtendHighI8x16S: o.extend_half(8, true, true); return true;
    case Opcode::I16x8ExtendLowI8x16U: o.extend_half(8, false, false); return true;
    case Opcode::I16x8ExtendHighI8x16U: o.extend_half(8, true, false); return true;
    case Opcode::I32x4ExtendLowI16x8S: o.extend_half(16, false, true); return true;
    case Opcode::I32x4ExtendHighI16x8S: o.extend_half(16, true, true); return true;
    case Opcode::I32x4ExtendLowI16x8U: o.extend_half(16, false, false); return true;
    case Opcode::I32x4ExtendHighI16x8U: o.extend_half(16, true, false); return true;
    case Opcode::I64x2ExtendLowI32x4S: o.extend_half(32, false, true); return true;
    case Opcode::I64x2ExtendHighI32x4S: o.extend_half(32, true, true); return true;
    case Opcode::I64x2ExtendLowI32x4U: o.extend_half(32, false, false); return true;
    case Opcode::I64x2ExtendHighI32x4U: o.extend_half(32, true, false); return true;
    case Opcode::I16x8ExtmulLowI8x16S: o.extmul(8, false, true); return true;
    case Opcode::I16x8ExtmulHighI8x16S: o.extmul(8, true, true); return true;
    case Opcode::I16x8ExtmulLowI8x16U: o.extmul(8, false, false); return true;
    case Opcode::I16x8ExtmulHighI8x16U: o.extmul(8, true, false); return true;
    case Opcode::I32x4ExtmulLowI16x8S: o.extmul(16, false, true); return true;
    case Opcode::I32x4ExtmulHighI16x8S: o.extmul(16, true, true); return true;
    case Opcode::I32x4ExtmulLowI16x8U: o.extmul(16, false, false); return true;
    case Opcode::I32x4ExtmulHighI16x8U: o.extmul(16, true, false); return true;
    case Opcode::I64x2ExtmulLowI32x4S: o.extmul(32, false, true); return true;
    case Opcode::I64x2ExtmulHighI32x4S: o.extmul(32, true, true); return true;
    case Opcode::I64x2ExtmulLowI32x4U: o.extmul(32, false, false); return true;
    case Opcode::I64x2ExtmulHighI32x4U: o.extmul(32, true, false); return true;
    case Opcode::I16x8ExtaddPairwiseI8x16S: o.extadd_pairwise(8, true); return true;
    case Opcode::I16x8ExtaddPairwiseI8x16U: o.extadd_pairwise(8, false); return true;
    case Opcode::I32x4ExtaddPairwiseI16x8S: o.extadd_pairwise(16, true); return true;
    case Opcode::I32x4ExtaddPairwiseI16x8U: o.extadd_pairwise(16, false); return true;
    case Opcode::I32x4DotI16x8S: o.dot_i16x8_s(); return true;
    case Opcode::I16x8Q15mulrSatS: o.q15mulr_sat_s(); return true;
    default: return false;
  }
}

}  // namespace

bool translate_integer(Simd& s, const wasm::Instr& in) {
  IntegerOps o{s, s.b};
  return translate_bitwise(s, in) || translate_comparison(o, in) || translate_per_width(o, in) ||
         translate_widening(o, in);
}

}  // namespace ironclad::jit::simd
