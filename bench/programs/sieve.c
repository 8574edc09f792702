/* sieve: sieve of Eratosthenes over odd numbers up to a limit, repeated; counts and
 * sums the primes. Usage: sieve [LIMIT] (default 40000000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    uint32_t limit = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 40000000u;
    if (limit < 10) limit = 10;
    uint32_t half = limit / 2; /* flag[i] stands for 2*i+1 */
    uint8_t *comp = malloc(half + 1);
    if (!comp) return 1;
    uint64_t count = 0, sum = 0, mix = 0;
    for (int rep = 0; rep < 8; rep++) {
        memset(comp, 0, half + 1);
        for (uint32_t i = 1; (2 * i + 1) * (2 * i + 1) <= limit; i++) {
            if (comp[i]) continue;
            uint32_t p = 2 * i + 1;
            for (uint32_t j = (p * p) / 2; j < half; j += p) comp[j] = 1;
        }
        count = 1; sum = 2; mix = 0;
        for (uint32_t i = 1; i < half; i++)
            if (!comp[i]) {
                uint64_t p = 2 * (uint64_t)i + 1;
                count++;
                sum += p;
                mix = (mix ^ p) * 0x100000001b3ULL;
            }
    }
    printf("sieve limit=%u primes=%llu sum=%llu\n", limit, (unsigned long long)count,
           (unsigned long long)sum);
    printf("checksum: %llu:%016llx\n", (unsigned long long)count, (unsigned long long)mix);
    free(comp);
    return 0;
}
