// v128 loads and stores: full, extending, splatting, zero-filling and single-lane. Every
// access goes through load_memory/store_memory with its exact size (an explicit check, or
// the guard region, covers exactly the bytes touched); alignment immediates are only hints,
// so every access is align 1.
#include "jit/translate_simd.h"

namespace ironclad::jit::simd {
namespace {

using wasm::Opcode;

struct MemoryOps {
  Simd& s;
  const wasm::Instr& in;

  llvm::Value* load(llvm::Type* type, uint32_t bytes) {
    return s.t.load_memory(type, s.t.pop(), in.mem.offset, bytes);
  }
  void store(llvm::Value* v, uint32_t bytes) {
    s.t.store_memory(v, s.t.pop(), in.mem.offset, bytes);
  }
  // 8 bytes as `lanes` narrow lanes, each sign- or zero-extended to twice its width.
  void load_extend(unsigned narrow_bits, bool is_signed) {
    unsigned n = 64 / narrow_bits;
    llvm::Value* narrow = load(s.vec(s.b.getIntNTy(narrow_bits), n), 8);
    llvm::Type* wide = s.vec(s.b.getIntNTy(2 * narrow_bits), n);
    s.push_v128(is_signed ? s.b.CreateSExt(narrow, wide) : s.b.CreateZExt(narrow, wide));
  }
  void load_splat(unsigned bits) {
    llvm::Value* x = load(s.b.getIntNTy(bits), bits / 8);
    s.push_v128(s.b.CreateVectorSplat(128 / bits, x));
  }
  void load_zero(unsigned bits) {
    llvm::Value* x = load(s.b.getIntNTy(bits), bits / 8);
    llvm::Value* zeros = llvm::Constant::getNullValue(s.vec(s.b.getIntNTy(bits), 128 / bits));
    s.push_v128(s.b.CreateInsertElement(zeros, x, uint64_t{0}));
  }
  void load_lane(unsigned bits) {
    llvm::Value* v = s.pop_as(s.vec(s.b.getIntNTy(bits), 128 / bits));
    llvm::Value* x = load(s.b.getIntNTy(bits), bits / 8);
    s.push_v128(s.b.CreateInsertElement(v, x, uint64_t{in.lane}));
  }
  void store_lane(unsigned bits) {
    llvm::Value* v = s.pop_as(s.vec(s.b.getIntNTy(bits), 128 / bits));
    store(s.b.CreateExtractElement(v, uint64_t{in.lane}), bits / 8);
  }
};

}  // namespace

bool translate_memory(Simd& s, const wasm::Instr& in) {
  MemoryOps m{s, in};
  switch (in.op) {
    case Opcode::V128Load: s.t.push(m.load(s.i64x2(), 16)); return true;
    case Opcode::V128Store: {
      m.store(s.t.pop(), 16);
      return true;
    }
    case Opcode::V128Load8x8S: m.load_extend(8, true); return true;
    case Opcode::V128Load8x8U: m.load_extend(8, false); return true;
    case Opcode::V128Load16x4S: m.load_extend(16, true); return true;
    case Opcode::V128Load16x4U: m.load_extend(16, false); return true;
    case Opcode::V128Load32x2S: m.load_extend(32, true); return true;
    case Opcode::V128Load32x2U: m.load_extend(32, false); return true;
    case Opcode::V128Load8Splat: m.load_splat(8); return true;
    case Opcode::V128Load16Splat: m.load_splat(16); return true;
    case Opcode::V128Load32Splat: m.load_splat(32); return true;
    case Opcode::V128Load64Splat: m.load_splat(64); return true;
    case Opcode::V128Load32Zero: m.load_zero(32); return true;
    case Opcode::V128Load64Zero: m.load_zero(64); return true;
    case Opcode::V128Load8Lane: m.load_lane(8); return true;
    case Opcode::V128Load16Lane: m.load_lane(16); return true;
    case Opcode::V128Load32Lane: m.load_lane(32); return true;
    case Opcode::V128Load64Lane: m.load_lane(64); return true;
    case Opcode::V128Store8Lane: m.store_lane(8); return true;
    case Opcode::V128Store16Lane: m.store_lane(16); return true;
    case Opcode::V128Store32Lane: m.store_lane(32); return true;
    case Opcode::V128Store64Lane: m.store_lane(64); return true;
    default: return false;
  }
}

}  // namespace ironclad::jit::simd
