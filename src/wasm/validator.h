// Validation of a decoded module per the WebAssembly 2.0 spec: module-level rules
// (types, limits, constant expressions, exports, segments, start) and every function
// body through the operand/control stack algorithm of the spec's appendix.
#pragma once

#include <cstdint>
#include <string_view>

#include "ironclad/error.h"
#include "wasm/module.h"

namespace ironclad::wasm {

// Errors are ErrorKind::Invalid with the spec's phrase inside the message, e.g.
// "app.wasm: code section, function 12 at offset 0x1f3a: type mismatch: expected i32, got
// f64". A function body whose encoding is malformed gives ErrorKind::Malformed (bodies are
// decoded here, not by decode_module).
struct ValidateOptions {
  // Threads validating function bodies, the calling thread included: 0 picks one per core
  // (at most kMaxValidationThreads; IRONCLAD_VALIDATION_THREADS=N overrides it), and one
  // alone when the module's code is under kParallelValidationBytes, where starting a thread
  // costs more than it saves. Whatever the number, validate_module returns only once every
  // body is validated, with the error serial validation would give (the first invalid
  // function in index order).
  unsigned threads = 0;
};
inline constexpr unsigned kMaxValidationThreads = 8;
inline constexpr uint64_t kParallelValidationBytes = 256 * 1024;

Result<void> validate_module(const Module& m, std::string_view name_for_errors,
                             const ValidateOptions& options = {});

// How many threads validate_module uses for m's function bodies with `requested` threads
// (ValidateOptions::threads).
unsigned body_validation_threads(const Module& m, unsigned requested);

}  // namespace ironclad::wasm
