// SIMD (0xFD) translation: the dispatcher over the families, each in its own file
// (translate_simd_memory / _lanes / _integer / _float.cpp).
#include "jit/translate_simd.h"

namespace ironclad::jit {

bool translate_simd(FunctionTranslator& t, const wasm::Instr& in) {
  simd::Simd s(t);
  return simd::translate_memory(s, in) || simd::translate_lanes(s, in) ||
         simd::translate_integer(s, in) || simd::translate_float(s, in);
}

}  // namespace ironclad::jit
