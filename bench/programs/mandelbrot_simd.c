/* mandelbrot_simd: mandelbrot.c with two pixels per f64x2 vector (wasm_simd128.h) when
 * built with -msimd128, a scalar loop otherwise; both give the same iteration counts.
 * Usage: mandelbrot_simd [N] (default 1400, rounded down to even). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define MAXITER 255

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1400;
    if (n < 2) n = 2;
    n &= ~1;
    uint64_t h = 0xcbf29ce484222325ULL, total = 0;
    int it[2];
    for (int py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * py / (n - 1);
        for (int px = 0; px < n; px += 2) {
            double cr0 = -2.0 + 2.5 * px / (n - 1), cr1 = -2.0 + 2.5 * (px + 1) / (n - 1);
#ifdef __wasm_simd128__
            v128_t cr = wasm_f64x2_make(cr0, cr1), civ = wasm_f64x2_splat(ci);
            v128_t zr = wasm_f64x2_splat(0.0), zi = wasm_f64x2_splat(0.0);
            v128_t four = wasm_f64x2_splat(4.0), two = wasm_f64x2_splat(2.0);
            v128_t count = wasm_i64x2_splat(0), one = wasm_i64x2_splat(1);
            for (int k = 0; k < MAXITER; k++) {
                v128_t zr2 = wasm_f64x2_mul(zr, zr), zi2 = wasm_f64x2_mul(zi, zi);
                v128_t inside = wasm_f64x2_le(wasm_f64x2_add(zr2, zi2), four);
                if (!wasm_v128_any_true(inside)) break;
                count = wasm_i64x2_add(count, wasm_v128_and(inside, one));
                /* Escaped lanes keep their old z so they cannot overflow into NaN checks. */
                v128_t nzi = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_mul(two, zr), zi), civ);
                v128_t nzr = wasm_f64x2_add(wasm_f64x2_sub(zr2, zi2), cr);
                zi = wasm_v128_bitselect(nzi, zi, inside);
                zr = wasm_v128_bitselect(nzr, zr, inside);
            }
            it[0] = (int)wasm_i64x2_extract_lane(count, 0);
            it[1] = (int)wasm_i64x2_extract_lane(count, 1);
#else
            double crs[2] = {cr0, cr1};
            for (int l = 0; l < 2; l++) {
                double zr = 0.0, zi = 0.0;
                int k = 0;
                while (k < MAXITER) {
                    double zr2 = zr * zr, zi2 = zi * zi;
                    if (!(zr2 + zi2 <= 4.0)) break;
                    zi = 2.0 * zr * zi + ci;
                    zr = zr2 - zi2 + crs[l];
                    k++;
                }
                it[l] = k;
            }
#endif
            for (int l = 0; l < 2; l++) {
                total += (uint64_t)it[l];
                h = (h ^ (uint64_t)it[l]) * 0x100000001b3ULL;
            }
        }
    }
    printf("mandelbrot_simd n=%d total iterations=%llu\n", n, (unsigned long long)total);
    printf("checksum: %016llx\n", (unsigned long long)h);
    return 0;
}
