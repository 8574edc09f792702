// Writes the module module_gen.h makes from the bytes on stdin to stdout: seeds for
// fuzz_differential (the JIT against the interpreter on code shaped like compiled code),
// and a way to look at what fuzz_lowering runs (`wasm2wat`).
//   ttf_input 7 2048 | module_gen_tool > gen_7.wasm
#include <cstdio>
#include <vector>

#include "module_gen.h"

int main() {
  std::vector<uint8_t> input;
  int c;
  while ((c = std::getchar()) != EOF) input.push_back(static_cast<uint8_t>(c));
  std::vector<uint8_t> module = ironclad::fuzz::generate_module(input.data(), input.size());
  return std::fwrite(module.data(), 1, module.size(), stdout) == module.size() ? 0 : 1;
}
