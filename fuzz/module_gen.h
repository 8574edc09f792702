// A generator of valid modules shaped like compiled code, driven by fuzz input bytes.
//
// Byte-level mutations of a wasm binary mostly break it, and binaryen's `wasm-opt -ttf`
// masks every address with `& 15` (to stay in bounds), so neither makes the address
// arithmetic real programs are full of: a field through a pointer loaded from memory
// (`base + *idx`), scaled indexes, pointer chasing, read-modify-writes. This generator makes
// those on purpose, inside functions with locals of every type, loops, branches, calls,
// globals and stores, all in bounds by construction (pointers come from a region of small
// words, stores go above it), so the code runs far instead of trapping at its first access.
// Every byte sequence gives a valid module; running out of bytes ends each choice at its
// simplest option, so short inputs give small modules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ironclad::fuzz {

// The binary of a module: one memory page, four mutable globals (one per number type), 1 to
// 4 functions exported as f0, f1... whose first parameter is an i32 used as a pointer.
// Functions call only functions after them (no recursion), and loops run at most 4 times.
std::vector<uint8_t> generate_module(const uint8_t* data, size_t size);

}  // namespace ironclad::fuzz
