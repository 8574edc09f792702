/* base64: RFC 4648 base64 encoding and decoding of a generated buffer, round-tripped
 * and verified, repeated. Usage: base64 [ROUNDS] (each round: 4 MiB). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ALPHA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static int8_t DEC[256];

static size_t encode(const uint8_t *in, size_t n, char *out) {
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = ALPHA[v >> 18]; out[o++] = ALPHA[(v >> 12) & 63];
        out[o++] = ALPHA[(v >> 6) & 63]; out[o++] = ALPHA[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = ALPHA[v >> 18]; out[o++] = ALPHA[(v >> 12) & 63]; out[o++] = '='; out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = ALPHA[v >> 18]; out[o++] = ALPHA[(v >> 12) & 63];
        out[o++] = ALPHA[(v >> 6) & 63]; out[o++] = '=';
    }
    return o;
}

/* Returns the decoded length, or (size_t)-1 on a malformed input. */
static size_t decode(const char *in, size_t n, uint8_t *out) {
    if (n % 4) return (size_t)-1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int pad = 0;
        if (i + 4 == n) pad = (in[n - 1] == '=') + (in[n - 2] == '=');
        int a = DEC[(uint8_t)in[i]], b = DEC[(uint8_t)in[i + 1]];
        int c = pad >= 2 ? 0 : DEC[(uint8_t)in[i + 2]];
        int d = pad >= 1 ? 0 : DEC[(uint8_t)in[i + 3]];
        if ((a | b | c | d) < 0) return (size_t)-1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = (uint8_t)(v >> 16);
        if (pad < 2) out[o++] = (uint8_t)(v >> 8);
        if (pad < 1) out[o++] = (uint8_t)v;
    }
    return o;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 60;
    memset(DEC, -1, sizeof DEC);
    for (int i = 0; i < 64; i++) DEC[(uint8_t)ALPHA[i]] = (int8_t)i;
    size_t n = 4u << 20;
    uint8_t *src = malloc(n), *back = malloc(n);
    char *enc = malloc(n / 3 * 4 + 8);
    if (!src || !back || !enc) return 1;
    uint32_t x = 0x9e3779b9u;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        src[i] = (uint8_t)(x >> 24);
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t total = 0;
    for (int r = 0; r < rounds; r++) {
        size_t len = n - (size_t)(r % 3); /* exercise every padding case */
        src[r % n] ^= (uint8_t)r;
        size_t elen = encode(src, len, enc);
        size_t dlen = decode(enc, elen, back);
        if (dlen != len || memcmp(src, back, len) != 0) {
            printf("round trip FAILED at round %d\n", r);
            return 1;
        }
        for (size_t i = 0; i < elen; i += 997) h = (h ^ (uint8_t)enc[i]) * 0x100000001b3ULL;
        h = (h ^ (uint8_t)enc[elen - 1]) * 0x100000001b3ULL;
        total += elen;
    }
    printf("base64 rounds=%d encoded %zu bytes\n", rounds, total);
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(src); free(back); free(enc);
    return 0;
}
