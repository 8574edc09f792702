// Shared vocabulary of the SIMD (0xFD) translation units. A v128 lives on the translator's
// operand stack as <2 x i64>; each operator views it as the lane shape it works on
// (a bitcast, free in the machine code) and pushes its result back as <2 x i64>.
#pragma once

#include <llvm/IR/Intrinsics.h>

#include "jit/function_translator.h"

namespace ironclad::jit::simd {

struct Simd {
  FunctionTranslator& t;
  llvm::IRBuilder<>& b;

  explicit Simd(FunctionTranslator& tr) : t(tr), b(tr.builder()) {}

  llvm::FixedVectorType* vec(llvm::Type* lane, unsigned lanes) const {
    return llvm::FixedVectorType::get(lane, lanes);
  }
  llvm::FixedVectorType* i8x16() const { return vec(b.getInt8Ty(), 16); }
  llvm::FixedVectorType* i16x8() const { return vec(b.getInt16Ty(), 8); }
  llvm::FixedVectorType* i32x4() const { return vec(b.getInt32Ty(), 4); }
  llvm::FixedVectorType* i64x2() const { return vec(b.getInt64Ty(), 2); }
  llvm::FixedVectorType* f32x4() const { return vec(b.getFloatTy(), 4); }
  llvm::FixedVectorType* f64x2() const { return vec(b.getDoubleTy(), 2); }

  llvm::Value* pop_as(llvm::Type* shape) { return b.CreateBitCast(t.pop(), shape); }
  void push_v128(llvm::Value* v) { t.push(b.CreateBitCast(v, i64x2())); }

  // Lanes `first`..`first + count - 1` of v (a shufflevector with a constant mask).
  llvm::Value* lanes(llvm::Value* v, unsigned first, unsigned count) {
    llvm::SmallVector<int, 16> mask;
    for (unsigned i = 0; i < count; ++i) mask.push_back(static_cast<int>(first + i));
    return b.CreateShuffleVector(v, v, mask);
  }
  // The even (odd = false) or odd lanes of v.
  llvm::Value* alternate_lanes(llvm::Value* v, bool odd) {
    unsigned n = llvm::cast<llvm::FixedVectorType>(v->getType())->getNumElements();
    llvm::SmallVector<int, 16> mask;
    for (unsigned i = odd ? 1 : 0; i < n; i += 2) mask.push_back(static_cast<int>(i));
    return b.CreateShuffleVector(v, v, mask);
  }
  // v (n lanes) followed by n zero lanes.
  llvm::Value* widen_with_zeros(llvm::Value* v) {
    unsigned n = llvm::cast<llvm::FixedVectorType>(v->getType())->getNumElements();
    llvm::SmallVector<int, 16> mask;
    for (unsigned i = 0; i < 2 * n; ++i) mask.push_back(static_cast<int>(i));
    return b.CreateShuffleVector(v, llvm::Constant::getNullValue(v->getType()), mask);
  }
  // A lane mask (<n x i1>) as wasm's all-ones / all-zeros lanes of `shape`.
  llvm::Value* mask_lanes(llvm::Value* i1s, llvm::Type* shape) { return b.CreateSExt(i1s, shape); }
  llvm::Value* intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                         llvm::ArrayRef<llvm::Value*> args) {
    return t.call_intrinsic(id, types, args);
  }

  // Pop one (or two) v128 viewed as `shape`, push f(x) (or f(x, y)).
  template <class F>
  void unary(llvm::Type* shape, F f) {
    llvm::Value* x = pop_as(shape);
    push_v128(f(x));
  }
  template <class F>
  void binary(llvm::Type* shape, F f) {
    llvm::Value* y = pop_as(shape);
    llvm::Value* x = pop_as(shape);
    push_v128(f(x, y));
  }
};

// Each returns true if `in` belongs to its family (and was translated).
bool translate_memory(Simd& s, const wasm::Instr& in);   // loads, stores, lane loads/stores
bool translate_lanes(Simd& s, const wasm::Instr& in);    // const, shuffle, splat, lanes
bool translate_integer(Simd& s, const wasm::Instr& in);  // integer lane arithmetic, bitwise
bool translate_float(Simd& s, const wasm::Instr& in);    // float lanes and conversions

}  // namespace ironclad::jit::simd
