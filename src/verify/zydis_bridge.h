// Internal: what the verifier's files share about Zydis. Not part of the library's API, so
// only the .cpp files of src/verify include Zydis's headers through this one.
#pragma once

#include <Zydis/Zydis.h>

#include <array>
#include <cstdint>
#include <initializer_list>
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

// A few feature names without allocating: verify() builds one per instruction. The longest
// requirement is three names (gfni+avx512f+avx512vl) plus one refinement; a list that would
// overflow says so, and requirements_of() then treats the instruction as unmapped (rejected)
// rather than drop a requirement.
class FeatureList {
 public:
  FeatureList() = default;
  FeatureList(std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) push_back(n);
  }
  void push_back(std::string_view name) {
    if (size_ == names_.size()) {
      overflowed_ = true;
      return;
    }
    names_[size_++] = name;
  }
  void clear() { size_ = 0; }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  bool overflowed() const { return overflowed_; }
  const std::string_view* begin() const { return names_.data(); }
  const std::string_view* end() const { return names_.data() + size_; }

 private:
  std::array<std::string_view, 4> names_{};
  size_t size_ = 0;
  bool overflowed_ = false;
};

// The features one decoded instruction needs. The names are string literals (static
// storage). `mapped` is false when the instruction's ISA set has no mapping.
struct InstructionRequirements {
  bool mapped = false;
  FeatureList features;
  // Null when a CPU without the features raises #UD. Otherwise the instruction such a CPU
  // executes instead, because the encoding predates the feature: "bsf" for tzcnt (f3 0f bc
  // is rep bsf), "bsr" for lzcnt.
  const char* runs_as_without_features = nullptr;
  // True when the verifier accepts the instruction even though its features are not
  // allowed: only tzcnt, which LLVM emits (as rep bsf) for count-trailing-zeros when BMI1 is
  // off, where bsf's result is the same.
  bool accepted_without_features = false;
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

// Zydis's names for its enums, never null: "(unknown)" for a value Zydis has no name for
// (std::string from a null pointer would crash).
const char* mnemonic_name(ZydisMnemonic mnemonic);
const char* isa_set_name(ZydisISASet isa_set);
const char* isa_ext_name(ZydisISAExt isa_ext);
const char* category_name(ZydisInstructionCategory category);

// Up to `limit` bytes as "62 f2 fd", with " ..." when there are more.
std::string hex_bytes(std::span<const uint8_t> bytes, size_t limit);
// "0x1c"
std::string hex(uint64_t value);

// "decoding error", "no more data"...: Zydis's status as words, for error messages.
std::string describe_status(ZyanStatus status);

}  // namespace ironclad::verify::detail
