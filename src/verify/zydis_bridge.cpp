#include "verify/zydis_bridge.h"

#include <cstdio>
#include <initializer_list>

namespace ironclad::verify::detail {

namespace {

struct ZydisTools {
  ZydisDecoder decoder{};
  ZydisFormatter formatter{};
  ZydisTools() {
    // These calls only fail on invalid arguments, which these constants are not.
    ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    // Byte sequences that one CPU runs as a hint NOP or an older instruction and another as a
    // feature instruction (f3 0f bd: bsr or lzcnt; f3 0f bc: bsf or tzcnt; CET, MPX, CLDEMOTE
    // in the NOP space) are decoded as the feature instruction, so its requirement is
    // checked. These are Zydis's defaults today; set explicitly because a false "baseline"
    // here would let lzcnt through as bsr.
    for (ZydisDecoderMode mode :
         {ZYDIS_DECODER_MODE_LZCNT, ZYDIS_DECODER_MODE_TZCNT, ZYDIS_DECODER_MODE_CET,
          ZYDIS_DECODER_MODE_MPX, ZYDIS_DECODER_MODE_CLDEMOTE})
      ZydisDecoderEnableMode(&decoder, mode, ZYAN_TRUE);
    // Full decoding (the verifier needs ISA sets and vector lengths), Intel branch semantics,
    // no Knights Corner reinterpretation of opmask instructions.
    for (ZydisDecoderMode mode :
         {ZYDIS_DECODER_MODE_MINIMAL, ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYDIS_DECODER_MODE_KNC})
      ZydisDecoderEnableMode(&decoder, mode, ZYAN_FALSE);
    ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
  }
};

const ZydisTools& tools() {
  static const ZydisTools instance;  // thread-safe initialisation (C++11 statics)
  return instance;
}

}  // namespace

const ZydisDecoder& decoder_64() {
  return tools().decoder;
}

const ZydisFormatter& intel_formatter() {
  return tools().formatter;
}

std::string format_instruction(std::span<const uint8_t> bytes, uint64_t address) {
  ZydisDecodedInstruction instruction;
  ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder_64(), bytes.data(), bytes.size(), &instruction,
                                           operands)))
    return "(undecodable: " + hex_bytes(bytes, 15) + ")";
  char text[256];
  if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&intel_formatter(), &instruction, operands,
                                                    instruction.operand_count_visible, text,
                                                    sizeof text, address, nullptr)))
    return mnemonic_name(instruction.mnemonic);
  return text;
}

namespace {
const char* or_unknown(const char* name) {
  return name ? name : "(unknown)";
}
}  // namespace

const char* mnemonic_name(ZydisMnemonic mnemonic) {
  return or_unknown(ZydisMnemonicGetString(mnemonic));
}
const char* isa_set_name(ZydisISASet isa_set) {
  return or_unknown(ZydisISASetGetString(isa_set));
}
const char* isa_ext_name(ZydisISAExt isa_ext) {
  return or_unknown(ZydisISAExtGetString(isa_ext));
}
const char* category_name(ZydisInstructionCategory category) {
  return or_unknown(ZydisCategoryGetString(category));
}

std::string hex_bytes(std::span<const uint8_t> bytes, size_t limit) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%s%02x", i == 0 ? "" : " ", bytes[i]);
    out += byte;
  }
  if (bytes.size() > limit) out += " ...";
  return out;
}

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

std::string describe_status(ZyanStatus status) {
  switch (status) {
    case ZYDIS_STATUS_NO_MORE_DATA:
      return "the buffer ends inside the instruction (truncated)";
    case ZYDIS_STATUS_DECODING_ERROR:
      return "not a valid x86-64 instruction";
    case ZYDIS_STATUS_INSTRUCTION_TOO_LONG:
      return "longer than the 15-byte limit";
    case ZYDIS_STATUS_BAD_REGISTER:
      return "invalid register operand";
    case ZYDIS_STATUS_ILLEGAL_LOCK:
      return "lock prefix on an instruction that does not allow it";
    case ZYDIS_STATUS_ILLEGAL_LEGACY_PFX:
      return "legacy prefix not allowed before VEX/EVEX/XOP";
    case ZYDIS_STATUS_ILLEGAL_REX:
      return "REX prefix not allowed before VEX/EVEX/XOP";
    case ZYDIS_STATUS_INVALID_MAP:
      return "invalid opcode map";
    case ZYDIS_STATUS_MALFORMED_EVEX:
      return "malformed EVEX prefix";
    case ZYDIS_STATUS_MALFORMED_MVEX:
      return "malformed MVEX prefix";
    case ZYDIS_STATUS_INVALID_MASK:
      return "invalid opmask register";
    default:
      break;
  }
  char text[64];
  std::snprintf(text, sizeof text, "Zydis status 0x%08x", static_cast<unsigned>(status));
  return text;
}

}  // namespace ironclad::verify::detail
