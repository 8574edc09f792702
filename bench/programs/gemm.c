/* gemm: dense double-precision matrix multiply C = A * B (i-k-j loop order),
 * the kernel of PolyBench's gemm. Usage: gemm [N] (square matrices N x N). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv_double(uint64_t h, double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    for (int i = 0; i < 8; i++) {
        h ^= (bits >> (8 * i)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1200;
    if (n < 1) n = 1;
    double *a = malloc(sizeof(double) * (size_t)n * (size_t)n);
    double *b = malloc(sizeof(double) * (size_t)n * (size_t)n);
    double *c = malloc(sizeof(double) * (size_t)n * (size_t)n);
    if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); return 1; }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 17) * 0.125 - 1.0;
            b[i * n + j] = (double)((i * 5 + j * 11) % 13) * 0.25 - 1.5;
            c[i * n + j] = 0.0;
        }
    for (int i = 0; i < n; i++) {
        double *ci = c + (size_t)i * n;
        for (int k = 0; k < n; k++) {
            double aik = a[(size_t)i * n + k];
            const double *bk = b + (size_t)k * n;
            for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
        }
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    double trace = 0.0;
    for (int i = 0; i < n; i++) {
        trace += c[i * n + i];
        for (int j = 0; j < n; j++) h = fnv_double(h, c[i * n + j]);
    }
    printf("gemm n=%d trace=%.3f\n", n, trace);
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a); free(b); free(c);
    return 0;
}
