// How a module's functions are split for parallel compilation: each partition becomes one
// LLVM module, optimized and code-generated on its own thread into one relocatable object.
#pragma once

#include <cstdint>
#include <vector>

#include "wasm/module.h"

namespace ironclad::jit {

// Below this many bytes of function bodies a module is compiled as one partition: a second
// thread costs more (a context, a target machine, functions declared twice, no inlining
// across the cut) than it saves. Measured in docs/jit.md ("compile time").
constexpr uint64_t kMinBytesPerPartition = 48 * 1024;
// More partitions than this buy nothing on the machines we measured and cost inlining.
constexpr unsigned kMaxPartitions = 8;

// The number of partitions for `module` when the caller asked for `requested` threads:
// 0 (automatic) means the hardware threads, but never more than one per
// kMinBytesPerPartition of bodies; an explicit number is taken as it is (to measure). Never
// more than kMaxPartitions or the number of defined functions, and at least 1.
unsigned partition_count(const wasm::Module& module, unsigned requested);

// Splits the defined functions into `count` runs of consecutive function indices with about
// equal body bytes. Consecutive because a linker lays a source file's functions out together,
// so a run keeps most callers with their callees (the optimizer inlines only within a
// partition). Deterministic: the same module and count give the same partitions, so the
// objects, and the artifacts made of them, are reproducible. No partition is empty.
std::vector<std::vector<uint32_t>> partition_functions(const wasm::Module& module, unsigned count);

}  // namespace ironclad::jit
