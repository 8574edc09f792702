/* hash_main: one long hash loop inside one call (main), the case of on-stack replacement
 * (issue 15, docs/tiering.md): a tier that moves functions to machine code only at their
 * next call runs all of it in its first tier. Usage: hash_main [MILLIONS] (of iterations,
 * default 200). Prints the hash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = (argc > 1 ? atol(argv[1]) : 200) * 1000000L;
    uint64_t h = 0xcbf29ce484222325ULL, x = 0x9E3779B97F4A7C15ULL;
    uint32_t a = 1;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        h = (h ^ (x & 0xff)) * 0x100000001b3ULL;
        a = a * 1664525u + (uint32_t)(h >> 32);
    }
    printf("%016llx %08x\n", (unsigned long long)h, a);
    return 0;
}
