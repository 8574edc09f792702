// verify(): checks every instruction of a code buffer against the CPU features it may use,
// and counts what the code uses.
//
// The JIT calls it after compiling a module, with the feature set the code was compiled
// for (LLVM names, e.g. cpu::FeatureSet::llvm_names() split at commas). A violation means
// the code must not run. Allowed names are matched case-insensitively and are taken as
// given: pass a set closed under implications (avx512dq with avx512f, avx2 with avx...), as
// cpu::FeatureSet::with_requirements() produces; the verifier does not add implied features.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace ironclad::verify {

// A function of the code buffer, for naming where a violation is.
struct FunctionSymbol {
  std::string name;
  uint64_t offset = 0;  // from the start of the code buffer
  uint64_t size = 0;    // 0 = up to the next symbol (or the end of the buffer)
};

enum class ViolationKind : uint8_t {
  MissingFeature,  // the instruction needs a feature outside the allowed set
  UnmappedIsaSet,  // the verifier does not know what the instruction's ISA set needs
  Undecodable,     // the bytes do not decode; verification stops there
};
const char* to_string(ViolationKind kind);

struct Violation {
  ViolationKind kind = ViolationKind::MissingFeature;
  uint64_t offset = 0;      // from the start of the code buffer
  uint64_t address = 0;     // base_address + offset
  std::string function;     // the enclosing symbol's name, empty if unknown
  std::string instruction;  // Intel syntax ("vpmullq zmm0, zmm1, zmm2"), or the raw bytes
  std::string isa_set;      // Zydis's ISA set, empty for Undecodable
  std::vector<std::string> missing_features;  // MissingFeature only
  // One line saying what, where and why, e.g.
  // "offset 0x1c (f3+0x8): vpmullq zmm0, zmm0, zmm1 [AVX512DQ_512] needs avx512dq, not in
  //  the allowed feature set"
  std::string message;
};

struct UsageReport {
  uint64_t instructions = 0;
  uint64_t baseline_instructions = 0;  // those that need no feature
  uint64_t vex_instructions = 0;
  uint64_t evex_instructions = 0;
  // tzcnt instructions accepted without "bmi" in the allowed set: LLVM emits f3 0f bc (rep
  // bsf) for count-trailing-zeros without BMI1, where bsf gives the same result, and CPUs
  // without BMI1 execute it as bsf. (lzcnt gets no such pass: bsr's result differs.)
  uint64_t tzcnt_accepted_as_bsf = 0;
  std::map<std::string, uint64_t> by_isa_ext;  // Zydis extension -> count ("AVX512EVEX")
  std::map<std::string, uint64_t> by_isa_set;  // Zydis set -> count ("AVX512DQ_256")
  std::map<std::string, uint64_t> by_feature;  // required feature -> count ("avx512vl")
  // A table for people: one line per extension and per feature, largest count first.
  std::string table() const;
};

struct VerifyReport {
  std::vector<Violation> violations;
  UsageReport usage;
  uint64_t bytes_verified = 0;  // less than the buffer's size only after an Undecodable
  bool ok() const { return violations.empty(); }
  // Every violation's message, one per line ("" when ok()).
  std::string describe() const;
};

// Decodes every instruction of `code` (which runs at `base_address`) and reports each one
// that needs a feature not in `allowed_features`, each instruction whose ISA set the verifier
// cannot map, and the first undecodable bytes (where it stops). Never throws.
VerifyReport verify(std::span<const uint8_t> code, uint64_t base_address,
                    const std::vector<std::string>& allowed_features,
                    const std::vector<FunctionSymbol>& symbols = {});

}  // namespace ironclad::verify
