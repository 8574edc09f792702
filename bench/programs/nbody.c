/* nbody: a small gravitational system (one heavy body plus light ones on generated
 * orbits) integrated with a symplectic Euler step. Usage: nbody [STEPS]. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB 6
typedef struct { double x, y, z, vx, vy, vz, m; } Body;

static uint32_t rng = 2463534242u;
static double urand(void) { /* uniform in [0, 1) */
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return (double)(rng >> 8) / 16777216.0;
}

static void init(Body *b) {
    b[0] = (Body){0, 0, 0, 0, 0, 0, 39.47841760435743};
    for (int i = 1; i < NB; i++) {
        /* A point at distance r in a generated direction, on a roughly circular orbit
         * (sqrt only: libm's sin/cos may differ in the last bit between C libraries). */
        double ux = urand() - 0.5, uy = urand() - 0.5;
        double un = sqrt(ux * ux + uy * uy) + 1e-9;
        double r = 1.0 + 4.0 * i + urand();
        double c = ux / un, s = uy / un;
        double v = sqrt(b[0].m / r);
        b[i].x = r * c; b[i].y = r * s; b[i].z = 0.1 * (urand() - 0.5);
        b[i].vx = -v * s; b[i].vy = v * c; b[i].vz = 0.01 * (urand() - 0.5);
        b[i].m = 0.001 * (1.0 + 10.0 * urand());
    }
    double px = 0, py = 0, pz = 0; /* zero the total momentum */
    for (int i = 1; i < NB; i++) { px += b[i].vx * b[i].m; py += b[i].vy * b[i].m; pz += b[i].vz * b[i].m; }
    b[0].vx = -px / b[0].m; b[0].vy = -py / b[0].m; b[0].vz = -pz / b[0].m;
}

static double energy(const Body *b) {
    double e = 0.0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(Body *b, double dt) {
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            double mi = b[i].m * mag, mj = b[j].m * mag;
            b[i].vx -= dx * mj; b[i].vy -= dy * mj; b[i].vz -= dz * mj;
            b[j].vx += dx * mi; b[j].vy += dy * mi; b[j].vz += dz * mi;
        }
    for (int i = 0; i < NB; i++) {
        b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz;
    }
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 4000000;
    Body b[NB];
    init(b);
    double e0 = energy(b);
    for (int s = 0; s < steps; s++) advance(b, 0.001);
    double e1 = energy(b);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < NB; i++) {
        double v[6] = {b[i].x, b[i].y, b[i].z, b[i].vx, b[i].vy, b[i].vz};
        for (int k = 0; k < 6; k++) {
            uint64_t bits;
            memcpy(&bits, &v[k], 8);
            h = (h ^ bits) * 0x100000001b3ULL;
        }
    }
    printf("nbody steps=%d energy %.9f -> %.9f\n", steps, e0, e1);
    printf("checksum: %016llx\n", (unsigned long long)h);
    return 0;
}
