/* nbody_simd: the n-body step of nbody.c with positions and velocities kept as (x, y)
 * pairs in f64x2 vectors (wasm_simd128.h) plus a scalar z, when built with -msimd128; a
 * scalar path doing the same operations in the same order otherwise. Usage: nbody_simd [STEPS]. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define NB 6
typedef struct { double xy[2], z, vxy[2], vz, m; } Body;

static uint32_t rng = 2463534242u;
static double urand(void) {
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return (double)(rng >> 8) / 16777216.0;
}

static void init(Body *b) {
    memset(b, 0, sizeof(Body) * NB);
    b[0].m = 39.47841760435743;
    for (int i = 1; i < NB; i++) {
        /* A point at distance r in a generated direction, on a roughly circular orbit
         * (sqrt only: libm's sin/cos may differ in the last bit between C libraries). */
        double ux = urand() - 0.5, uy = urand() - 0.5;
        double un = sqrt(ux * ux + uy * uy) + 1e-9;
        double r = 1.0 + 4.0 * i + urand();
        double c = ux / un, s = uy / un;
        double v = sqrt(b[0].m / r);
        b[i].xy[0] = r * c; b[i].xy[1] = r * s; b[i].z = 0.1 * (urand() - 0.5);
        b[i].vxy[0] = -v * s; b[i].vxy[1] = v * c; b[i].vz = 0.01 * (urand() - 0.5);
        b[i].m = 0.001 * (1.0 + 10.0 * urand());
    }
    double px = 0, py = 0, pz = 0;
    for (int i = 1; i < NB; i++) { px += b[i].vxy[0] * b[i].m; py += b[i].vxy[1] * b[i].m; pz += b[i].vz * b[i].m; }
    b[0].vxy[0] = -px / b[0].m; b[0].vxy[1] = -py / b[0].m; b[0].vz = -pz / b[0].m;
}

static void advance(Body *b, double dt) {
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
#ifdef __wasm_simd128__
            v128_t d = wasm_f64x2_sub(wasm_v128_load(b[i].xy), wasm_v128_load(b[j].xy));
            double dz = b[i].z - b[j].z;
            v128_t sq = wasm_f64x2_mul(d, d);
            double d2 = (wasm_f64x2_extract_lane(sq, 0) + wasm_f64x2_extract_lane(sq, 1)) + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            double mi = b[i].m * mag, mj = b[j].m * mag;
            wasm_v128_store(b[i].vxy, wasm_f64x2_sub(wasm_v128_load(b[i].vxy), wasm_f64x2_mul(d, wasm_f64x2_splat(mj))));
            wasm_v128_store(b[j].vxy, wasm_f64x2_add(wasm_v128_load(b[j].vxy), wasm_f64x2_mul(d, wasm_f64x2_splat(mi))));
            b[i].vz -= dz * mj;
            b[j].vz += dz * mi;
#else
            double dx = b[i].xy[0] - b[j].xy[0], dy = b[i].xy[1] - b[j].xy[1], dz = b[i].z - b[j].z;
            double d2 = (dx * dx + dy * dy) + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            double mi = b[i].m * mag, mj = b[j].m * mag;
            b[i].vxy[0] -= dx * mj; b[i].vxy[1] -= dy * mj; b[i].vz -= dz * mj;
            b[j].vxy[0] += dx * mi; b[j].vxy[1] += dy * mi; b[j].vz += dz * mi;
#endif
        }
    for (int i = 0; i < NB; i++) {
#ifdef __wasm_simd128__
        wasm_v128_store(b[i].xy, wasm_f64x2_add(wasm_v128_load(b[i].xy),
                                                wasm_f64x2_mul(wasm_f64x2_splat(dt), wasm_v128_load(b[i].vxy))));
#else
        b[i].xy[0] += dt * b[i].vxy[0]; b[i].xy[1] += dt * b[i].vxy[1];
#endif
        b[i].z += dt * b[i].vz;
    }
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 4000000;
    Body b[NB];
    init(b);
    for (int s = 0; s < steps; s++) advance(b, 0.001);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < NB; i++) {
        double v[6] = {b[i].xy[0], b[i].xy[1], b[i].z, b[i].vxy[0], b[i].vxy[1], b[i].vz};
        for (int k = 0; k < 6; k++) {
            uint64_t bits;
            memcpy(&bits, &v[k], 8);
            h = (h ^ bits) * 0x100000001b3ULL;
        }
    }
    printf("nbody_simd steps=%d body1 at (%.6f, %.6f)\n", steps, b[1].xy[0], b[1].xy[1]);
    printf("checksum: %016llx\n", (unsigned long long)h);
    return 0;
}
