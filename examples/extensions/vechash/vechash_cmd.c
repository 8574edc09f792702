/* vechash_cmd: a WASI command running the vechash extension's code (vechash_core.h) under
 * `ironclad run`. It computes every hash before it prints anything, so when the SIMD code
 * faults on an emulated CPU nothing has been written yet and `ironclad run` may restart the
 * program from scratch on a safer configuration (docs/cli.md, "Recovery"). */
#include <stdio.h>
#include <stdlib.h>

#include "vechash_core.h"

int main(int argc, char **argv) {
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 16;
    uint64_t results[3];
    for (int i = 0; i < 3; i++) results[i] = vechash((uint64_t)(i + 1), rounds);
    for (int i = 0; i < 3; i++)
        printf("vechash(seed %d, %u rounds) = %016llx\n", i + 1, rounds,
               (unsigned long long)results[i]);
    return 0;
}
