/* fannkuch: for every permutation of 0..n-1, count the prefix reversals ("pancake
 * flips") until 0 comes first; report the maximum and a signed checksum.
 * Usage: fannkuch [N] (default 10). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int n, int *maxflips_out) {
    int perm[16], cur[16], count[16];
    for (int i = 0; i < n; i++) cur[i] = i;
    int r = n, checksum = 0, maxflips = 0;
    long permindex = 0;
    for (;;) {
        for (; r != 1; r--) count[r - 1] = r;
        memcpy(perm, cur, sizeof(int) * (size_t)n);
        int flips = 0;
        for (int k = perm[0]; k != 0; k = perm[0]) {
            for (int lo = 0, hi = k; lo < hi; lo++, hi--) {
                int t = perm[lo]; perm[lo] = perm[hi]; perm[hi] = t;
            }
            flips++;
        }
        if (flips > maxflips) maxflips = flips;
        checksum += (permindex & 1) ? -flips : flips;
        /* Next permutation: rotate the first r+1 elements, carrying like an odometer. */
        for (;;) {
            if (r == n) { *maxflips_out = maxflips; return checksum; }
            int first = cur[0];
            for (int i = 0; i < r; i++) cur[i] = cur[i + 1];
            cur[r] = first;
            if (--count[r] > 0) break;
            r++;
        }
        permindex++;
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 10;
    if (n < 3) n = 3;
    if (n > 12) n = 12;
    int maxflips = 0, sum = 0, reps = n <= 10 ? 2 : 1;
    for (int i = 0; i < reps; i++) sum += run(n, &maxflips);
    printf("fannkuch n=%d maxflips=%d checksum=%d\n", n, maxflips, sum / reps);
    printf("checksum: %d:%d\n", sum / reps, maxflips);
    return 0;
}
