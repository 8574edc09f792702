/* gemm_simd: single-precision matrix multiply C = A * B with explicit 128-bit SIMD
 * (wasm_simd128.h f32x4) when built with -msimd128; a scalar loop computing exactly the
 * same operations in the same order otherwise. Usage: gemm_simd [N]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1400;
    if (n < 4) n = 4;
    n &= ~3; /* a multiple of 4 keeps both paths identical */
    float *a = malloc(sizeof(float) * (size_t)n * (size_t)n);
    float *b = malloc(sizeof(float) * (size_t)n * (size_t)n);
    float *c = malloc(sizeof(float) * (size_t)n * (size_t)n);
    if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); return 1; }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (float)((i * 3 + j * 7) % 11) * 0.125f - 0.5f;
            b[i * n + j] = (float)((i * 13 + j * 5) % 9) * 0.25f - 1.0f;
            c[i * n + j] = 0.0f;
        }
    for (int i = 0; i < n; i++) {
        float *ci = c + (size_t)i * n;
        for (int k = 0; k < n; k++) {
            const float *bk = b + (size_t)k * n;
            float aik = a[(size_t)i * n + k];
#ifdef __wasm_simd128__
            v128_t av = wasm_f32x4_splat(aik);
            for (int j = 0; j < n; j += 4) {
                v128_t cv = wasm_v128_load(ci + j);
                v128_t bv = wasm_v128_load(bk + j);
                wasm_v128_store(ci + j, wasm_f32x4_add(cv, wasm_f32x4_mul(av, bv)));
            }
#else
            for (int j = 0; j < n; j++) ci[j] = ci[j] + aik * bk[j];
#endif
        }
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++) {
        uint32_t bits;
        memcpy(&bits, &c[i], sizeof bits);
        h = (h ^ bits) * 0x100000001b3ULL;
    }
    printf("gemm_simd n=%d c[0]=%.4f c[last]=%.4f\n", n, c[0], c[(size_t)n * n - 1]);
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a); free(b); free(c);
    return 0;
}
