// Internal: what the verifier's files share about Zydis. Not part of the library's API, so
// only the .cpp files of src/verify include Zydis's headers through this one.
#pragma once

#include <Zydis/Zydis.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ironclad::verify::detail {

// A decoder for 64-bit code and an Intel-syntax formatter, initialised once. Both are only
// read after initialisation, so any thread may use them.
const ZydisDecoder& decoder_64();
const ZydisFormatter& intel_formatter();

// The features one decoded instruction needs. The names are string literals (static
// storage). `mapped` is false when the instruction's ISA set has no mapping.
struct InstructionRequirements {
  bool mapped = false;
  std::vector<std::string_view> features;
};
InstructionRequirements requirements_of(const ZydisDecodedInstruction& instruction);

// The requirement of a whole ISA set, before per-instruction refinements.
InstructionRequirements isa_set_requirements(ZydisISASet isa_set);

// Where and why a walk over a code buffer stopped.
struct WalkFailure {
  size_t offset = 0;
  ZyanStatus status = 0;
};

// Decodes `code` instruction after instruction without operands (the cheap part of Zydis),
// calling visit(offset, instruction) for each. Returns the first failure, if any.
template <typename Visit>
std::optional<WalkFailure> walk(std::span<const uint8_t> code, Visit&& visit) {
  size_t offset = 0;
  while (offset < code.size()) {
    ZydisDecoderContext context;
    ZydisDecodedInstruction instruction;
    ZyanStatus status = ZydisDecoderDecodeInstruction(&decoder_64(), &context, code.data() + offset,
                                                      code.size() - offset, &instruction);
    if (!ZYAN_SUCCESS(status)) return WalkFailure{offset, status};
    visit(offset, instruction);
    offset += instruction.length;
  }
  return std::nullopt;
}

// The Intel-syntax text of the instruction at the start of `bytes` (known to decode), as it
// reads at `address`.
std::string format_instruction(std::span<const uint8_t> bytes, uint64_t address);

// Up to `limit` bytes as "62 f2 fd", with " ..." when there are more.
std::string hex_bytes(std::span<const uint8_t> bytes, size_t limit);
// "0x1c"
std::string hex(uint64_t value);

// "decoding error", "no more data"...: Zydis's status as words, for error messages.
std::string describe_status(ZyanStatus status);

}  // namespace ironclad::verify::detail
