// decode_instruction and decode_all: Zydis's view of an instruction, plus the features it
// needs (isa_map.cpp).
#include <string>

#include "verify/instruction.h"
#include "verify/zydis_bridge.h"

namespace ironclad::verify {

const char* to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::Legacy:
      return "legacy";
    case Encoding::Amd3DNow:
      return "3DNow!";
    case Encoding::Xop:
      return "XOP";
    case Encoding::Vex:
      return "VEX";
    case Encoding::Evex:
      return "EVEX";
    case Encoding::Mvex:
      return "MVEX";
  }
  return "unknown";
}

namespace {

Encoding encoding_of(ZydisInstructionEncoding encoding) {
  switch (encoding) {
    case ZYDIS_INSTRUCTION_ENCODING_LEGACY:
      return Encoding::Legacy;
    case ZYDIS_INSTRUCTION_ENCODING_3DNOW:
      return Encoding::Amd3DNow;
    case ZYDIS_INSTRUCTION_ENCODING_XOP:
      return Encoding::Xop;
    case ZYDIS_INSTRUCTION_ENCODING_VEX:
      return Encoding::Vex;
    case ZYDIS_INSTRUCTION_ENCODING_EVEX:
      return Encoding::Evex;
    case ZYDIS_INSTRUCTION_ENCODING_MVEX:
      return Encoding::Mvex;
  }
  return Encoding::Legacy;
}

}  // namespace

Result<DecodedInstruction> decode_instruction(std::span<const uint8_t> bytes,
                                              uint64_t runtime_address) {
  if (bytes.empty())
    return Error::make(ErrorKind::Malformed, "no instruction to decode: the buffer is empty");
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
  ZyanStatus status =
      ZydisDecoderDecodeFull(&detail::decoder_64(), bytes.data(), bytes.size(), &zi, operands);
  if (!ZYAN_SUCCESS(status))
    return Error::make(ErrorKind::Malformed,
                       "bytes [" + detail::hex_bytes(bytes, 15) +
                           "] do not decode: " + detail::describe_status(status));

  DecodedInstruction out;
  out.length = zi.length;
  char text[256];
  status = ZydisFormatterFormatInstruction(&detail::intel_formatter(), &zi, operands,
                                           zi.operand_count_visible, text, sizeof text,
                                           runtime_address, nullptr);
  out.text = ZYAN_SUCCESS(status) ? text : detail::mnemonic_name(zi.mnemonic);
  out.mnemonic = detail::mnemonic_name(zi.mnemonic);
  out.isa_set = detail::isa_set_name(zi.meta.isa_set);
  out.isa_ext = detail::isa_ext_name(zi.meta.isa_ext);
  out.category = detail::category_name(zi.meta.category);
  out.encoding = encoding_of(zi.encoding);
  out.uses_vex = out.encoding == Encoding::Vex;
  out.uses_evex = out.encoding == Encoding::Evex;
  if (out.encoding == Encoding::Vex || out.encoding == Encoding::Evex ||
      out.encoding == Encoding::Xop || out.encoding == Encoding::Mvex)
    out.vector_length = zi.avx.vector_length;

  detail::InstructionRequirements req = detail::requirements_of(zi);
  out.isa_set_mapped = req.mapped;
  out.required_features.assign(req.features.begin(), req.features.end());
  if (req.runs_as_without_features) out.runs_as_without_features = req.runs_as_without_features;
  return out;
}

Result<std::vector<LocatedInstruction>> decode_all(std::span<const uint8_t> code,
                                                   uint64_t base_address) {
  std::vector<LocatedInstruction> out;
  size_t offset = 0;
  while (offset < code.size()) {
    Result<DecodedInstruction> one =
        decode_instruction(code.subspan(offset), base_address + offset);
    if (!one.ok())
      return Error::make(ErrorKind::Malformed,
                         "machine code at offset " + detail::hex(offset) + " (address " +
                             detail::hex(base_address + offset) + "): " + one.error().message);
    uint8_t length = one->length;
    out.push_back({offset, std::move(one).value()});
    offset += length;
  }
  return out;
}

}  // namespace ironclad::verify
