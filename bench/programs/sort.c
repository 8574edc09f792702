/* sort: quicksort (median of three, insertion sort below a cutoff) and bottom-up
 * mergesort of pseudo-random 32-bit keys; both results verified against each other.
 * Usage: sort [N] (default 3000000 keys). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void insertion(uint32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void swap(uint32_t *a, int i, int j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; }

static void quicksort(uint32_t *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        uint32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { swap(a, i, j); i++; j--; }
        }
        /* Recurse into the smaller half, loop on the larger: bounded stack depth. */
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}

static void mergesort(uint32_t *a, uint32_t *tmp, int n) {
    uint32_t *src = a, *dst = tmp;
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        uint32_t *t = src; src = dst; dst = t;
    }
    if (src != a) memcpy(a, src, sizeof(uint32_t) * (size_t)n);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3000000;
    if (n < 2) n = 2;
    uint32_t *a = malloc(sizeof(uint32_t) * (size_t)n), *b = malloc(sizeof(uint32_t) * (size_t)n);
    uint32_t *tmp = malloc(sizeof(uint32_t) * (size_t)n);
    if (!a || !b || !tmp) return 1;
    uint64_t s = 88172645463325252ULL;
    for (int i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        a[i] = (uint32_t)(s >> 32);
        if (i % 7 == 0) a[i] &= 0xffff; /* plenty of duplicates and small keys */
    }
    memcpy(b, a, sizeof(uint32_t) * (size_t)n);
    quicksort(a, 0, n - 1);
    mergesort(b, tmp, n);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < n; i++) {
        if (a[i] != b[i] || (i && a[i - 1] > a[i])) { printf("sort FAILED at %d\n", i); return 1; }
        h = (h ^ (a[i] + (uint32_t)i)) * 0x100000001b3ULL;
    }
    printf("sort n=%d min=%u median=%u max=%u\n", n, a[0], a[n / 2], a[n - 1]);
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a); free(b); free(tmp);
    return 0;
}
