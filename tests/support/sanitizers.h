// Whether the tests were built with AddressSanitizer: some behaviour cannot be observed under
// it (resident memory, which its quarantine of freed blocks inflates; runs under `ulimit -v`,
// since its shadow memory needs terabytes of address space).
#pragma once

namespace ironclad::testing {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IRONCLAD_TESTS_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define IRONCLAD_TESTS_UNDER_ASAN 1
#endif

#ifdef IRONCLAD_TESTS_UNDER_ASAN
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif

}  // namespace ironclad::testing
