#include "zed/api_version.h"

#include <optional>

namespace ironclad::zed {
namespace {

constexpr const char* kSectionName = "zed:api-version";

// The first `zed:api-version` payload in `c`, in the order the binary holds them: the
// component's own sections, its core modules', its nested components'.
std::optional<std::span<const uint8_t>> find_payload(const component::Component& c) {
  for (const component::CustomSectionDef& s : c.customs)
    if (s.name == kSectionName) return std::span<const uint8_t>(s.data);
  for (const component::CoreModuleDef& m : c.core_modules) {
    if (!m.module) continue;
    for (const wasm::CustomSection& s : m.module->customs) {
      if (s.name != kSectionName) continue;
      const std::vector<uint8_t>& bytes = m.module->bytes;
      if (uint64_t{s.offset} + s.size > bytes.size()) continue;
      return std::span<const uint8_t>(bytes.data() + s.offset, s.size);
    }
  }
  for (const auto& nested : c.components)
    if (auto p = find_payload(*nested)) return p;
  return std::nullopt;
}

}  // namespace

std::string ZedApiVersion::to_string() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Result<std::string> world_folder(ZedApiVersion v) {
  auto in = [&](ZedApiVersion lo, ZedApiVersion hi) { return lo <= v && v <= hi; };
  if (in({0, 0, 1}, {0, 0, 3})) return std::string("since_v0.0.1");
  if (in({0, 0, 4}, {0, 0, 5})) return std::string("since_v0.0.4");
  if (v == ZedApiVersion{0, 0, 6}) return std::string("since_v0.0.6");
  for (uint16_t minor = 1; minor <= 5; ++minor)
    if (v == ZedApiVersion{0, minor, 0}) return "since_v0." + std::to_string(minor) + ".0";
  if (in({0, 6, 0}, {0, 7, 0})) return std::string("since_v0.6.0");
  if (v == ZedApiVersion{0, 8, 0}) return std::string("since_v0.8.0");
  return Error::make(ErrorKind::Invalid,
                     "zed:api-version " + v.to_string() +
                         " is not a released Zed extension API (known: 0.0.1-0.0.6, 0.1.0, "
                         "0.2.0, 0.3.0, 0.4.0, 0.5.0, 0.6.0-0.7.0, 0.8.0)");
}

Result<ZedApiVersion> parse_api_version(std::span<const uint8_t> p) {
  if (p.size() != 6)
    return Error::make(ErrorKind::Invalid, std::string("custom section ") + kSectionName +
                                               " holds " + std::to_string(p.size()) +
                                               " bytes, expected 6 (three big-endian u16)");
  auto u16 = [&](size_t i) { return static_cast<uint16_t>((p[i] << 8) | p[i + 1]); };
  return ZedApiVersion{u16(0), u16(2), u16(4)};
}

Result<ZedApiVersion> find_api_version(const component::Component& c, const std::string& file) {
  auto payload = find_payload(c);
  if (!payload)
    return Error::make(ErrorKind::Invalid,
                       file + ": no custom section " + kSectionName +
                           " in the component or any of its core modules: not built with "
                           "zed_extension_api, so its world is unknown");
  auto v = parse_api_version(*payload);
  if (!v.ok()) return Error::make(ErrorKind::Invalid, file + ": " + v.error().message);
  return v;
}

}  // namespace ironclad::zed
