/* hello: the program of the `make run` demo, a WASI command compiled to wasm32-wasi.
 * It greets, echoes its arguments, reads an environment variable, asks the clock and
 * computes a little (the first primes and a checksum), so the demo shows args, environ,
 * clocks and stdout going through the engine's WASI layer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int is_prime(unsigned n) {
    if (n < 2) return 0;
    for (unsigned d = 2; d * d <= n; d++)
        if (n % d == 0) return 0;
    return 1;
}

int main(int argc, char **argv) {
    printf("Hello from WebAssembly, run by Ironclad!\n");
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);

    const char *user = getenv("USER");
    printf("USER = %s\n", user ? user : "(not set; try `ironclad run --env USER=you ...`)");

    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
        printf("the host clock says %lld seconds since 1970\n", (long long)ts.tv_sec);

    printf("the first 20 primes:");
    unsigned found = 0, sum = 0;
    for (unsigned n = 2; found < 20; n++)
        if (is_prime(n)) { printf(" %u", n); sum += n; found++; }
    printf("\nsum = %u\n", sum);

    uint32_t h = 2166136261u; /* FNV-1a of the primes below 10000 */
    unsigned count = 0;
    for (unsigned n = 2; n < 10000; n++)
        if (is_prime(n)) { h = (h ^ n) * 16777619u; count++; }
    printf("%u primes below 10000, FNV-1a %08x\n", count, h);
    return 0;
}
