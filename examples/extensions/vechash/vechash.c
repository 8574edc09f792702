/* vechash: the demo extension of `make run` (scripts/demo.sh), a wasm32 module with no
 * imports whose hot loop is 64-bit vector multiplication (vechash_core.h).
 *
 *   hash(seed: i64, rounds: i32) -> i64   the same arguments give the same result, so it is
 *                                         declared idempotent in extension.toml: after a
 *                                         fault the host may retry it on the restarted
 *                                         extension and still return the right answer.
 *   absorb(value: i64) -> i64             folds `value` into a running digest and returns
 *                                         it: calling it twice is not calling it once, so it
 *                                         is not idempotent and is never retried.
 *   absorbed() -> i32                     how many values were absorbed so far. */
#include "vechash_core.h"

static uint64_t digest = 0x6a09e667f3bcc908ull;
static uint32_t count = 0;

__attribute__((export_name("hash"))) uint64_t hash(uint64_t seed, uint32_t rounds) {
    return vechash(seed, rounds);
}

__attribute__((export_name("absorb"))) uint64_t absorb(uint64_t value) {
    digest = vechash(digest ^ value, 1);
    count++;
    return digest;
}

__attribute__((export_name("absorbed"))) uint32_t absorbed(void) { return count; }
