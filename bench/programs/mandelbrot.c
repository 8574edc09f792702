/* mandelbrot: escape-time iteration counts of the Mandelbrot set over an N x N grid
 * in double precision. Usage: mandelbrot [N] (default 1400). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXITER 255

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1400;
    if (n < 2) n = 2;
    uint64_t h = 0xcbf29ce484222325ULL, total = 0;
    for (int py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * py / (n - 1);
        for (int px = 0; px < n; px++) {
            double cr = -2.0 + 2.5 * px / (n - 1);
            double zr = 0.0, zi = 0.0;
            int it = 0;
            while (it < MAXITER) {
                double zr2 = zr * zr, zi2 = zi * zi;
                if (zr2 + zi2 > 4.0) break;
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                it++;
            }
            total += (uint64_t)it;
            h = (h ^ (uint64_t)it) * 0x100000001b3ULL;
        }
    }
    printf("mandelbrot n=%d total iterations=%llu\n", n, (unsigned long long)total);
    printf("checksum: %016llx\n", (unsigned long long)h);
    return 0;
}
