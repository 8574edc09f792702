// Writes N pseudo-random bytes for seed S to stdout: the input binaryen's `wasm-opt -ttf`
// ("translate to fuzz") turns into a valid random module. Deterministic, so the fuzz seed
// corpus is the same on every machine and a build can regenerate it.
//   ttf_input SEED N > bytes.bin
#include <cstdint>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: ttf_input SEED N\n");
    return 2;
  }
  uint64_t state = std::strtoull(argv[1], nullptr, 10) * 0x9e3779b97f4a7c15ull + 1;
  const long n = std::strtol(argv[2], nullptr, 10);
  for (long i = 0; i < n; i += 8) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);  // splitmix64
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    for (int b = 0; b < 8 && i + b < n; ++b) std::putchar(static_cast<int>((z >> (8 * b)) & 0xff));
  }
  return 0;
}
