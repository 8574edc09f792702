#include "wasm/name_section.h"

#include <optional>
#include <string>
#include <algorithm>
#include <span>
#include <vector>

#include "wasm/reader.h"

namespace ironclad::wasm {

// The name section is advisory: anything malformed in it drops the names, never the module.
void read_name_section(Module& m, const CustomSection& s) {
  Reader r(m.bytes, s.offset, s.offset + s.size);
  std::optional<std::string> module_name;
  std::vector<Module::FunctionName> names;
  auto parse = [&]() -> Result<void> {
    int last_id = -1;
    while (!r.at_end()) {
      IRONCLAD_TRY_ASSIGN(uint8_t id, r.u8());
      if (static_cast<int>(id) <= last_id) return r.error("name subsections out of order");
      last_id = id;
      IRONCLAD_TRY_ASSIGN(uint32_t size, r.u32());
      if (size > r.remaining()) return r.error("name subsection too long");
      Reader sub(m.bytes, r.offset(), r.offset() + size);
      if (id == 0) {
        IRONCLAD_TRY_ASSIGN(module_name, sub.name());
      } else if (id == 1) {
        IRONCLAD_TRY_ASSIGN(uint32_t n, sub.u32());
        for (uint32_t i = 0; i < n; ++i) {
          IRONCLAD_TRY_ASSIGN(uint32_t index, sub.u32());
          IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> name, sub.name_bytes());
          names.push_back({index, static_cast<uint32_t>(name.data() - m.bytes.data()),
                           static_cast<uint32_t>(name.size())});
        }
      } else {
        IRONCLAD_TRY(sub.skip(size));
      }
      if (!sub.at_end()) return sub.error("name subsection size mismatch");
      IRONCLAD_TRY(r.skip(size));
    }
    return {};
  };
  if (parse().ok()) {
    // The spec's name maps are in index order; any other order is sorted, and of an index
    // named twice the last name counts.
    // (Offsets grow along the section: the later of two names has the larger one.)
    if (!std::is_sorted(names.begin(), names.end(), [](const auto& a, const auto& b) {
          return a.func_index < b.func_index;
        }))
      std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) {
        return a.func_index != b.func_index ? a.func_index < b.func_index : a.offset < b.offset;
      });
    std::vector<Module::FunctionName> unique;
    unique.reserve(names.size());
    for (const Module::FunctionName& n : names) {
      if (!unique.empty() && unique.back().func_index == n.func_index)
        unique.back() = n;
      else
        unique.push_back(n);
    }
    m.module_name = std::move(module_name);
    m.function_names = std::move(unique);
  }
}

}  // namespace ironclad::wasm
