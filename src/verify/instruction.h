// One x86-64 instruction as the ISA verifier sees it, and the decoders that produce it.
//
// Decoding uses Zydis in 64-bit mode. Nothing here depends on another Ironclad library:
// features are named as LLVM spells them ("sse4.1", "avx512vl"), so the JIT can map them to
// and from its own feature model (src/cpu) without this library knowing that model.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::verify {

// How the instruction is encoded. VEX and EVEX instructions need OS-enabled AVX (resp.
// AVX-512) register state; the verifier reports them separately for that reason.
enum class Encoding : uint8_t { Legacy, Amd3DNow, Xop, Vex, Evex, Mvex };
const char* to_string(Encoding encoding);

struct DecodedInstruction {
  uint8_t length = 0;
  std::string text;      // Intel syntax, as Zydis formats it: "vpmullq zmm0, zmm1, zmm2"
  std::string mnemonic;  // "vpmullq"
  std::string isa_set;   // Zydis's ISA set: "AVX512DQ_512"
  std::string isa_ext;   // Zydis's ISA extension: "AVX512EVEX"
  std::string category;  // Zydis's category: "AVX512"
  Encoding encoding = Encoding::Legacy;
  uint16_t vector_length = 0;  // 128, 256 or 512 for VEX/EVEX/XOP, 0 otherwise
  bool uses_vex = false;
  bool uses_evex = false;
  // The CPU features the instruction needs, as LLVM names them, e.g. {"avx512dq",
  // "avx512vl"} for vpmullq ymm. Empty for x86-64 baseline instructions. Minimal under
  // LLVM's implications: vpmullq zmm needs "avx512dq", which implies "avx512f".
  std::vector<std::string> required_features;
  // False when the verifier has no mapping for the instruction's ISA set: required_features
  // is then empty and meaningless, and verify() reports the instruction as a violation.
  bool isa_set_mapped = true;
  // Empty when a CPU without required_features raises #UD (SIGILL) on the instruction.
  // Otherwise what such a CPU executes instead, since the encoding predates the feature:
  // "bsf" for tzcnt (f3 0f bc is rep bsf), "bsr" for lzcnt. No fault, a different result.
  std::string runs_as_without_features;
};

// Decodes the instruction at the start of `bytes`. `runtime_address` is where the bytes will
// execute (it only affects the text of relative branches). Errors (ErrorKind::Malformed) say
// why the bytes do not decode, e.g. a truncated instruction. It allocates, so it is not
// async-signal-safe: a SIGILL handler should copy the (at most 15) bytes at the faulting PC
// and decode them after it has left the handler.
Result<DecodedInstruction> decode_instruction(std::span<const uint8_t> bytes,
                                              uint64_t runtime_address = 0);

struct LocatedInstruction {
  uint64_t offset = 0;  // from the start of the code buffer
  DecodedInstruction instruction;
};

// Decodes a whole code buffer, instruction after instruction. The first byte sequence that
// does not decode is an error naming its offset and address (and the bytes there).
Result<std::vector<LocatedInstruction>> decode_all(std::span<const uint8_t> code,
                                                   uint64_t base_address = 0);

}  // namespace ironclad::verify
