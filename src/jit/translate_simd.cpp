// SIMD (0xFD) translation. Not written yet: every SIMD instruction makes the module's JIT
// compilation fail with a clear error (the interpreter tier runs such modules).
#include "jit/function_translator.h"

namespace ironclad::jit {

bool translate_simd(FunctionTranslator&, const wasm::Instr&) { return false; }

}  // namespace ironclad::jit
