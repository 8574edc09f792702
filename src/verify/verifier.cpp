// verify(): one pass over the code with Zydis, counting usage and collecting violations.
// Instructions are formatted as text only when they are reported.
#include "verify/verifier.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "verify/feature_lookup.h"
#include "verify/zydis_bridge.h"

namespace ironclad::verify {

const char* to_string(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::MissingFeature:
      return "missing feature";
    case ViolationKind::UnmappedIsaSet:
      return "unmapped ISA set";
    case ViolationKind::Undecodable:
      return "undecodable";
  }
  return "unknown";
}

namespace {

using detail::hex;

// Names the function an offset falls in: "name+0x8", or "" when no symbol covers it.
class SymbolIndex {
 public:
  explicit SymbolIndex(const std::vector<FunctionSymbol>& symbols) : sorted_(symbols) {
    // (std::stable_sort trips libstdc++ 12's deprecation warnings under clang: the name
    // breaks ties instead.)
    std::sort(sorted_.begin(), sorted_.end(), [](const FunctionSymbol& a, const FunctionSymbol& b) {
      return a.offset != b.offset ? a.offset < b.offset : a.name < b.name;
    });
  }

  // The symbol's name, and the offset within it in `within`.
  std::string find(uint64_t offset, uint64_t* within) const {
    auto after =
        std::upper_bound(sorted_.begin(), sorted_.end(), offset,
                         [](uint64_t off, const FunctionSymbol& s) { return off < s.offset; });
    if (after == sorted_.begin()) return {};
    const FunctionSymbol& s = *(after - 1);
    if (s.size != 0 && offset - s.offset >= s.size) return {};
    *within = offset - s.offset;
    return s.name;
  }

 private:
  std::vector<FunctionSymbol> sorted_;
};

std::string where(uint64_t offset, const std::string& function, uint64_t within) {
  std::string out = "offset " + hex(offset);
  if (!function.empty()) out += " (" + function + "+" + hex(within) + ")";
  return out;
}

std::string join(const std::vector<std::string>& names, const char* separator) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += separator;
    out += n;
  }
  return out;
}

// Lines "  name  count", largest count first, then by name.
void append_counts(std::string& out, const char* title,
                   const std::map<std::string, uint64_t>& counts) {
  std::vector<std::pair<std::string, uint64_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  out += title;
  out += '\n';
  for (const auto& [name, count] : rows) {
    std::string line = "  " + name;
    if (line.size() < 24) line.resize(24, ' ');
    out += line + " " + std::to_string(count) + "\n";
  }
}

}  // namespace

std::string UsageReport::table() const {
  std::string out = "instructions: " + std::to_string(instructions) + " (baseline " +
                    std::to_string(baseline_instructions) + ", VEX " +
                    std::to_string(vex_instructions) + ", EVEX " +
                    std::to_string(evex_instructions) + ")\n";
  append_counts(out, "by ISA extension:", by_isa_ext);
  append_counts(out, "by required feature:", by_feature);
  return out;
}

std::string VerifyReport::describe() const {
  std::string out;
  for (const Violation& v : violations) out += v.message + "\n";
  return out;
}

VerifyReport verify(std::span<const uint8_t> code, uint64_t base_address,
                    const std::vector<std::string>& allowed_features,
                    const std::vector<FunctionSymbol>& symbols) {
  VerifyReport report;
  const detail::FeatureLookup allowed(allowed_features);
  const SymbolIndex index(symbols);
  std::array<uint64_t, ZYDIS_ISA_EXT_MAX_VALUE + 1> ext_counts{};
  std::array<uint64_t, ZYDIS_ISA_SET_MAX_VALUE + 1> set_counts{};
  std::map<std::string_view, uint64_t> feature_counts;

  auto violation = [&](ViolationKind kind, uint64_t offset) {
    Violation v;
    v.kind = kind;
    v.offset = offset;
    v.address = base_address + offset;
    uint64_t within = 0;
    v.function = index.find(offset, &within);
    v.message = where(offset, v.function, within) + ": ";
    return v;
  };

  std::optional<detail::WalkFailure> failure =
      detail::walk(code, [&](size_t offset, const ZydisDecodedInstruction& zi) {
        ++report.usage.instructions;
        // Zydis's values are within its enums; checked anyway, as a library built against
        // other headers than the one loaded could hand out more.
        if (zi.meta.isa_ext <= ZYDIS_ISA_EXT_MAX_VALUE) ++ext_counts[zi.meta.isa_ext];
        if (zi.meta.isa_set <= ZYDIS_ISA_SET_MAX_VALUE) ++set_counts[zi.meta.isa_set];
        if (zi.encoding == ZYDIS_INSTRUCTION_ENCODING_VEX) ++report.usage.vex_instructions;
        if (zi.encoding == ZYDIS_INSTRUCTION_ENCODING_EVEX) ++report.usage.evex_instructions;

        detail::InstructionRequirements req = detail::requirements_of(zi);
        if (req.mapped && req.features.empty()) ++report.usage.baseline_instructions;
        for (std::string_view f : req.features) ++feature_counts[f];

        std::vector<std::string> missing;
        for (std::string_view f : req.features)
          if (!allowed.contains(f)) missing.emplace_back(f);
        if (req.mapped && missing.empty()) return;
        if (req.mapped && req.accepted_without_features) {
          ++report.usage.tzcnt_accepted_as_bsf;
          return;
        }

        Violation v = violation(
            req.mapped ? ViolationKind::MissingFeature : ViolationKind::UnmappedIsaSet, offset);
        v.instruction =
            detail::format_instruction(code.subspan(offset, zi.length), base_address + offset);
        v.isa_set = detail::isa_set_name(zi.meta.isa_set);
        v.message += v.instruction + " [" + v.isa_set + "] ";
        if (req.mapped) {
          v.missing_features = std::move(missing);
          v.message += "needs " + join(v.missing_features, "+") +
                       (v.missing_features.size() == 1 ? ", which is" : ", which are") +
                       " not in the allowed feature set";
          if (req.runs_as_without_features)
            v.message += std::string(" (a CPU without it runs these bytes as ") +
                         req.runs_as_without_features + ": no fault, a different result)";
        } else {
          v.message += "has an unmapped ISA set " + v.isa_set +
                       ": the verifier does not know which CPU feature it needs";
        }
        report.violations.push_back(std::move(v));
      });

  report.bytes_verified = failure ? failure->offset : code.size();
  if (failure) {
    Violation v = violation(ViolationKind::Undecodable, failure->offset);
    v.instruction = detail::hex_bytes(code.subspan(failure->offset), 15);
    v.message += "bytes [" + v.instruction + "] do not decode (" +
                 detail::describe_status(failure->status) + "); the " +
                 std::to_string(code.size() - failure->offset) +
                 " bytes from here on are unverified";
    report.violations.push_back(std::move(v));
  }

  for (int i = 0; i <= ZYDIS_ISA_EXT_MAX_VALUE; ++i)
    if (ext_counts[i] != 0)
      report.usage.by_isa_ext[detail::isa_ext_name(static_cast<ZydisISAExt>(i))] = ext_counts[i];
  for (int i = 0; i <= ZYDIS_ISA_SET_MAX_VALUE; ++i)
    if (set_counts[i] != 0)
      report.usage.by_isa_set[detail::isa_set_name(static_cast<ZydisISASet>(i))] = set_counts[i];
  for (const auto& [name, count] : feature_counts)
    report.usage.by_feature[std::string(name)] = count;
  return report;
}

}  // namespace ironclad::verify
