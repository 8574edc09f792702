// A structural check of the relocatable ELF objects an artifact carries, before they reach
// LLVM's JITLink. JITLink trusts its input: a relocation whose offset lies outside the section
// it patches makes it write outside the block it allocated; an unterminated string table
// crashes it while it formats an error; unexpected section types crash it after allocation
// (all found by fuzz_artifact, docs/fuzzing.md). An artifact's checksum catches corruption but not
// a forged file, so every offset, size and index the link will use is checked against the bytes
// that are there.
#pragma once

#include <string_view>

#include "ironclad/error.h"

namespace ironclad::jit {

// Malformed (naming the section and entry) unless `object` is an x86-64 ELF64 little-endian
// relocatable object with only the kinds of section LLVM writes for our code, whose section
// headers, section contents, string tables, symbols and relocations all lie within bounds.
Result<void> check_relocatable_object(std::string_view object);

}  // namespace ironclad::jit
