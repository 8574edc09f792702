// v128 constants and lane movement: shuffle, swizzle, splat, extract_lane, replace_lane.
#include "jit/translate_simd.h"

namespace ironclad::jit::simd {
namespace {

using wasm::Opcode;

// Scalar operand to lane: i8 and i16 lanes take the low bits of an i32.
void splat(Simd& s, llvm::Type* lane, unsigned lanes) {
  llvm::Value* x = s.t.pop();
  if (x->getType() != lane) x = s.b.CreateTrunc(x, lane);
  s.push_v128(s.b.CreateVectorSplat(lanes, x));
}

// Narrow lanes come out extended to i32 (sign or zero); others unchanged.
void extract(Simd& s, llvm::Type* shape, uint8_t lane, bool sign_extend = false) {
  llvm::Value* x = s.b.CreateExtractElement(s.pop_as(shape), uint64_t{lane});
  if (x->getType()->isIntegerTy() && x->getType()->getIntegerBitWidth() < 32)
    x = sign_extend ? s.b.CreateSExt(x, s.b.getInt32Ty()) : s.b.CreateZExt(x, s.b.getInt32Ty());
  s.t.push(x);
}

void replace(Simd& s, llvm::Type* shape, uint8_t lane) {
  llvm::Value* x = s.t.pop();
  llvm::Value* v = s.pop_as(shape);
  llvm::Type* lane_type = llvm::cast<llvm::FixedVectorType>(shape)->getElementType();
  if (x->getType() != lane_type) x = s.b.CreateTrunc(x, lane_type);
  s.push_v128(s.b.CreateInsertElement(v, x, uint64_t{lane}));
}

// Lane i of the result is a[idx[i]] for idx[i] < 16, else 0. LLVM has no generic
// instruction for a variable byte permutation, so each lane is a variable extractelement
// of the masked index (the x86 backend turns this into pshufb when SSSE3 is available and
// into a stack round-trip otherwise), then out-of-range indices select 0.
void swizzle(Simd& s) {
  llvm::Value* idx = s.pop_as(s.i8x16());
  llvm::Value* a = s.pop_as(s.i8x16());
  llvm::Value* fifteen = llvm::ConstantInt::get(s.i8x16(), 15);
  llvm::Value* in_range_idx = s.b.CreateAnd(idx, fifteen);
  llvm::Value* r = llvm::PoisonValue::get(s.i8x16());
  for (unsigned i = 0; i < 16; ++i) {
    llvm::Value* k = s.b.CreateExtractElement(in_range_idx, uint64_t{i});
    r = s.b.CreateInsertElement(r, s.b.CreateExtractElement(a, k), uint64_t{i});
  }
  llvm::Value* in_range = s.b.CreateICmpULE(idx, fifteen);
  s.push_v128(s.b.CreateSelect(in_range, r, llvm::Constant::getNullValue(s.i8x16())));
}

}  // namespace

bool translate_lanes(Simd& s, const wasm::Instr& in) {
  llvm::IRBuilder<>& b = s.b;
  switch (in.op) {
    case Opcode::V128Const: {
      llvm::ArrayRef<uint8_t> bytes(in.v128.bytes, 16);
      s.push_v128(llvm::ConstantDataVector::get(s.t.context(), bytes));
      return true;
    }
    case Opcode::I8x16Shuffle: {
      llvm::Value* y = s.pop_as(s.i8x16());
      llvm::Value* x = s.pop_as(s.i8x16());
      llvm::SmallVector<int, 16> mask;  // the validator checked every index < 32
      for (uint8_t i : in.v128.bytes) mask.push_back(i);
      s.push_v128(b.CreateShuffleVector(x, y, mask));
      return true;
    }
    case Opcode::I8x16Swizzle: swizzle(s); return true;
    case Opcode::I8x16Splat: splat(s, b.getInt8Ty(), 16); return true;
    case Opcode::I16x8Splat: splat(s, b.getInt16Ty(), 8); return true;
    case Opcode::I32x4Splat: splat(s, b.getInt32Ty(), 4); return true;
    case Opcode::I64x2Splat: splat(s, b.getInt64Ty(), 2); return true;
    case Opcode::F32x4Splat: splat(s, b.getFloatTy(), 4); return true;
    case Opcode::F64x2Splat: splat(s, b.getDoubleTy(), 2); return true;
    case Opcode::I8x16ExtractLaneS: extract(s, s.i8x16(), in.lane, true); return true;
    case Opcode::I8x16ExtractLaneU: extract(s, s.i8x16(), in.lane); return true;
    case Opcode::I16x8ExtractLaneS: extract(s, s.i16x8(), in.lane, true); return true;
    case Opcode::I16x8ExtractLaneU: extract(s, s.i16x8(), in.lane); return true;
    case Opcode::I32x4ExtractLane: extract(s, s.i32x4(), in.lane); return true;
    case Opcode::I64x2ExtractLane: extract(s, s.i64x2(), in.lane); return true;
    case Opcode::F32x4ExtractLane: extract(s, s.f32x4(), in.lane); return true;
    case Opcode::F64x2ExtractLane: extract(s, s.f64x2(), in.lane); return true;
    case Opcode::I8x16ReplaceLane: replace(s, s.i8x16(), in.lane); return true;
    case Opcode::I16x8ReplaceLane: replace(s, s.i16x8(), in.lane); return true;
    case Opcode::I32x4ReplaceLane: replace(s, s.i32x4(), in.lane); return true;
    case Opcode::I64x2ReplaceLane: replace(s, s.i64x2(), in.lane); return true;
    case Opcode::F32x4ReplaceLane: replace(s, s.f32x4(), in.lane); return true;
    case Opcode::F64x2ReplaceLane: replace(s, s.f64x2(), in.lane); return true;
    default: return false;
  }
}

}  // namespace ironclad::jit::simd
