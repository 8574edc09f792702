// For CPU emulation (issue 5): the instructions a CPU with a given feature set could not
// execute, so the caller can overwrite each one's first bytes with an undefined opcode and get
// a real SIGILL exactly where that CPU would raise it.
//
// Every listed instruction is at least one byte long; VEX/EVEX ones are at least 3 and 6
// bytes, so ud2 (0f 0b) fits them. For a one-byte instruction (lahf/sahf, "sahf"), a byte
// invalid in 64-bit mode such as 0x06 (push es) raises #UD as well.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::verify {

struct UnsupportedInstruction {
  uint64_t offset = 0;  // from the start of the code buffer
  uint8_t length = 0;
  std::string text;     // Intel syntax
  std::string isa_set;  // Zydis's ISA set
  // The features the instruction needs that are not available (LLVM names). For an
  // instruction whose ISA set the verifier cannot map, "unmapped ISA set <name>": such an
  // instruction is listed too, since nothing says the emulated CPU has it.
  std::vector<std::string> missing_features;
};

// The instructions of `code` that need any feature outside `available_features` and on which
// a CPU without them faults: lzcnt and tzcnt are left out, since such a CPU runs their bytes
// as bsr and bsf (see DecodedInstruction::runs_as_without_features). Features are matched
// case-insensitively and taken as given, like verify()'s allowed set. An error (Malformed) when
// the code does not decode, naming the offset.
Result<std::vector<UnsupportedInstruction>> find_unsupported_instructions(
    std::span<const uint8_t> code, uint64_t base_address,
    const std::vector<std::string>& available_features);

}  // namespace ironclad::verify
