// The one symbol libironclad_llvm.so exports (llvm_backend.h): its table of functions.
#include "jit/llvm_backend.h"

extern "C" __attribute__((visibility("default"))) const ironclad::jit::LlvmBackend*
ironclad_llvm_backend() {
  static const ironclad::jit::LlvmBackend backend{
      &ironclad::jit::create_llvm_compiler,
      &ironclad::jit::read_wasm_frames_at,
  };
  return &backend;
}
