/* vechash_core.h: the hash of the vechash demo extension, shared by the extension itself
 * (vechash.c) and the WASI command that runs the same code under `ironclad run`
 * (vechash_cmd.c).
 *
 * The hot loop multiplies two 64-bit lanes at a time with wasm's i64x2.mul. LLVM lowers that
 * to one vpmullq when AVX-512DQ and AVX-512VL are allowed (policy native on an AVX-512
 * machine) and to a pmuludq/shift/add sequence otherwise, so this is exactly the kind of code
 * that runs on the developer's machine and raises SIGILL on an Intel Alder Lake-N laptop. */
#ifndef VECHASH_CORE_H
#define VECHASH_CORE_H

#include <stdint.h>
#include <wasm_simd128.h>

#define VECHASH_WORDS 4096 /* 32 KiB of input per hash */

static uint64_t vechash_input[VECHASH_WORDS];

/* splitmix64: a deterministic input stream from a seed (scalar code on purpose). */
static uint64_t vechash_next(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void vechash_fill(uint64_t seed) {
    uint64_t state = seed;
    /* Kept scalar, so that the vector code of this module is the hash loop below. */
#pragma clang loop vectorize(disable)
    for (int i = 0; i < VECHASH_WORDS; i++) vechash_input[i] = vechash_next(&state);
}

/* Two independent multiply-xorshift lanes over the input, folded into one word at the end. */
static uint64_t vechash_mix(uint64_t seed) {
    /* Two odd multipliers, one per lane (a constant load rather than a broadcast). */
    const v128_t k = wasm_i64x2_make((int64_t)0xff51afd7ed558ccdull, (int64_t)0xc4ceb9fe1a85ec53ull);
    uint64_t swapped = (seed << 32) | (seed >> 32);
    v128_t acc = wasm_i64x2_make((int64_t)(seed ^ 0x243f6a8885a308d3ull),
                                 (int64_t)(swapped ^ 0x13198a2e03707344ull));
    for (int i = 0; i < VECHASH_WORDS; i += 2) {
        v128_t words = wasm_v128_load(&vechash_input[i]);
        acc = wasm_i64x2_mul(wasm_v128_xor(acc, words), k);
        acc = wasm_v128_xor(acc, wasm_u64x2_shr(acc, 29));
    }
    uint64_t lo = (uint64_t)wasm_i64x2_extract_lane(acc, 0);
    uint64_t hi = (uint64_t)wasm_i64x2_extract_lane(acc, 1);
    return (lo ^ (hi >> 17)) * 0xc4ceb9fe1a85ec53ull ^ hi;
}

/* The hash of the input generated from `seed`, chained `rounds` times (at least once). */
static uint64_t vechash(uint64_t seed, uint32_t rounds) {
    uint64_t h = seed;
    if (rounds == 0) rounds = 1;
    for (uint32_t r = 0; r < rounds; r++) {
        vechash_fill(h);
        h = vechash_mix(h);
    }
    return h;
}

#endif
