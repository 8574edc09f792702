// find_unsupported_instructions(): the instructions an emulated CPU must refuse.
#include "verify/unsupported.h"

#include "verify/feature_lookup.h"
#include "verify/zydis_bridge.h"

namespace ironclad::verify {

Result<std::vector<UnsupportedInstruction>> find_unsupported_instructions(
    std::span<const uint8_t> code, uint64_t base_address,
    const std::vector<std::string>& available_features) {
  const detail::FeatureLookup available(available_features);
  std::vector<UnsupportedInstruction> out;
  std::optional<detail::WalkFailure> failure =
      detail::walk(code, [&](size_t offset, const ZydisDecodedInstruction& zi) {
        detail::InstructionRequirements req = detail::requirements_of(zi);
        std::vector<std::string> missing;
        if (!req.mapped)
          missing.push_back(std::string("unmapped ISA set ") +
                            detail::isa_set_name(zi.meta.isa_set));
        for (std::string_view f : req.features)
          if (!available.contains(f)) missing.emplace_back(f);
        // lzcnt/tzcnt: a CPU without the feature runs them as bsr/bsf instead of faulting,
        // so the emulated CPU must not fault there either.
        if (missing.empty() || (req.mapped && req.runs_as_without_features)) return;
        UnsupportedInstruction u;
        u.offset = offset;
        u.length = zi.length;
        u.text = detail::format_instruction(code.subspan(offset, zi.length), base_address + offset);
        u.isa_set = detail::isa_set_name(zi.meta.isa_set);
        u.missing_features = std::move(missing);
        out.push_back(std::move(u));
      });
  if (failure)
    return Error::make(ErrorKind::Malformed,
                       "machine code at offset " + detail::hex(failure->offset) + " (address " +
                           detail::hex(base_address + failure->offset) + "): bytes [" +
                           detail::hex_bytes(code.subspan(failure->offset), 15) +
                           "] do not decode: " + detail::describe_status(failure->status));
  return out;
}

}  // namespace ironclad::verify
