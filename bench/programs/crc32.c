/* crc32: table-driven CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), one byte per
 * step, over a generated buffer, chained over rounds. Usage: crc32 [ROUNDS] (4 MiB each). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t table[256];

static void make_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    make_table();
    uint32_t check = crc32_update(0, (const uint8_t *)"123456789", 9);
    if (check != 0xCBF43926u) { printf("self-test FAILED: %08x\n", check); return 1; }
    size_t n = 4u << 20;
    uint8_t *buf = malloc(n);
    if (!buf) return 1;
    uint64_t s = 0x0123456789abcdefULL;
    for (size_t i = 0; i < n; i++) {
        s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
        buf[i] = (uint8_t)((s * 0x2545F4914F6CDD1DULL) >> 56);
    }
    uint32_t crc = 0, mix = 0;
    for (int r = 0; r < rounds; r++) {
        buf[(size_t)r * 4099 % n] ^= (uint8_t)(crc >> 3);
        crc = crc32_update(crc, buf, n);
        mix = (mix << 5 | mix >> 27) ^ crc;
    }
    printf("crc32 rounds=%d of %zu bytes, last crc %08x\n", rounds, n, crc);
    printf("checksum: %08x:%08x\n", crc, mix);
    free(buf);
    return 0;
}
